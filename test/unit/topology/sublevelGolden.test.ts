/** Sublevel-set H0 reproduces every GUDHI golden case in ../shared/golden/sublevel exactly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gridSublevelPersistence0, sublevelPersistence0, gridEdges, knnSublevelPersistence0 } from '../../../analysis/topology/sublevel';
import { toRipserJson } from '../../../analysis/topology/convert';
import { parsePointCloud } from '../../../analysis/cli/commands/inputFormats';
import { UnionFind } from '../../../analysis/topology/unionFind';
import { mulberry32 } from '../../../analysis/linalg/random';
import { knnGraphEdges } from '../../../analysis/linalg/knnGraph';
import { GOLDEN_DIR, goldenText } from './goldenFiles';

const SUB = join(GOLDEN_DIR, 'sublevel');
const files = readdirSync(SUB);

for (const grid of files.filter((f) => /^grid.*\.csv$/.test(f))) {
  const name = grid.replace(/\.csv$/, '');
  for (const conn of [4, 8] as const) {
    test(`sublevel golden ${name} ${conn}-connected`, () => {
      const pc = parsePointCloud(goldenText(`sublevel/${grid}`), grid);
      const bars = gridSublevelPersistence0(pc.data, pc.n, pc.d, conn);
      assert.deepStrictEqual(toRipserJson(bars, 0), JSON.parse(goldenText(`sublevel/${name}.conn${conn}.json`)));
    });
  }
}

for (const values of files.filter((f) => f.endsWith('.values.csv'))) {
  const name = values.replace(/\.values\.csv$/, '');
  test(`sublevel golden graph ${name}`, () => {
    const v = parsePointCloud(goldenText(`sublevel/${values}`), values);
    const e = parsePointCloud(goldenText(`sublevel/${name}.edges.csv`), `${name}.edges.csv`);
    const bars = sublevelPersistence0(v.data, Uint32Array.from(e.data));
    assert.deepStrictEqual(toRipserJson(bars, 0), JSON.parse(goldenText(`sublevel/${name}.json`)));
  });
}

test('sublevel: deaths are the lowest saddles (brute force by thresholding)', () => {
  // For every threshold t, #components of the sublevel graph {f <= t} = #bars with birth <= t < death.
  const rnd = mulberry32(3);
  const n = 60;
  const values = new Float64Array(n).map(() => Math.floor(rnd() * 10));
  const edges = knnGraphEdges(new Float64Array(2 * n).map(() => rnd()), n, 2, 3);
  const bars = sublevelPersistence0(values, edges);
  for (let t = 0; t <= 10; t++) {
    const uf = new UnionFind(n);
    for (let k = 0; k < edges.length; k += 2) {
      const [u, v] = [edges[k], edges[k + 1]];
      if (values[u] <= t && values[v] <= t) uf.linkRoots(uf.find(u), uf.find(v));
    }
    let comps = 0;
    for (let i = 0; i < n; i++) if (values[i] <= t && uf.find(i) === i) comps++;
    assert.equal(bars.filter((b) => b.birth <= t && t < b.death).length, comps, `t=${t}`);
  }
  for (const b of bars) assert.equal(values[b.birthSimplex[0]], b.birth);
});

test('sublevel: representatives and validation', () => {
  const values = Float64Array.from([0, 3, 1, 2, 0.5]);
  const bars = sublevelPersistence0(values, gridEdges(1, 5, 4));
  // Path 0-1-2-3-4 with minima v0 (0), v2 (1), v4 (0.5). At level 2 the edge 3-4 joins {2,3} to v4:
  // v2's basin dies (elder rule). At level 3 the edge 1-2 joins v4's basin to v0's: v4 dies.
  assert.deepStrictEqual(
    bars.map((b) => [b.birth, b.death, b.birthSimplex, b.deathSimplex]),
    [
      [1, 2, [2], [3, 4]],
      [0.5, 3, [4], [1, 2]],
      [0, Infinity, [0], []],
    ],
  );
  assert.throws(() => sublevelPersistence0(Float64Array.from([0, NaN]), new Uint32Array(0)), /vertex 1 is NaN/);
  assert.throws(() => sublevelPersistence0(Float64Array.from([0, 1]), Uint32Array.from([0, 2])), /refers to vertex 2/);
});

test('k-NN sublevel persistence: a double well sampled at random points has two basins', () => {
  const rnd = mulberry32(11);
  const n = 400;
  const pts = new Float64Array(n).map(() => 4 * rnd() - 2);
  const f = pts.map((x) => (x * x - 1) ** 2 + 0.3 * x); // minima near -1 (deeper) and +1
  const bars = knnSublevelPersistence0(f, pts, n, 1, 12); // k large enough for one component
  const long = bars.filter((b) => b.death - b.birth > 0.2);
  assert.equal(long.length, 2);
  assert.equal(long.filter((b) => b.death === Infinity).length, 1);
  const shallow = long.find((b) => b.death !== Infinity)!;
  assert.ok(pts[shallow.birthSimplex[0]] > 0.5, 'the finite bar is the right-hand (shallower) well');
  // it dies at the barrier near x = 0, where f is about 1
  assert.ok(Math.abs(shallow.death - 1) < 0.05);
  const edges = knnGraphEdges(pts, n, 1, 12);
  for (let k = 0; k < edges.length; k += 2) assert.ok(edges[k] < edges[k + 1]);
});
