/** Bottleneck distance, summaries and converters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bottleneckDistance } from '../../../analysis/topology/bottleneck';
import { bettiCurve, linspace, maxPersistence, totalPersistence } from '../../../analysis/topology/diagramStats';
import {
  fromGiotto,
  fromGudhi,
  fromRipserJson,
  fromRipserPyDgms,
  toGiotto,
  toGudhi,
  toRipserJson,
  toRipserPyDgms,
} from '../../../analysis/topology/convert';
import type { PersistenceBar } from '../../../analysis/topology/diagram';
import { mulberry32 } from '../../../analysis/linalg/random';
import { ripsPersistence } from '../../../analysis/topology/rips';
import { RIPS_CASES, goldenRipsAnswer } from './goldenFiles';

const bar = (dim: number, birth: number, death: number): PersistenceBar => ({ dim, birth, death, birthSimplex: [], deathSimplex: [] });

/** Bottleneck by trying every assignment (points padded with diagonal slots). Tiny inputs only. */
function bruteBottleneck(A: number[][], B: number[][]): number {
  const m = A.length;
  const k = B.length;
  const size = m + k;
  const cost = (i: number, j: number): number => {
    const aReal = i < m;
    const bReal = j < k;
    if (aReal && bReal) return Math.max(Math.abs(A[i][0] - B[j][0]), Math.abs(A[i][1] - B[j][1]));
    if (aReal) return (A[i][1] - A[i][0]) / 2;
    if (bReal) return (B[j][1] - B[j][0]) / 2;
    return 0;
  };
  let best = Infinity;
  const used = new Uint8Array(size);
  const rec = (i: number, worst: number): void => {
    if (worst >= best) return;
    if (i === size) {
      best = worst;
      return;
    }
    for (let j = 0; j < size; j++) {
      if (used[j]) continue;
      used[j] = 1;
      rec(i + 1, Math.max(worst, cost(i, j)));
      used[j] = 0;
    }
  };
  rec(0, 0);
  return best;
}

test('bottleneck distance equals brute force on small random diagrams', () => {
  const rnd = mulberry32(99);
  for (let t = 0; t < 60; t++) {
    const mk = (): number[][] => {
      const len = Math.floor(rnd() * 4);
      return Array.from({ length: len }, () => {
        const b = Math.round(rnd() * 10) / 2;
        return [b, b + Math.round(rnd() * 8) / 2 + 0.5];
      });
    };
    const A = mk();
    const B = mk();
    const got = bottleneckDistance(A.map(([b, d]) => bar(1, b, d)), B.map(([b, d]) => bar(1, b, d)), 1);
    assert.equal(got, bruteBottleneck(A, B), JSON.stringify({ A, B }));
  }
});

test('bottleneck: essential bars match essential bars only', () => {
  assert.equal(bottleneckDistance([bar(0, 0, Infinity)], [bar(0, 0.5, Infinity), bar(0, 0, 1)], 0), 0.5);
  assert.equal(bottleneckDistance([bar(0, 0, Infinity)], [bar(0, 0, Infinity), bar(0, 0, Infinity)], 0), Infinity);
  assert.equal(bottleneckDistance([bar(1, 0, 1)], [bar(2, 0, 1)], 1), 0.5);
});

test('total persistence, max persistence and Betti curves', () => {
  const bars = [bar(0, 0, 1), bar(0, 0, 3), bar(0, 0, Infinity), bar(1, 1, 2), bar(1, 1.5, 4)];
  assert.equal(totalPersistence(bars, 1, 0), 4);
  assert.equal(totalPersistence(bars, 2, 1), 1 + 6.25);
  assert.equal(totalPersistence(bars), 4 + 1 + 2.5);
  assert.equal(maxPersistence(bars, 1), 2.5);
  assert.deepStrictEqual(Array.from(bettiCurve(bars, 0, [0, 1, 2.9, 3, 10])), [3, 2, 2, 1, 1]);
  assert.deepStrictEqual(Array.from(bettiCurve(bars, 1, linspace(0, 4, 5))), [0, 1, 1, 1, 0]);
});

test('converters round-trip and match the golden JSON form', () => {
  for (const c of RIPS_CASES) {
    const golden = goldenRipsAnswer(c.name);
    const bars = fromRipserJson(golden);
    assert.deepStrictEqual(toRipserJson(bars, 1), golden);
    const dgms = toRipserPyDgms(bars, 1);
    assert.deepStrictEqual(toRipserJson(fromRipserPyDgms(dgms), 1), golden);
    assert.deepStrictEqual(toRipserJson(fromGudhi(toGudhi(bars)), 1), golden);
    assert.deepStrictEqual(toRipserJson(fromGiotto(toGiotto(bars, [0, 1])), 1), golden);
  }
});

test('converter shapes: ripser.py dgms, GUDHI ordering, giotto padding and reduced homology', () => {
  const n = 12;
  const rnd = mulberry32(4);
  const bars = ripsPersistence({ kind: 'points', data: new Float64Array(2 * n).map(() => rnd()), n, d: 2 });
  const dgms = toRipserPyDgms(bars, 2);
  assert.equal(dgms.length, 3);
  assert.deepStrictEqual(dgms[0][dgms[0].length - 1], [0, Infinity]);
  const gudhi = toGudhi(bars);
  for (let i = 1; i < gudhi.length; i++) {
    assert.ok(gudhi[i - 1][1][1] - gudhi[i - 1][1][0] >= gudhi[i][1][1] - gudhi[i][1][0]);
  }
  const giotto = toGiotto(bars, [0, 1, 2], 99, true);
  assert.ok(giotto.every((t) => t.length === 3 && t[1] !== Infinity));
  assert.equal(giotto.filter((t) => t[2] === 0).length, bars.filter((b) => b.dim === 0).length - 1);
  assert.deepStrictEqual(giotto.filter((t) => t[2] === 2), [[0, 0, 2]]);
});
