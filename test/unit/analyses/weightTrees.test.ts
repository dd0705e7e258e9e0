/**
 * Weight Trees (SPEC A) with known answers: trajectories that branch at known steps, an exactly planar
 * learning surface, cloud assembly against a naive per-checkpoint copy, the k-distance elbow on a curve
 * with a known knee, hand-built graphs for the tree measures, and the messages bad input gets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeSafetensors, type NamedTensor } from '../../../analysis/store/safetensors';
import { readCheckpoint, writeRunJson } from '../../../analysis/store/runStore';
import { checkpointPath, METRICS_JSONL } from '../../../analysis/store/runLayout';
import { RUN_SCHEMA_VERSION } from '../../../analysis/spec/runFormat';
import { getPreset } from '../../../analysis/training/presets';
import { denseKernels, neuronCloud } from '../../../analysis/analyses/neuronClouds';
import { trajectoryCloud, type TrajectoryCloud } from '../../../analysis/analyses/weightTrees/trajectoryCloud';
import { layerTree } from '../../../analysis/analyses/weightTrees/layerTree';
import { learningSurface } from '../../../analysis/analyses/weightTrees/surface';
import { elbowIndex, fitEps, kthNeighbourDistances, strideSample } from '../../../analysis/analyses/weightTrees/fitEps';
import { branchEvents, longestPath } from '../../../analysis/analyses/weightTrees/treeMeasures';
import { capacityJumps, clustersPerCheckpoint } from '../../../analysis/analyses/weightTrees/capacity';
import { computeFitEps, computeWeightSurface, computeWeightTrees } from '../../../analysis/analyses/weightTrees/analyses';
import { toKeplerMapperGraph } from '../../../analysis/analyses/weightTrees/keplerMapperJson';
import { computeNodeWeights } from '../../../analysis/analyses/weightTrees/nodeWeights';
import { neuronClasses } from '../../../analysis/analyses/weightTrees/neuronClass';
import { resolveSettings } from '../../../analysis/analyses/weightTrees/paperDefaults';
import { treesJson } from '../../../analysis/cli/commands/trees';
import { gaussianSource, mulberry32 } from '../../../analysis/linalg/random';

function tmpDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-trees-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A cloud from a function (checkpoint, neuron) -> incoming weights. */
function cloudOf(layer: string, checkpoints: number, neurons: number, fanIn: number, weights: (c: number, j: number) => number[]): TrajectoryCloud {
  const data = new Float64Array(checkpoints * neurons * fanIn);
  for (let c = 0; c < checkpoints; c++) for (let j = 0; j < neurons; j++) data.set(weights(c, j), (c * neurons + j) * fanIn);
  return { layer, data, checkpoints, neurons, fanIn };
}

/** The [in, out] kernel (tfjs layout) of checkpoint c of a cloud. */
function kernelAt(cloud: TrajectoryCloud, c: number): NamedTensor {
  const { neurons, fanIn } = cloud;
  const data = new Float32Array(fanIn * neurons);
  for (let j = 0; j < neurons; j++) for (let i = 0; i < fanIn; i++) data[i * neurons + j] = cloud.data[(c * neurons + j) * fanIn + i];
  return { dtype: 'F32', shape: [fanIn, neurons], data };
}

/** A run folder whose checkpoints hold the given clouds (same checkpoint count) as dense layers. */
function writeRun(dir: string, clouds: TrajectoryCloud[], steps: number[], accuracy?: (c: number) => number): string {
  const runDir = path.join(dir, 'run');
  fs.mkdirSync(path.join(runDir, 'checkpoints'), { recursive: true });
  const now = new Date().toISOString();
  writeRunJson(runDir, { schemaVersion: RUN_SCHEMA_VERSION, id: 'run', name: 'synthetic', createdAt: now, status: 'completed', backend: 'cpu', config: getPreset('gabella-zero-fast').config, timings: { startedAt: now } });
  const metrics: string[] = [];
  steps.forEach((step, c) => {
    const tensors: Record<string, NamedTensor> = {};
    for (const cloud of clouds) {
      tensors[`${cloud.layer}/kernel`] = kernelAt(cloud, c);
      tensors[`${cloud.layer}/bias`] = { dtype: 'F32', shape: [cloud.neurons], data: new Float32Array(cloud.neurons).fill(c) };
    }
    tensors['probe/probs'] = { dtype: 'F32', shape: [2, 2], data: Float32Array.from([0.5, 0.5, 0.25, 0.75]) };
    fs.writeFileSync(checkpointPath(runDir, step), encodeSafetensors(tensors));
    if (accuracy) metrics.push(JSON.stringify({ kind: 'eval', step, epoch: c, trainLoss: 1, trainAccuracy: 0.5, testLoss: 1, testAccuracy: accuracy(c) }));
  });
  fs.writeFileSync(path.join(runDir, METRICS_JSONL), metrics.join('\n') + '\n');
  return runDir;
}

// --- branching trajectories ------------------------------------------------------------------------

/**
 * 12 neurons in R^6 over 61 checkpoints (step = 10 x checkpoint), all moving along e0 at unit speed. At
 * checkpoint 30 the first four split off from the rest (+-2 per checkpoint along e1); at checkpoint 45 the
 * remaining eight split in two (+-2 along e2). Branch steps: 300 and 450; three groups at the end.
 */
const B = { checkpoints: 61, neurons: 12, fanIn: 6, split1: 30, split2: 45 };
const BRANCH_STEPS = Array.from({ length: B.checkpoints }, (_, c) => 10 * c);
function branchingCloud(layer = 'dense1'): TrajectoryCloud {
  return cloudOf(layer, B.checkpoints, B.neurons, B.fanIn, (c, j) => {
    const w = [c, 0, 0, 0, 0, 0];
    const a = Math.max(0, c - B.split1);
    const b = Math.max(0, c - B.split2);
    if (j < 4) w[1] = 2 * a;
    else {
      w[1] = -2 * a;
      w[2] = j < 8 ? 2 * b : -2 * b;
    }
    return w;
  });
}
/** Clusters among the neurons at checkpoint c: 1 before the first split, 2 after it, 3 after the second. */
const expectedClusters = (c: number): number => 1 + (c > B.split1 ? 1 : 0) + (c > B.split2 ? 1 : 0);
const BRANCH_SETTINGS = { pca: 6, cover: 'keplermapper-1.1', intervals: 20, overlap: 0.99, eps: 3.5, minSamples: 2, minIntersection: 1 } as const;

test('trajectories branching at known steps give a tree with those branch events', () => {
  const tree = layerTree(branchingCloud(), BRANCH_STEPS, BRANCH_SETTINGS, { capacityScale: 0.02 });
  assert.equal(tree.points, B.checkpoints * B.neurons);
  assert.equal(tree.shape.components, 1);
  assert.equal(tree.shape.tree, true, `a tree: ${tree.shape.nodes} nodes, ${tree.shape.edges} edges`);
  // One start and three groups at the end.
  assert.equal(tree.shape.leaves, 4);
  assert.equal(tree.branchEvents.length, 2, JSON.stringify(tree.branchEvents));
  // An event is dated at its node's mean step: within one interval's span (about 10% of the run) of the split.
  const span = 0.1 * BRANCH_STEPS[BRANCH_STEPS.length - 1];
  assert.ok(Math.abs(tree.branchEvents[0].step - 10 * B.split1) <= span, `first branch at ${tree.branchEvents[0].step}, expected ~${10 * B.split1}`);
  assert.ok(Math.abs(tree.branchEvents[1].step - 10 * B.split2) <= span, `second branch at ${tree.branchEvents[1].step}, expected ~${10 * B.split2}`);
  for (const e of tree.branchEvents) assert.equal(e.children.length, 2);
  // Capacity: exactly the group count at every checkpoint (neurons of a group coincide; groups are >= 4 apart).
  assert.deepEqual(tree.capacity.clusters, Array.from({ length: B.checkpoints }, (_, c) => expectedClusters(c)));
  assert.deepEqual(tree.capacity.jumps, [10 * (B.split1 + 1), 10 * (B.split2 + 1)]);
});

test('a node before two later neighbours is a branch event; a chain has none; longest path is the diameter', () => {
  // 0 - 1 - 2, 1 - 3 - 4: node 1 (step 10) has children 2 (step 20) and 3 (step 20).
  const nodes = [0, 10, 20, 20, 30].map((s) => ({ stepMean: s, lensMean: 0 }));
  const links = [{ source: 0, target: 1 }, { source: 1, target: 2 }, { source: 1, target: 3 }, { source: 3, target: 4 }];
  assert.deepEqual(branchEvents(nodes, links), [{ node: 1, step: 10, children: [2, 3] }]);
  assert.equal(longestPath(5, links, true), 3);
  const chain = [{ source: 0, target: 1 }, { source: 1, target: 2 }];
  assert.deepEqual(branchEvents(nodes.slice(0, 3), chain), []);
  // A 6-cycle plus a tail of 2: the diameter is 3 + 2.
  const cyc = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 0], [0, 6], [6, 7]].map(([source, target]) => ({ source, target }));
  assert.equal(longestPath(8, cyc, false), 5);
  // Two components: the longer one counts.
  assert.equal(longestPath(5, [{ source: 0, target: 1 }, { source: 2, target: 3 }, { source: 3, target: 4 }], true), 2);
});

test('capacity counts single-linkage clusters per checkpoint against a brute-force count', () => {
  const g = gaussianSource(mulberry32(3));
  const checkpoints = 7;
  const neurons = 15;
  const dim = 3;
  const scores = Float64Array.from({ length: checkpoints * neurons * dim }, () => g());
  const cut = 0.9;
  const counts = clustersPerCheckpoint(scores, checkpoints, neurons, dim, cut);
  for (let c = 0; c < checkpoints; c++) {
    // Brute force: flood fill over pairs within cut.
    const seen = new Array<boolean>(neurons).fill(false);
    let clusters = 0;
    for (let s = 0; s < neurons; s++) {
      if (seen[s]) continue;
      clusters++;
      const stack = [s];
      seen[s] = true;
      while (stack.length) {
        const i = stack.pop() as number;
        for (let j = 0; j < neurons; j++) {
          if (seen[j]) continue;
          let d2 = 0;
          for (let t = 0; t < dim; t++) d2 += (scores[(c * neurons + i) * dim + t] - scores[(c * neurons + j) * dim + t]) ** 2;
          if (Math.sqrt(d2) <= cut) { seen[j] = true; stack.push(j); }
        }
      }
    }
    assert.equal(counts[c], clusters, `checkpoint ${c}`);
  }
  assert.deepEqual(capacityJumps([0, 1, 2, 3, 4], [1, 1, 3, 2, 4]), [2, 4]);
});

// --- learning surface -------------------------------------------------------------------------------

test('an exactly planar cloud gives two PCA axes with the analytic variance shares; order and factors follow the plane', () => {
  const d = 40;
  const g = gaussianSource(mulberry32(11));
  // Two orthonormal directions u (time) and v (neuron) in R^40.
  const u = Array.from({ length: d }, () => g());
  const un = Math.hypot(...u);
  for (let i = 0; i < d; i++) u[i] /= un;
  const v = Array.from({ length: d }, () => g());
  const uv = v.reduce((a, x, i) => a + x * u[i], 0);
  for (let i = 0; i < d; i++) v[i] -= uv * u[i];
  const vn = Math.hypot(...v);
  for (let i = 0; i < d; i++) v[i] /= vn;
  const checkpoints = 21;
  const neurons = 30;
  const a = (c: number) => c / 4; // time coordinate
  const bOf = Array.from({ length: neurons }, (_, j) => ((j * 7) % neurons) / 3); // a permutation of 0..29, scaled
  const cloud = cloudOf('dense1', checkpoints, neurons, d, (c, j) => u.map((x, i) => a(c) * x + bOf[j] * v[i]));
  const steps = Array.from({ length: checkpoints }, (_, c) => 5 * c);
  const s = learningSurface(cloud, steps, '/run', { factors: 5 });
  // Grid of (a, b): the two coordinates are uncorrelated, so the shares are var(b)/(var(a)+var(b)) and var(a)/(...).
  const variance = (xs: number[]) => { const m = xs.reduce((p, x) => p + x, 0) / xs.length; return xs.reduce((p, x) => p + (x - m) ** 2, 0) / xs.length; };
  const va = variance(Array.from({ length: checkpoints }, (_, c) => a(c)));
  const vb = variance(bOf);
  assert.ok(vb > va, 'the neuron axis is the leading one by construction');
  assert.ok(Math.abs(s.variance[0] - vb / (va + vb)) < 1e-9, `axis 1 share ${s.variance[0]} vs ${vb / (va + vb)}`);
  assert.ok(Math.abs(s.variance[1] - va / (va + vb)) < 1e-9, `axis 2 share ${s.variance[1]} vs ${va / (va + vb)}`);
  assert.ok(s.variance[2] < 1e-12);
  assert.equal(s.coords.length, checkpoints * neurons * 3);
  // Order along the leading axis = neurons sorted by b (or reversed: an axis's sign is a convention).
  const byB = Array.from({ length: neurons }, (_, j) => j).sort((x, y) => bOf[x] - bOf[y]);
  assert.ok(JSON.stringify(s.order) === JSON.stringify(byB) || JSON.stringify(s.order) === JSON.stringify([...byB].reverse()), `order ${s.order}`);
  assert.equal(s.orderStep, 100);
  assert.equal(s.imageShape, null);
  // Neighbour differences lie along v (|cos| = 1), consecutive-checkpoint differences along u with length 1/4.
  const cos = (x: number[], y: number[]) => x.reduce((p, xi, i) => p + xi * y[i], 0) / (Math.hypot(...x) * Math.hypot(...y));
  assert.equal(s.neighbourFactors.length, 5);
  for (const f of s.neighbourFactors) assert.ok(Math.abs(Math.abs(cos(f.values, v)) - 1) < 1e-9, f.label);
  assert.equal(s.timeFactors.length, 5);
  for (const f of s.timeFactors) {
    assert.ok(Math.abs(cos(f.values, u) - 1) < 1e-9, f.label);
    assert.ok(Math.abs(Math.hypot(...f.values) - 0.25) < 1e-12);
  }
});

// --- cloud assembly from checkpoint files ------------------------------------------------------------

test('the trajectory cloud read from safetensors equals a naive per-checkpoint copy', (t) => {
  const dir = tmpDir(t);
  const g = gaussianSource(mulberry32(5));
  const random = (layer: string, n: number, d: number) => cloudOf(layer, 9, n, d, () => Array.from({ length: d }, () => Math.fround(g())));
  const clouds = [random('dense1', 7, 13), random('dense2', 5, 7), random('dense3', 3, 5)];
  const runDir = writeRun(dir, clouds, Array.from({ length: 9 }, (_, c) => 3 * c));
  const files = fs.readdirSync(path.join(runDir, 'checkpoints')).sort().map((f) => path.join(runDir, 'checkpoints', f));
  for (const cloud of clouds) {
    const ours = trajectoryCloud(files, cloud.layer);
    const naive: number[] = [];
    for (const f of files) {
      const k = denseKernels(readCheckpoint(f)).find((x) => x.layer === cloud.layer)!;
      naive.push(...neuronCloud(k.kernel).data);
    }
    assert.deepEqual(Array.from(ours.data), naive, cloud.layer);
    assert.deepEqual(Array.from(ours.data), Array.from(cloud.data), `${cloud.layer}: the cloud written`);
    assert.deepEqual([ours.checkpoints, ours.neurons, ours.fanIn], [9, cloud.neurons, cloud.fanIn]);
  }
  // Classes from the final kernels: naive products of the later layers' [in, out] kernels, argmax per row.
  const finals = denseKernels(readCheckpoint(files[files.length - 1]));
  const matmul = (x: number[][], y: number[][]) => x.map((row) => y[0].map((_, j) => row.reduce((a, v, k) => a + v * y[k][j], 0)));
  const rows = (k: NamedTensor) => Array.from({ length: k.shape[0] }, (_, i) => Array.from(k.data.subarray(i * k.shape[1], (i + 1) * k.shape[1])));
  const argmax = (r: number[]) => r.indexOf(Math.max(...r));
  const classes = neuronClasses(files[files.length - 1], ['dense1', 'dense2', 'dense3']);
  assert.deepEqual(classes.get('dense3'), [0, 1, 2]);
  assert.deepEqual(classes.get('dense2'), rows(finals[2].kernel).map(argmax));
  assert.deepEqual(classes.get('dense1'), matmul(rows(finals[1].kernel), rows(finals[2].kernel)).map(argmax));
});

test('the run-level analyses read a run folder: graph, accuracy, KeplerMapper JSON, CLI JSON, surface, fitted eps', (t) => {
  const dir = tmpDir(t);
  const cloud = branchingCloud('dense1');
  const out = cloudOf('dense2', B.checkpoints, 3, B.neurons, (c, j) => Array.from({ length: B.neurons }, (_, i) => (i === j ? c : 0)));
  const runDir = writeRun(dir, [cloud, out], BRANCH_STEPS, (c) => c / 100);
  const result = computeWeightTrees({ runDirs: [runDir], layers: ['dense1'], ...BRANCH_SETTINGS, capacityScale: 0.02 });
  assert.deepEqual(result.allLayers, [{ name: 'dense1', neurons: 12, fanIn: 6 }, { name: 'dense2', neurons: 3, fanIn: 12 }]);
  assert.equal(result.layers.length, 1);
  const direct = layerTree(cloud, BRANCH_STEPS, BRANCH_SETTINGS, { capacityScale: 0.02 });
  const tree = result.layers[0];
  assert.deepEqual(tree.nodes, direct.nodes);
  assert.deepEqual(tree.links, direct.links);
  assert.deepEqual(tree.capacity.accuracy, BRANCH_STEPS.map((_, c) => c / 100));
  // KeplerMapper JSON: every node with its members, every edge once.
  const km = toKeplerMapperGraph(tree);
  assert.equal(Object.keys(km.nodes).length, tree.shape.nodes);
  assert.equal(Object.values(km.links).reduce((a, l) => a + l.length, 0), tree.shape.edges);
  assert.ok(Object.keys(km.nodes).every((id) => /^cube\d+_cluster\d+$/.test(id)));
  // The CLI's --json shape, field names exactly.
  const json = treesJson(result);
  assert.deepEqual(Object.keys(json.layers[0]), ['name', 'points', 'nodes', 'edges', 'components', 'forest', 'leaves', 'branchPoints', 'branchSteps', 'capacity']);
  assert.deepEqual(json.layers[0].capacity[B.checkpoints - 1], [600, 3]);
  // Paper defaults per layer when nothing is overridden: dense1 is the first layer, dense2 the last.
  const defaults = computeWeightTrees({ runDirs: [runDir] });
  assert.deepEqual(defaults.layers.map((l) => [l.settings.intervals, l.settings.eps, l.settings.overlap, l.settings.pca]), [[30, 0.1, 0.99, 20], [20, 0.5, 0.99, 20]]);
  // dense2's final kernel is 600 on its diagonal: dense1's neurons 0..2 favour classes 0..2, the rest tie at 0.
  assert.deepEqual(defaults.layers[0].neuronClass, [0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(defaults.layers[1].neuronClass, [0, 1, 2]);
  // Surface of the first layer: the trajectories span e0, e1, e2 only.
  const surface = computeWeightSurface({ runDirs: [runDir], factors: 3 });
  assert.equal(surface.layer, 'dense1');
  assert.ok(surface.variance.slice(0, 3).reduce((a, x) => a + x, 0) > 1 - 1e-9);
  // Fitted eps: the elbow of the 1-NN distances of the branching cloud is a positive radius below the largest one.
  const fitted = computeFitEps({ runDirs: [runDir], layers: ['dense1'] });
  assert.equal(fitted.layers[0].paperEps, 0.1);
  assert.ok(fitted.layers[0].eps > 0 && fitted.layers[0].eps <= fitted.layers[0].kDistances[fitted.layers[0].kDistances.length - 1]);
});

// --- fit eps ----------------------------------------------------------------------------------------

test('the elbow of a known k-distance curve is its knee', () => {
  // 900 distances at 1, then a steep linear tail from 2 to 101.
  const curve = [...new Array<number>(900).fill(1), ...Array.from({ length: 100 }, (_, i) => 2 + i)];
  assert.equal(elbowIndex(curve), 899);
  // A convex curve y = x^4 on [0, 1]: the farthest point below the chord has 4x^3 = 1, x = 0.63.
  const m = 1001;
  const convex = Array.from({ length: m }, (_, i) => (i / (m - 1)) ** 4);
  assert.equal(elbowIndex(convex), Math.round(0.25 ** (1 / 3) * (m - 1)));
  assert.equal(elbowIndex([2, 2, 2, 2]), 0);
  assert.throws(() => elbowIndex([1, 3, 2]), /must be ascending/);
});

test('k-th neighbour distances match brute force; fitEps finds the spacing of a chain with outliers', () => {
  const g = gaussianSource(mulberry32(8));
  const n = 300;
  const dim = 4;
  const pts = Float64Array.from({ length: n * dim }, () => g());
  for (const k of [1, 3]) {
    const queries = strideSample(n, 40);
    const ours = kthNeighbourDistances(pts, n, dim, k, queries);
    queries.forEach((q, qi) => {
      const d = [];
      for (let j = 0; j < n; j++) if (j !== q) d.push(Math.hypot(...Array.from({ length: dim }, (_, t) => pts[q * dim + t] - pts[j * dim + t])));
      d.sort((x, y) => x - y);
      assert.ok(Math.abs(ours[qi] - d[k - 1]) < 1e-12, `k=${k} query ${q}`);
    });
  }
  // 950 points spaced 1 apart on a line, and 50 isolated points far away: with k = 1 the elbow radius is the
  // spacing; with the default k = 2 dim - 1 = 3 it is the line's largest third-neighbour distance: 3, at the
  // chain's two ends (inside, it is 2), still at the knee far below the isolated points' distances.
  const line = new Float64Array(1000 * 2);
  for (let i = 0; i < 950; i++) line[2 * i] = i;
  for (let i = 0; i < 50; i++) { line[2 * (950 + i)] = 5000 + 100 * i * i; line[2 * (950 + i) + 1] = 1000 * (i + 1); }
  assert.equal(fitEps(line, 1000, 2, 1, 1000).eps, 1);
  const fitted = fitEps(line, 1000, 2, undefined, 1000);
  assert.deepEqual([fitted.k, fitted.eps], [3, 3]);
});

// --- bad input ---------------------------------------------------------------------------------------

test('bad input gets messages naming the file or setting', (t) => {
  const dir = tmpDir(t);
  const runDir = writeRun(dir, [branchingCloud('dense1')], BRANCH_STEPS.slice(0, 3));
  assert.throws(() => computeWeightTrees({ runDirs: [runDir], layers: ['conv9'] }), /no dense layer 'conv9' \(layers: dense1\)/);
  assert.throws(() => computeWeightTrees({ runDirs: [runDir, runDir] }), /expects exactly one run folder/);
  assert.throws(() => computeWeightTrees({ runDirs: [path.join(dir, 'nowhere')] }), /nowhere/);
  assert.throws(() => computeWeightTrees({ runDirs: [runDir], intervals: 0 }), /intervals must be a positive integer, got 0/);
  assert.throws(() => computeWeightTrees({ runDirs: [runDir], eps: -1 }), /eps must be a positive number or "fit"/);
  assert.throws(() => computeWeightTrees({ runDirs: [runDir], cover: 'kepler-mapper', overlap: 1.5 }), /overlap must be >= 0 \(and < 1/);
  assert.throws(() => resolveSettings({ minSamples: 0 }, 0, 3), /minSamples must be a positive integer/);
  assert.throws(() => computeWeightSurface({ runDirs: [runDir], step: 7 }), /no checkpoint at step 7/);
  // A truncated checkpoint names the file.
  const files = fs.readdirSync(path.join(runDir, 'checkpoints')).sort().map((f) => path.join(runDir, 'checkpoints', f));
  fs.truncateSync(files[1], 100);
  assert.throws(() => trajectoryCloud(files, 'dense1'), (e: Error) => e.message.startsWith(files[1]) && /truncated|does not fit|ends at byte/.test(e.message));
  // One checkpoint is not a trajectory.
  for (const f of files.slice(1)) fs.rmSync(f);
  assert.throws(() => computeWeightTrees({ runDirs: [runDir] }), /1 checkpoint\(s\); weight trajectories need at least 2/);
  // Layer shapes changing between checkpoints.
  const other = writeRun(path.join(dir, 'x'), [branchingCloud('dense1')], [0, 10]);
  const small = cloudOf('dense1', 1, 2, 6, () => [1, 2, 3, 4, 5, 6]);
  fs.writeFileSync(checkpointPath(other, 10), encodeSafetensors({ 'dense1/kernel': kernelAt(small, 0) }));
  assert.throws(() => computeWeightTrees({ runDirs: [other] }), /layer dense1 is \[6, 2\] here but \[6, 12\]/);
});

test('a node\'s weights: the mean of its members\' incoming vectors, read from the checkpoints', (t) => {
  const dir = tmpDir(t);
  const cloud = branchingCloud('dense1');
  const runDir = writeRun(dir, [cloud], BRANCH_STEPS);
  const points = [3, 12 * 40 + 1, 12 * 40 + 9, 12 * 60 + 11];
  const w = computeNodeWeights({ runDirs: [runDir], layer: 'dense1', points, maxMembers: 2 });
  const expected = Array.from({ length: 6 }, (_, i) => points.reduce((a, p) => a + cloud.data[p * 6 + i], 0) / points.length);
  assert.deepEqual(w.mean, expected);
  assert.equal(w.members.length, 2);
  for (const m of w.members) {
    assert.deepEqual(m.values, Array.from(cloud.data.subarray(m.point * 6, m.point * 6 + 6)));
    assert.equal(m.neuron, m.point % 12);
    assert.equal(m.step, BRANCH_STEPS[Math.floor(m.point / 12)]);
  }
  assert.throws(() => computeNodeWeights({ runDirs: [runDir], layer: 'dense1', points: [61 * 12] }), /point 732 is outside 0\.\.731/);
});
