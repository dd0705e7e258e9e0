import { deriveSeed, Rng } from '../data/random';
import type { InitSpec } from '../spec/trainConfig';

/**
 * Initial weight values, generated in JavaScript from a seeded stream per tensor (seed, layer, role) so
 * they are identical on every backend and adding a layer never changes another layer's draw.
 * Biases start at 0 for every scheme. Fans follow Keras: dense [in, out] -> fanIn = in, fanOut = out;
 * conv [kh, kw, in, out] -> fanIn = kh*kw*in, fanOut = kh*kw*out. Normal schemes are not truncated.
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] }; // Keras' rule for vectors
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: receptive * shape[shape.length - 2], fanOut: receptive * shape[shape.length - 1] };
}

export function initialValues(init: InitSpec, shape: readonly number[], role: 'kernel' | 'bias', seed: number, tensorName: string): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (role === 'bias') return out;
  const rng = new Rng(deriveSeed(seed, tensorName));
  const { fanIn, fanOut } = fans(shape);
  switch (init.kind) {
    case 'zeros':
      if (init.symmetryBreaking > 0) for (let i = 0; i < n; i++) out[i] = rng.normal(0, init.symmetryBreaking);
      break;
    case 'normal':
      for (let i = 0; i < n; i++) out[i] = rng.normal(0, init.std);
      break;
    case 'glorot-uniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < n; i++) out[i] = rng.uniform(-limit, limit);
      break;
    }
    case 'glorot-normal': {
      const std = Math.sqrt(2 / (fanIn + fanOut));
      for (let i = 0; i < n; i++) out[i] = rng.normal(0, std);
      break;
    }
    case 'he-normal': {
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < n; i++) out[i] = rng.normal(0, std);
      break;
    }
    case 'he-uniform': {
      const limit = Math.sqrt(6 / fanIn);
      for (let i = 0; i < n; i++) out[i] = rng.uniform(-limit, limit);
      break;
    }
  }
  return out;
}
