import { deriveSeed, Rng } from './random';
import type { RawDataset, RawSplit } from './dataset';
import type { TOY_SHAPES } from '../spec/trainConfig';

/**
 * Seeded 2-D classification sets for the decision-region study (SPEC D). Each generator draws class
 * labels in turn (balanced), places points on the class's manifold, then adds isotropic Gaussian noise of
 * standard deviation `noise`. Shapes follow scikit-learn's make_moons / make_circles / make_blobs
 * conventions where those exist; all sets are roughly centred at 0 with coordinates of order 1.
 */
export type ToyShape = (typeof TOY_SHAPES)[number];

export interface ToyOptions {
  shape: ToyShape;
  trainSamples: number;
  testSamples: number;
  noise: number;
  classes: number;
  seed: number;
}

type PointFn = (label: number, rng: Rng) => [number, number];

function generator(shape: ToyShape, classes: number): { classes: number; point: PointFn } {
  switch (shape) {
    case 'moons':
      // sklearn: outer (cos t, sin t), inner (1 - cos t, 1 - sin t - 0.5), t in [0, pi]; shifted to centre.
      return {
        classes: 2,
        point: (label, rng) => {
          const t = rng.uniform(0, Math.PI);
          return label === 0 ? [Math.cos(t) - 0.5, Math.sin(t) - 0.25] : [1 - Math.cos(t) - 0.5, 1 - Math.sin(t) - 0.5 - 0.25];
        },
      };
    case 'circles':
      // sklearn: outer circle radius 1 (class 0), inner radius factor 0.5 (class 1).
      return {
        classes: 2,
        point: (label, rng) => {
          const a = rng.uniform(0, 2 * Math.PI);
          const r = label === 0 ? 1 : 0.5;
          return [r * Math.cos(a), r * Math.sin(a)];
        },
      };
    case 'spirals':
      // Arm k: radius t, angle 1.75 * 2pi * t + 2pi k / classes, t in [0.05, 1] (about 1.75 turns).
      return {
        classes,
        point: (label, rng) => {
          const t = rng.uniform(0.05, 1);
          const a = 3.5 * Math.PI * t + (2 * Math.PI * label) / classes;
          return [t * Math.cos(a), t * Math.sin(a)];
        },
      };
    case 'xor':
      // Uniform in a quadrant pair: class 0 where x*y > 0, class 1 where x*y < 0.
      return {
        classes: 2,
        point: (label, rng) => {
          const x = rng.uniform(0, 1) * (rng.float() < 0.5 ? -1 : 1);
          const y = rng.uniform(0, 1) * Math.sign(x) * (label === 0 ? 1 : -1);
          return [x, y];
        },
      };
    case 'blobs':
      // Centres evenly on a circle of radius 1; the spread is the noise alone.
      return {
        classes,
        point: (label) => {
          const a = (2 * Math.PI * label) / classes;
          return [Math.cos(a), Math.sin(a)];
        },
      };
  }
}

function sample(n: number, gen: { classes: number; point: PointFn }, noise: number, seed: number): RawSplit {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 2);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % gen.classes;
    const [px, py] = gen.point(label, rng);
    x[2 * i] = px + (noise > 0 ? rng.normal(0, noise) : 0);
    x[2 * i + 1] = py + (noise > 0 ? rng.normal(0, noise) : 0);
    labels[i] = label;
  }
  // Interleaved labels would make "first N" subsets trivially balanced but batches periodic: shuffle once.
  const order = new Rng(deriveSeed(seed, 'order')).shuffle(Array.from({ length: n }, (_, i) => i));
  const xs = new Float32Array(n * 2);
  const ls = new Uint8Array(n);
  order.forEach((src, dst) => {
    xs[2 * dst] = x[2 * src];
    xs[2 * dst + 1] = x[2 * src + 1];
    ls[dst] = labels[src];
  });
  return { x: xs, labels: ls, n };
}

export function makeToyDataset(o: ToyOptions): RawDataset {
  const gen = generator(o.shape, o.classes);
  return {
    name: `toy-${o.shape}`,
    inputShape: [2],
    classes: gen.classes,
    classNames: Array.from({ length: gen.classes }, (_, i) => `class ${i}`),
    train: sample(o.trainSamples, gen, o.noise, deriveSeed(o.seed, o.shape, 'train')),
    test: sample(o.testSamples, gen, o.noise, deriveSeed(o.seed, o.shape, 'test')),
    source: `generated ${o.shape} (seed ${o.seed}, noise ${o.noise})`,
  };
}
