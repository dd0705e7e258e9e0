import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsStringKernels, stringKernels } from '../../../analysis/analyses/lossBarcode/stringStep';
import { mulberry32 } from '../../../analysis/linalg/random';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('string-step SIMD kernels = the JavaScript reference (every tail length, 1 to 4,003 doubles)', () => {
  const rand = mulberry32(3);
  for (const dim of [1, 2, 3, 4, 5, 7, 8, 33, 4003]) {
    const simd = stringKernels(dim, 6);
    const js = jsStringKernels(dim);
    const fill = (v: Float64Array) => { for (let i = 0; i < dim; i++) v[i] = rand() * 2 - 1; return v; };
    const [a, b, g, l, r, out] = Array.from({ length: 6 }, () => fill(simd.alloc()));
    assert.equal(a.buffer.byteLength % 65536, 0, 'the vectors live in WebAssembly memory (SIMD available in Node 20)');
    const outJs = new Float64Array(dim);

    close(simd.difference(a, b, out), js.difference(a, b, outJs), `1/|b - a| (dim ${dim})`);
    assert.deepEqual(Array.from(out), Array.from(outJs), `b - a is exact (dim ${dim})`);

    const [gl, gr] = simd.dots(g, l, r);
    const [jl, jr] = js.dots(g, l, r);
    close(gl, jl, `g.l (dim ${dim})`);
    close(gr, jr, `g.r (dim ${dim})`);

    const pJs = Float64Array.from(out);
    simd.update(out, g, l, r, 0.3, 0.2, -0.1);
    js.update(pJs, g, l, r, 0.3, 0.2, -0.1);
    for (let i = 0; i < dim; i++) close(out[i], pJs[i], `update[${i}] (dim ${dim})`);
  }
});

test('string-step arena: fixed capacity, freed slots are reused zeroed, foreign vectors are refused', () => {
  const k = stringKernels(10, 2);
  const a = k.alloc();
  const b = k.alloc();
  assert.throws(() => k.alloc(), /more than 2 vectors of dimension 10 in use/);
  a.fill(7);
  k.free(a);
  const c = k.alloc();
  assert.deepEqual(Array.from(c), new Array(10).fill(0));
  assert.throws(() => k.difference(new Float64Array(10), b, c), /a vector not allocated by these kernels/);
});
