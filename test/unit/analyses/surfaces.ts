/**
 * Analytic 2-D loss surfaces with known minima and saddles, as PathObjectives for the path optimiser tests
 * (deterministic gradients: the "minibatch" is ignored).
 */
import type { PathObjective } from '../../../analysis/analyses/lossBarcode/pathObjective';

export interface Surface2D {
  f(x: number, y: number): number;
  grad(x: number, y: number): [number, number];
}

/** Müller-Brown potential (Müller & Brown 1979): minima -146.70, -108.17, -80.77; saddles -40.66, -72.25. */
const MB = { A: [-200, -100, -170, 15], a: [-1, -1, -6.5, 0.7], b: [0, 0, 11, 0.6], c: [-10, -10, -6.5, 0.7], x0: [1, 0, -0.5, -1], y0: [0, 0.5, 1.5, 1] };
export const mullerBrown: Surface2D = {
  f(x, y) {
    let s = 0;
    for (let k = 0; k < 4; k++) {
      const dx = x - MB.x0[k];
      const dy = y - MB.y0[k];
      s += MB.A[k] * Math.exp(MB.a[k] * dx * dx + MB.b[k] * dx * dy + MB.c[k] * dy * dy);
    }
    return s;
  },
  grad(x, y) {
    let gx = 0;
    let gy = 0;
    for (let k = 0; k < 4; k++) {
      const dx = x - MB.x0[k];
      const dy = y - MB.y0[k];
      const e = MB.A[k] * Math.exp(MB.a[k] * dx * dx + MB.b[k] * dx * dy + MB.c[k] * dy * dy);
      gx += e * (2 * MB.a[k] * dx + MB.b[k] * dy);
      gy += e * (MB.b[k] * dx + 2 * MB.c[k] * dy);
    }
    return [gx, gy];
  },
};

/** A curved double well: minima (+-1, 1) at 0, saddle (0, 0) at 1; the straight line between the minima peaks at 6. */
export const curvedDoubleWell: Surface2D = {
  f: (x, y) => (x * x - 1) ** 2 + 5 * (y - x * x) ** 2,
  grad: (x, y) => [4 * x * (x * x - 1) - 20 * x * (y - x * x), 10 * (y - x * x)],
};

/** Three-hump camel: global minimum 0 at the origin, local minima ~0.2986, saddles ~0.8774. */
export const threeHumpCamel = (x: number, y: number): number => 2 * x * x - 1.05 * x ** 4 + x ** 6 / 6 + x * y + y * y;

export function surfaceObjective(s: Surface2D): PathObjective {
  return {
    dim: 2,
    maxPoints: 64,
    lossAndGrad(points, _iteration, grads) {
      return Float64Array.from(points, (p, k) => {
        const [gx, gy] = s.grad(p[0], p[1]);
        grads[k][0] = gx;
        grads[k][1] = gy;
        return s.f(p[0], p[1]);
      });
    },
    evaluate: (points) => Float64Array.from(points, (p) => s.f(p[0], p[1])),
  };
}

/** A local minimum by gradient descent from (x, y). */
export function descend(s: Surface2D, x: number, y: number, lr = 1e-4, steps = 20000): Float64Array {
  for (let i = 0; i < steps; i++) {
    const [gx, gy] = s.grad(x, y);
    x -= lr * gx;
    y -= lr * gy;
  }
  return Float64Array.of(x, y);
}
