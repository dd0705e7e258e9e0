import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { fans, initialValues } from '../../../analysis/training/init';
import { Optimizer } from '../../../analysis/training/optimizers';
import type { Param } from '../../../analysis/training/network';
import type { Tf } from '../../../analysis/training/tf';

function moments(a: Float32Array): { mean: number; std: number; maxAbs: number } {
  let s = 0, s2 = 0, m = 0;
  for (const v of a) { s += v; s2 += v * v; m = Math.max(m, Math.abs(v)); }
  const mean = s / a.length;
  return { mean, std: Math.sqrt(s2 / a.length - mean * mean), maxAbs: m };
}

test('initialisers have the documented distributions (Keras fans) and are seeded per tensor', () => {
  assert.deepEqual(fans([784, 100]), { fanIn: 784, fanOut: 100 });
  assert.deepEqual(fans([3, 3, 16, 32]), { fanIn: 144, fanOut: 288 });
  assert.deepEqual(fans([7]), { fanIn: 7, fanOut: 7 });
  const shape = [400, 300];
  const gu = moments(initialValues({ kind: 'glorot-uniform' }, shape, 'kernel', 1, 'd/kernel'));
  const limit = Math.sqrt(6 / 700);
  assert.ok(gu.maxAbs <= limit && gu.maxAbs > 0.99 * limit);
  assert.ok(Math.abs(gu.std - limit / Math.sqrt(3)) < 0.01 * limit);
  const gn = moments(initialValues({ kind: 'glorot-normal' }, shape, 'kernel', 1, 'd/kernel'));
  assert.ok(Math.abs(gn.std / Math.sqrt(2 / 700) - 1) < 0.01);
  const hn = moments(initialValues({ kind: 'he-normal' }, shape, 'kernel', 1, 'd/kernel'));
  assert.ok(Math.abs(hn.std / Math.sqrt(2 / 400) - 1) < 0.01);
  const hu = moments(initialValues({ kind: 'he-uniform' }, shape, 'kernel', 1, 'd/kernel'));
  assert.ok(hu.maxAbs <= Math.sqrt(6 / 400) && Math.abs(hu.std / Math.sqrt(2 / 400) - 1) < 0.01);
  const tiny = moments(initialValues({ kind: 'normal', std: 1e-6 }, shape, 'kernel', 1, 'd/kernel'));
  assert.ok(Math.abs(tiny.std / 1e-6 - 1) < 0.01 && Math.abs(tiny.mean) < 1e-8);
  assert.ok(initialValues({ kind: 'zeros', symmetryBreaking: 0 }, shape, 'kernel', 1, 'x').every((v) => v === 0));
  const eps = moments(initialValues({ kind: 'zeros', symmetryBreaking: 1e-7 }, shape, 'kernel', 1, 'x'));
  assert.ok(Math.abs(eps.std / 1e-7 - 1) < 0.01);
  assert.ok(initialValues({ kind: 'he-normal' }, [5], 'bias', 1, 'd/bias').every((v) => v === 0));
  assert.deepEqual(initialValues({ kind: 'he-normal' }, [4, 3], 'kernel', 9, 'a'), initialValues({ kind: 'he-normal' }, [4, 3], 'kernel', 9, 'a'));
  assert.notDeepEqual(initialValues({ kind: 'he-normal' }, [4, 3], 'kernel', 9, 'a'), initialValues({ kind: 'he-normal' }, [4, 3], 'kernel', 9, 'b'));
  assert.ok(initialValues({ kind: 'he-normal' }, [4], 'kernel', 9, 'a').every(Number.isFinite));
});

/** Runs `steps` updates of one scalar-vector parameter with constant gradient function g(w), in float64 by hand too. */
async function runOptimizer(spec: ConstructorParameters<typeof Optimizer>[1], w0: number[], grad: (w: number[]) => number[], steps: number, lr: number, wd: number) {
  await tf.setBackend('cpu');
  const variable = tf.variable(tf.tensor1d(w0));
  const p: Param = { name: 'l/kernel', layer: 'l', role: 'kernel', shape: [w0.length], variable };
  const opt = new Optimizer(tf as unknown as Tf, spec, [p]);
  for (let s = 0; s < steps; s++) {
    const w = Array.from(variable.dataSync());
    tf.tidy(() => opt.apply(new Map([['l/kernel', tf.tensor1d(grad(w))]]), lr, wd));
  }
  const out = Array.from(variable.dataSync());
  opt.dispose();
  variable.dispose();
  return out;
}

test('SGD, momentum, Nesterov, Adam and L2 match the update rules computed by hand', async () => {
  const g = (w: number[]) => w.map((v, i) => 2 * (v - i)); // gradient of sum (w_i - i)^2
  const w0 = [1, -2, 0.5];
  const hand = (kind: string, steps: number, lr: number, wd: number) => {
    const w = [...w0];
    const v = w.map(() => 0);
    const m = w.map(() => 0);
    const s2 = w.map(() => 0);
    for (let t = 1; t <= steps; t++) {
      const gr = g(w).map((x, i) => x + wd * w[i]);
      for (let i = 0; i < w.length; i++) {
        if (kind === 'sgd') w[i] -= lr * gr[i];
        if (kind === 'momentum' || kind === 'nesterov') {
          v[i] = 0.9 * v[i] + gr[i];
          w[i] -= lr * (kind === 'nesterov' ? gr[i] + 0.9 * v[i] : v[i]);
        }
        if (kind === 'adam') {
          m[i] = 0.9 * m[i] + 0.1 * gr[i];
          s2[i] = 0.999 * s2[i] + 0.001 * gr[i] * gr[i];
          w[i] -= (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t) * m[i] / (Math.sqrt(s2[i]) + 1e-7);
        }
      }
    }
    return w;
  };
  const close = (a: number[], b: number[], what: string) => a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-5 * (1 + Math.abs(b[i])), `${what}[${i}]: ${x} vs ${b[i]}`));
  close(await runOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0, nesterov: false }, w0, g, 5, 0.1, 0), hand('sgd', 5, 0.1, 0), 'sgd');
  close(await runOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0, nesterov: false }, w0, g, 5, 0.1, 0.01), hand('sgd', 5, 0.1, 0.01), 'sgd+L2');
  close(await runOptimizer({ kind: 'sgd', lr: 0.05, momentum: 0.9, nesterov: false }, w0, g, 7, 0.05, 0), hand('momentum', 7, 0.05, 0), 'momentum');
  close(await runOptimizer({ kind: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true }, w0, g, 7, 0.05, 0), hand('nesterov', 7, 0.05, 0), 'nesterov');
  close(await runOptimizer({ kind: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, w0, g, 6, 0.1, 0), hand('adam', 6, 0.1, 0), 'adam');
});
