/**
 * Small seeded pseudo-random generators. Everything random in TopoLens analysis (randomised PCA,
 * sampling, test data) takes a seed so results are reproducible run to run.
 */

/** mulberry32: a fast 32-bit generator with good statistical quality for non-cryptographic use. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box-Muller) from a uniform generator. */
export function gaussianSource(uniform: () => number): () => number {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Fills an array with standard normal samples from a seed. */
export function gaussianArray(length: number, seed: number): Float64Array {
  const g = gaussianSource(mulberry32(seed));
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = g();
  return out;
}
