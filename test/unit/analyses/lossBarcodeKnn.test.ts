/**
 * The sampling method of SPEC B step 5: the fast k-NN graph equals the brute-force one, basin sizes equal a
 * brute-force flood fill, and the three-hump camel's barcode comes out as BarcodeCalc reports it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { knnGraphEdges, KD_TREE_MAX_DIM } from '../../../analysis/linalg/knnGraph';
import { knnSublevelBarcode } from '../../../analysis/analyses/lossBarcode/knnSublevel';
import { bruteForceKnnGraphEdges } from '../linalg/bruteForceKnn';
import { mulberry32 } from '../../../analysis/linalg/random';
import { runSublevel } from '../../../analysis/cli/commands/sublevel';
import { threeHumpCamel } from './surfaces';

const edgeSet = (e: Uint32Array) => {
  const out: string[] = [];
  for (let i = 0; i < e.length; i += 2) out.push(`${Math.min(e[i], e[i + 1])}-${Math.max(e[i], e[i + 1])}`);
  return out.sort();
};

test('fast k-NN graph (kd-tree and high-dimensional brute force) = brute force with a full sort, ties included', () => {
  const rand = mulberry32(5);
  for (const [n, d, k] of [[500, 2, 6], [700, 3, 4], [300, 1, 3], [400, KD_TREE_MAX_DIM + 8, 6], [5, 2, 10], [60, 2, 1]]) {
    // Coordinates on a coarse lattice: many equal distances, so tie-breaking must agree too.
    const pts = Float64Array.from({ length: n * d }, () => Math.round(rand() * 20) / 4);
    const fast = knnGraphEdges(pts, n, d, k);
    assert.deepEqual(edgeSet(fast), edgeSet(bruteForceKnnGraphEdges(pts, n, d, k)), `n ${n}, d ${d}, k ${k}`);
    assert.equal(new Set(edgeSet(fast)).size, fast.length / 2, 'each edge once');
  }
  assert.throws(() => knnGraphEdges(new Float64Array(4), 2, 2, 0), /k must be a positive integer/);
  assert.throws(() => knnGraphEdges(new Float64Array(5), 2, 2, 1), /5 numbers for 2 points of dimension 2/);
});

test('basin sizes = the samples reachable from the minimum below its death (brute-force flood fill)', () => {
  const rand = mulberry32(9);
  const n = 400;
  const pts = Float64Array.from({ length: 2 * n }, () => rand());
  const values = Float64Array.from({ length: n }, (_, i) => Math.sin(9 * pts[2 * i]) * Math.cos(7 * pts[2 * i + 1]));
  const edges = knnGraphEdges(pts, n, 2, 5);
  const bars = knnSublevelBarcode(pts, values, n, 2, 5);
  assert.ok(bars.length > 3);
  for (const b of bars) {
    if (b.death === Infinity) {
      assert.equal(b.basinSize, n);
      continue;
    }
    const seen = new Set([b.minimum]);
    const queue = [b.minimum];
    while (queue.length > 0) {
      const v = queue.pop() as number;
      for (let e = 0; e < edges.length; e += 2) {
        const [u, w] = [edges[e], edges[e + 1]];
        if (Math.max(values[u], values[w]) >= b.death) continue;
        const other = u === v ? w : w === v ? u : -1;
        if (other >= 0 && !seen.has(other)) {
          seen.add(other);
          queue.push(other);
        }
      }
    }
    assert.equal(b.basinSize, seen.size, `bar born at ${b.birth}`);
    assert.equal(values[b.minimum], b.birth);
  }
});

test('three-hump camel, 100,000 uniform samples in [-2, 2]^2, k = 6: bars [~0, inf) and twice [0.2986, 0.8774)', () => {
  const rand = mulberry32(2024);
  const n = 100_000;
  const pts = new Float64Array(2 * n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = 4 * rand() - 2;
    const y = 4 * rand() - 2;
    pts[2 * i] = x;
    pts[2 * i + 1] = y;
    values[i] = threeHumpCamel(x, y);
  }
  const bars = knnSublevelBarcode(pts, values, n, 2, 6).sort((a, b) => b.death - b.birth - (a.death - a.birth));
  const [global, m1, m2, noise] = bars;
  assert.equal(global.death, Infinity);
  assert.ok(global.birth >= 0 && global.birth < 0.001, `global minimum near 0: ${global.birth}`);
  for (const m of [m1, m2]) {
    assert.ok(Math.abs(m.birth - 0.2986) < 0.002, `local minimum ~0.2986: ${m.birth}`);
    assert.ok(Math.abs(m.death - 0.8774) < 0.003, `saddle ~0.8774: ${m.death}`);
    assert.ok(m.basinSize > 1000, `a real basin holds many samples: ${m.basinSize}`);
  }
  // The two local minima are the symmetric pair (+-1.7476, -+0.8738).
  const xs = [m1, m2].map((m) => pts[2 * m.minimum]).sort((a, b) => a - b);
  assert.ok(Math.abs(xs[0] + 1.7476) < 0.05 && Math.abs(xs[1] - 1.7476) < 0.05, `minima at x = ${xs}`);
  assert.ok(noise.death - noise.birth < 0.2, `every other bar is sampling noise, much shorter than 0.58: ${noise.death - noise.birth}`);
});

test('topolens sublevel reads coordinates + value columns; bad files are named', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-sublevel-'));
  try {
    const file = path.join(dir, 'w.csv');
    // Nine samples on a line (x = 0..8), k = 2: the path graph plus the chords 0-2 and 6-8. Minima at x = 1
    // (value 0), 4 (1) and 7 (0.5); {4, 5} joins the global basin over x = 3 (value 5), {7, 8} over x = 6 (6).
    const v = [3, 0, 2, 5, 1, 1.5, 6, 0.5, 4];
    fs.writeFileSync(file, `# x,value\n${v.map((y, x) => `${x},${y}`).join('\n')}\n`);
    const bars = runSublevel(file, 2);
    assert.deepEqual(bars.map((b) => [b.birth, b.death, b.basinSize, b.minimum]), [[0, Infinity, 9, 1], [0.5, 6, 2, 7], [1, 5, 2, 4]]);
    assert.deepEqual(runSublevel(file, 2, 4).map((b) => b.birth), [0, 0.5, 1]);
    assert.deepEqual(runSublevel(file, 2, 4.5).map((b) => b.birth), [0, 0.5], '--min-length drops the shorter bar');
    fs.writeFileSync(file, '1\n2\n');
    assert.throws(() => runSublevel(file, 2), /w\.csv: each row needs the point's coordinates and then the value/);
    fs.writeFileSync(file, '1,2\n3\n');
    assert.throws(() => runSublevel(file, 2), /w\.csv:2: ragged rows/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
