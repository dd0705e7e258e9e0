/** Mapper stages against their definitions and brute force, and the whole pipeline on known shapes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coverElements, coverIntervals } from '../../../analysis/topology/mapper/cover';
import { dbscan, singleLinkage } from '../../../analysis/topology/mapper/cluster';
import { nerveEdges } from '../../../analysis/topology/mapper/nerve';
import { analyzeGraph } from '../../../analysis/topology/mapper/graphAnalysis';
import { mapper } from '../../../analysis/topology/mapper/mapper';
import { ShrinkingRanks } from '../../../analysis/topology/mapper/neighbors';
import { normLens, pcaCoordinateLens } from '../../../analysis/topology/mapper/lens';
import { pcaTopK } from '../../../analysis/linalg/pca';
import { gaussianSource, mulberry32 } from '../../../analysis/linalg/random';
import { UnionFind } from '../../../analysis/topology/unionFind';
import { gaussianCloud } from './sampleClouds';

test('KeplerMapper 1.1 cover: [m + i c, m + (i+1) c + p c), the maximum is only covered when p > 0', () => {
  const ivs = coverIntervals(0, 10, 5, 0.5, 'keplermapper-1.1');
  assert.deepStrictEqual(
    ivs.map((iv) => [iv.lo, iv.hi]),
    [
      [0, 3],
      [2, 5],
      [4, 7],
      [6, 9],
      [8, 11],
    ],
  );
  const lens = Float64Array.from([0, 2, 2.5, 3, 10]);
  const els = coverElements(lens, 5, 1, { kind: 'keplermapper-1.1', intervals: 5, overlap: 0.5 });
  assert.deepStrictEqual(els.map((e) => [e.coords[0], Array.from(e.members)]), [
    [0, [0, 1, 2]],
    [1, [1, 2, 3]],
    [4, [4]],
  ]);
  const noOverlap = coverElements(lens, 5, 1, { kind: 'keplermapper-1.1', intervals: 5, overlap: 0 });
  assert.ok(!noOverlap.some((e) => e.members.includes(4)), 'with p = 0 the max falls in no half-open interval');
});

test('modern kepler-mapper cover: closed intervals, centres from m + c/2 to M - c/2, overlap fraction p', () => {
  const p = 0.3;
  const ivs = coverIntervals(-1, 3, 4, p, 'kepler-mapper');
  const width = ivs[0].hi - ivs[0].lo;
  assert.ok(Math.abs(width - 4 / (4 * (1 - p))) < 1e-12);
  assert.ok(Math.abs((ivs[0].lo + ivs[0].hi) / 2 - (-1 + 0.5)) < 1e-12);
  assert.ok(Math.abs((ivs[3].lo + ivs[3].hi) / 2 - (3 - 0.5)) < 1e-12);
  for (let i = 0; i + 1 < ivs.length; i++) assert.ok(Math.abs((ivs[i].hi - ivs[i + 1].lo) / width - p) < 1e-12);
  assert.ok(ivs[0].lo <= -1 && ivs[3].hi >= 3 && ivs.every((iv) => iv.hiClosed));
  assert.throws(() => coverIntervals(0, 1, 3, 1, 'kepler-mapper'), /overlap must be < 1/);
  assert.deepStrictEqual(coverIntervals(2, 2, 3, 0.5, 'kepler-mapper'), [{ lo: 2, hi: 2, hiClosed: true }]);
});

test('two-dimensional lens: product cover, first dimension slowest', () => {
  const lens = Float64Array.from([0, 0, 1, 0, 0, 1, 1, 1]);
  const els = coverElements(lens, 4, 2, { kind: 'kepler-mapper', intervals: 2, overlap: 0.1 });
  assert.deepStrictEqual(els.map((e) => [e.coords, Array.from(e.members)]), [
    [[0, 0], [0]],
    [[0, 1], [2]],
    [[1, 0], [1]],
    [[1, 1], [3]],
  ]);
});

function randomPoints(m: number, dim: number, seed: number, grid?: number): Float64Array {
  const rnd = mulberry32(seed);
  return new Float64Array(m * dim).map(() => (grid ? Math.floor(rnd() * grid) / grid : rnd()));
}

/** scikit-learn's DBSCAN written the obvious O(m^2) way. */
function bruteDbscan(pts: Float64Array, m: number, dim: number, eps: number, minSamples: number): Int32Array {
  const nb: number[][] = [];
  for (let i = 0; i < m; i++) {
    nb.push([]);
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += (pts[i * dim + k] - pts[j * dim + k]) ** 2;
      if (Math.sqrt(s) <= eps) nb[i].push(j);
    }
  }
  const core = nb.map((l) => l.length >= minSamples);
  const labels = new Int32Array(m).fill(-1);
  let next = 0;
  for (let s = 0; s < m; s++) {
    if (labels[s] !== -1 || !core[s]) continue;
    const queue = [s];
    labels[s] = next;
    while (queue.length) {
      const i = queue.shift()!;
      if (!core[i]) continue;
      for (const j of nb[i]) {
        if (labels[j] === -1) {
          labels[j] = next;
          queue.push(j);
        }
      }
    }
    next++;
  }
  return labels;
}

test('DBSCAN equals the brute-force definition (incl. ties at exactly eps and border points)', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const [m, dim] = [80, 1 + (seed % 3)];
    const pts = randomPoints(m, dim, seed, seed % 2 ? 10 : undefined);
    for (const [eps, ms] of [
      [0.1, 2],
      [0.2, 4],
      [0.15, 3],
    ] as const) {
      assert.deepStrictEqual(Array.from(dbscan(pts, m, dim, eps, ms)), Array.from(bruteDbscan(pts, m, dim, eps, ms)), `seed ${seed} eps ${eps}`);
    }
  }
});

/**
 * A cloud shaped like a weight-trajectory plateau, the case the neighbour search must not make quadratic
 * and must not get wrong: a blob whose points are all within eps of each other, strands stepping out of it
 * at 0.8 eps with jitter (chains that break where the jitter exceeds eps), and stray points; shuffled.
 */
function plateauCloud(seed: number, dim: number, eps: number): { pts: Float64Array; m: number } {
  const rnd = mulberry32(seed);
  const gauss = gaussianSource(mulberry32(seed + 1000));
  const rows: number[][] = [];
  const unit = (): number[] => {
    const v = Array.from({ length: dim }, () => gauss());
    const len = Math.hypot(...v);
    return v.map((x) => x / len);
  };
  for (let i = 0; i < 300; i++) rows.push(unit().map((x) => x * 0.45 * eps * rnd()));
  for (let s = 0; s < 3; s++) {
    const dir = unit();
    for (let t = 1; t <= 60; t++) rows.push(dir.map((x) => x * (0.45 + 0.8 * t) * eps + (rnd() - 0.5) * 0.3 * eps));
  }
  for (let i = 0; i < 20; i++) rows.push(Array.from({ length: dim }, () => (rnd() - 0.5) * 20 * eps));
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return { pts: Float64Array.from(rows.flat()), m: rows.length };
}

test('DBSCAN on a plateau-shaped cloud (dense blob, strands, strays) equals the brute-force definition', () => {
  for (let seed = 1; seed <= 6; seed++) {
    const dim = [2, 5, 20][seed % 3];
    const { pts, m } = plateauCloud(seed, dim, 0.1);
    for (const ms of [1, 2, 3, 5, 40]) {
      const labels = dbscan(pts, m, dim, 0.1, ms);
      assert.deepStrictEqual(Array.from(labels), Array.from(bruteDbscan(pts, m, dim, 0.1, ms)), `seed ${seed} min_samples ${ms}`);
    }
    // Sanity (the cloud is what it claims to be): one cluster holds the whole blob, and there are others.
    const sizes = new Map<number, number>();
    for (const l of dbscan(pts, m, dim, 0.1, 2)) sizes.set(l, (sizes.get(l) ?? 0) + 1);
    assert.ok(Math.max(...sizes.values()) >= 300 && sizes.size > 2, `cluster sizes ${[...sizes.values()].join(', ')}`);
  }
});

test('DBSCAN with pairs at exactly eps on an integer grid (ties count as neighbours)', () => {
  for (let seed = 50; seed < 56; seed++) {
    const m = 150;
    const dim = 2 + (seed % 2);
    const pts = randomPoints(m, dim, seed, 12).map((x) => x * 12);
    for (const [eps, ms] of [
      [1, 2],
      [1, 4],
      [Math.SQRT2, 3],
      [2, 6],
    ] as const) {
      assert.deepStrictEqual(Array.from(dbscan(pts, m, dim, eps, ms)), Array.from(bruteDbscan(pts, m, dim, eps, ms)), `seed ${seed} eps ${eps} min_samples ${ms}`);
    }
  }
});

test('ShrinkingRanks: first() is the smallest remaining rank >= r after any removals', () => {
  const rnd = mulberry32(7);
  const m = 200;
  const kept = Array.from({ length: m }, () => rnd() < 0.7);
  const set = new ShrinkingRanks(m, (r) => kept[r]);
  const naiveFirst = (r: number): number => {
    for (let t = r; t < m; t++) if (kept[t]) return t;
    return m;
  };
  for (let step = 0; step < 400; step++) {
    const r = Math.floor(rnd() * (m + 1));
    const f = set.first(r);
    assert.equal(f, naiveFirst(r), `first(${r}) after ${step} steps`);
    if (f < m && rnd() < 0.5) {
      set.remove(f);
      kept[f] = false;
    }
  }
});

test('single linkage on a plateau-shaped cloud = components of the brute-force eps-graph, numbered by first point', () => {
  for (let seed = 11; seed <= 13; seed++) {
    const dim = 3 + seed;
    const { pts, m } = plateauCloud(seed, dim, 0.1);
    const labels = singleLinkage(pts, m, dim, 0.1);
    // A min-samples-1 DBSCAN is exactly single linkage (every point core), with the same numbering.
    assert.deepStrictEqual(Array.from(labels), Array.from(bruteDbscan(pts, m, dim, 0.1, 1)), `seed ${seed}`);
  }
});

test('single linkage cut = components of the graph of pairs at distance <= cut', () => {
  for (let seed = 30; seed < 40; seed++) {
    const [m, dim] = [70, 2];
    const pts = randomPoints(m, dim, seed);
    const cut = 0.08;
    const labels = singleLinkage(pts, m, dim, cut);
    const uf = new UnionFind(m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < i; j++) {
        const s = Math.hypot(pts[2 * i] - pts[2 * j], pts[2 * i + 1] - pts[2 * j + 1]);
        if (s <= cut) uf.linkRoots(uf.find(i), uf.find(j));
      }
    }
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) assert.equal(labels[i] === labels[j], uf.find(i) === uf.find(j));
  }
});

test('nerve: an edge exactly when two clusters share at least min_intersection members', () => {
  const rnd = mulberry32(8);
  const n = 40;
  const members = Array.from({ length: 12 }, () => {
    const set = new Set<number>();
    const size = 1 + Math.floor(rnd() * 8);
    while (set.size < size) set.add(Math.floor(rnd() * n));
    return Uint32Array.from([...set].sort((a, b) => a - b));
  });
  for (const minI of [1, 2]) {
    const edges = nerveEdges(members, n, minI);
    const expected: string[] = [];
    for (let a = 0; a < members.length; a++) {
      for (let b = a + 1; b < members.length; b++) {
        const shared = members[a].filter((x) => members[b].includes(x)).length;
        if (shared >= minI) expected.push(`${a}-${b}:${shared}`);
      }
    }
    assert.deepStrictEqual(edges.map((e) => `${e.source}-${e.target}:${e.shared}`), expected);
  }
});

test('graph analysis: components, cycles, leaves, branch points', () => {
  // a Y-shaped tree (0-1-2, 1-3, 3-4), a triangle (5,6,7) and an isolated node 8
  const shape = analyzeGraph(9, [
    { source: 0, target: 1 },
    { source: 1, target: 2 },
    { source: 1, target: 3 },
    { source: 3, target: 4 },
    { source: 5, target: 6 },
    { source: 6, target: 7 },
    { source: 7, target: 5 },
  ]);
  assert.equal(shape.components, 3);
  assert.equal(shape.cycles, 1);
  assert.equal(shape.isForest, false);
  assert.deepStrictEqual(shape.leaves, [0, 2, 4]);
  assert.deepStrictEqual(shape.branchPoints, [1]);
  assert.deepStrictEqual(shape.isolated, [8]);
  const tree = analyzeGraph(3, [
    { source: 0, target: 1 },
    { source: 1, target: 2 },
  ]);
  assert.ok(tree.isTree && tree.isForest);
});

test('Mapper of a noisy circle with a height lens is one cycle; of a Y shape, a tree with 3 leaves', () => {
  const g = gaussianSource(mulberry32(12));
  const n = 600;
  const circle = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    circle[2 * i] = Math.cos(t) + 0.01 * g();
    circle[2 * i + 1] = Math.sin(t) + 0.01 * g();
  }
  const height = Float64Array.from({ length: n }, (_, i) => circle[2 * i + 1]);
  const cg = mapper(circle, n, 2, {
    lens: height,
    cover: { kind: 'kepler-mapper', intervals: 8, overlap: 0.3 },
    clusterer: { method: 'dbscan', eps: 0.1, minSamples: 2 },
  });
  assert.equal(cg.shape.components, 1);
  assert.equal(cg.shape.cycles, 1);
  // every link joins clusters that share points; every node is non-empty
  for (const l of cg.links) {
    const a = new Set(cg.nodes[l.source].members);
    assert.equal(cg.nodes[l.target].members.filter((x) => a.has(x)).length, l.shared);
    assert.ok(l.shared >= 1);
  }

  // Y: three arms from the origin, lens = distance from the origin (like the PCA-norm lens)
  const arms = [0, (2 * Math.PI) / 3, (4 * Math.PI) / 3];
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = arms[i % 3];
    const r = (Math.floor(i / 3) / (n / 3)) * 2;
    y[2 * i] = r * Math.cos(a) + 0.005 * g();
    y[2 * i + 1] = r * Math.sin(a) + 0.005 * g();
  }
  const yg = mapper(y, n, 2, {
    lens: normLens(y, n, 2),
    cover: { kind: 'keplermapper-1.1', intervals: 10, overlap: 0.5 },
    clusterer: { method: 'single-linkage', cut: 0.1 },
    colorBy: Float64Array.from({ length: n }, (_, i) => i),
  });
  assert.ok(yg.shape.isTree);
  assert.equal(yg.shape.leaves.length, 3);
  assert.equal(yg.shape.branchPoints.length, 1);
  assert.ok(yg.nodes.every((node) => node.color !== undefined && node.lens.min <= node.lens.mean && node.lens.mean <= node.lens.max));
});

test('PCA lenses: coordinate and norm of the reduced point', () => {
  const n = 200;
  const { data } = gaussianCloud(n, 5, 2);
  const pca = pcaTopK(data, n, 5, 3);
  const c0 = pcaCoordinateLens(pca, 0);
  const norm = normLens(pca.scores, n, 3);
  for (let i = 0; i < n; i++) assert.ok(norm[i] >= Math.abs(c0[i]));
  assert.throws(() => pcaCoordinateLens(pca, 3), /out of range/);
  assert.throws(
    () => mapper(data, n, 5, { lens: new Float64Array(n - 1), cover: { kind: 'kepler-mapper', intervals: 2, overlap: 0.1 }, clusterer: { method: 'dbscan', eps: 1, minSamples: 2 } }),
    /lens: 199 values for 200 points/,
  );
});
