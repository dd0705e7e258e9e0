/**
 * Seeded point clouds on known shapes, shared by the topology tests and `bench/topology.ts` so the two
 * measure and check the same inputs. Every cloud is row-major `n x d` and depends only on its arguments.
 */
import type { PointCloud } from '../../../analysis/cli/commands/inputFormats';
import { gaussianArray, gaussianSource, mulberry32 } from '../../../analysis/linalg/random';

export type { PointCloud };

/** Uniform in the unit cube [0, 1)^d. */
export function uniformCloud(n: number, d: number, seed: number): PointCloud {
  const rnd = mulberry32(seed);
  return { data: new Float64Array(n * d).map(() => rnd()), n, d };
}

/** Standard normal in R^d. */
export function gaussianCloud(n: number, d: number, seed: number): PointCloud {
  return { data: gaussianArray(n * d, seed), n, d };
}

/** Uniform angles on the unit circle in R^2, each coordinate plus Gaussian noise of deviation `noise`. */
export function noisyCircle(n: number, noise: number, seed: number): PointCloud {
  const rnd = mulberry32(seed);
  const g = gaussianSource(rnd);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = 2 * Math.PI * rnd();
    data[2 * i] = Math.cos(t) + noise * g();
    data[2 * i + 1] = Math.sin(t) + noise * g();
  }
  return { data, n, d: 2 };
}

/** Uniform angles on a torus in R^3 with tube centre radius R and tube radius r (no noise). */
export function torusCloud(n: number, R: number, r: number, seed: number): PointCloud {
  const rnd = mulberry32(seed);
  const data = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const a = 2 * Math.PI * rnd();
    const b = 2 * Math.PI * rnd();
    data[3 * i] = (R + r * Math.cos(b)) * Math.cos(a);
    data[3 * i + 1] = (R + r * Math.cos(b)) * Math.sin(a);
    data[3 * i + 2] = r * Math.sin(b);
  }
  return { data, n, d: 3 };
}

/** Noise-free points on the unit sphere S^(d-1): small samples already carry H_(d-1) classes. */
export function sphereCloud(n: number, d: number, seed: number): PointCloud {
  const g = gaussianSource(mulberry32(seed));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const x = g();
      data[i * d + k] = x;
      s += x * x;
    }
    for (let k = 0; k < d; k++) data[i * d + k] /= Math.sqrt(s);
  }
  return { data, n, d };
}
