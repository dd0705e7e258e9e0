/**
 * Column assembly on several threads (ripser/columnsThreads.ts): the same bars and representatives as on
 * one thread, whatever share each thread walked; helpers really take part (the probe makes this thread
 * wait for them to boot, and reports who walked how many chunks of roots); cancelling stops them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, prepareRips, ripsFromPrepared, type RipsInput } from '../../../analysis/topology/rips';
import type { PersistenceBar } from '../../../analysis/topology/diagram';
import { gaussianCloud, sphereCloud } from './sampleClouds';

/** Every bar with its representatives, as sorted strings (bit-exact values). */
function exact(bars: PersistenceBar[]): string[] {
  return bars.map((b) => `${b.dim}|${b.birth}|${b.death}|${b.birthSimplex.join(',')}|${b.deathSimplex.join(',')}`).sort();
}

test('2 and 3 threads give the bars and representatives of 1 thread (dense, sparse, wide top dimension, Z/2 and Z/3)', () => {
  const cases: Array<{ name: string; input: RipsInput; maxDim: number; threshold?: number; modulus?: number; wide?: boolean }> = [
    { name: '3-sphere dim 3', input: { kind: 'points', ...sphereCloud(60, 4, 5) }, maxDim: 3 },
    { name: '3-sphere dim 3 thresholded', input: { kind: 'points', ...sphereCloud(70, 4, 6) }, maxDim: 3, threshold: 1.2 },
    { name: 'gaussian R^5 dim 3 Z/3', input: { kind: 'points', ...gaussianCloud(50, 5, 1) }, maxDim: 3, modulus: 3 },
    { name: '2-sphere dim 2 wide', input: { kind: 'points', ...sphereCloud(60, 3, 7) }, maxDim: 2, wide: true },
  ];
  let helperWalked = 0;
  for (const c of cases) {
    const prep = prepareRips(c.input, { maxDim: c.maxDim, threshold: c.threshold, modulus: c.modulus });
    const width = c.wide ? 'wide' : 'auto';
    for (const storage of ['dense', 'sparse'] as const) {
      const serial = exact(ripsFromPrepared(prep, { threads: 1 }, storage, undefined, width));
      assert.ok(serial.some((b) => b.startsWith(`${c.maxDim}|`)) || c.threshold !== undefined, `${c.name}: bars in the top dimension`);
      for (const threads of [2, 3]) {
        let stats: { mainChunks: number; helperChunks: number[] } | null = null;
        const probe = { waitForHelpers: true, onJoined: (s: typeof stats) => (stats = s) };
        const parallel = exact(ripsFromPrepared(prep, { threads }, storage, undefined, width, probe));
        assert.deepStrictEqual(parallel, serial, `${c.name}, ${storage}, ${threads} threads`);
        assert.ok(stats, `${c.name}: the helpers were joined`);
        const s = stats as { mainChunks: number; helperChunks: number[] };
        assert.equal(s.helperChunks.length, threads - 1);
        helperWalked += s.helperChunks.reduce((a, b) => a + b, 0);
      }
    }
  }
  // Helpers walk from the moment the complex is shared, while this thread computes H0 and H1.
  assert.ok(helperWalked > 0, 'the helper threads walked some roots');
});

test('cancellation while the helpers walk throws CancelledError and stops them', () => {
  const prep = prepareRips({ kind: 'points', ...sphereCloud(80, 4, 9) }, { maxDim: 3 });
  // The helpers have the complex (and have booted) before H0 asks whether to stop.
  assert.throws(() => ripsFromPrepared(prep, { threads: 2, isCancelled: () => true }, 'dense', undefined, 'auto', { waitForHelpers: true }), CancelledError);
  // The same input completes afterwards (no helper left holding the counter).
  assert.ok(ripsFromPrepared(prep, { threads: 2 }, 'dense').some((b) => b.dim === 3));
});
