/**
 * Distances kept implicit for large low-dimensional clouds (ripser/distanceRows.ts): computed rows are
 * bit-identical to the stored condensed matrix, the enclosing radius agrees, and a cloud big enough to
 * take the implicit route gives exactly the barcode of the stored-matrix route.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { condensedDistances, enclosingRadius } from '../../../analysis/linalg/distance';
import { enclosingRadiusOfRows, matrixRows, pointRows } from '../../../analysis/topology/ripser/distanceRows';
import { prepareRips, ripsFromPrepared, ripsPersistence } from '../../../analysis/topology/rips';
import type { PersistenceBar } from '../../../analysis/topology/diagram';
import { gaussianCloud, uniformCloud } from './sampleClouds';

test('computed rows equal the condensed matrix bit for bit (d = 1..17, remainders of the 4-pair blocks)', () => {
  for (const d of [1, 2, 3, 5, 17]) {
    for (const n of [1, 2, 5, 23]) {
      const { data } = gaussianCloud(n, d, d * 100 + n);
      const dist = condensedDistances(data, n, d);
      const rows = pointRows(data, n, d);
      const stored = matrixRows(dist, n);
      assert.equal(rows.pairs, dist.length);
      for (let u = 1; u < n; u++) {
        const a = Array.from(rows.row(u));
        assert.deepStrictEqual(a, Array.from(stored.row(u)), `n=${n} d=${d} row ${u}`);
        assert.deepStrictEqual(a, Array.from(dist.subarray((u * (u - 1)) / 2, (u * (u + 1)) / 2)));
      }
      assert.equal(enclosingRadiusOfRows(rows), enclosingRadius(dist, n), `n=${n} d=${d}`);
    }
  }
});

test('a cloud large enough for implicit distances (2,900 points in R^3) has the barcode of the stored matrix', () => {
  const cloud = uniformCloud(2900, 3, 11);
  const input = { kind: 'points' as const, ...cloud };
  const opts = { maxDim: 2, threshold: 0.09 };
  assert.ok(prepareRips(input, opts, true).rows, 'took the implicit route');
  const exact = (bars: PersistenceBar[]): string[] => bars.map((b) => `${b.dim}|${b.birth}|${b.death}|${b.birthSimplex}|${b.deathSimplex}`).sort();
  const implicit = exact(ripsPersistence(input, opts));
  const stored = exact(ripsFromPrepared(prepareRips(input, opts)));
  assert.deepStrictEqual(implicit, stored);
  assert.ok(implicit.some((b) => b.startsWith('1|')) && implicit.some((b) => b.startsWith('0|')));
});
