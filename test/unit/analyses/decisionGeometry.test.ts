/**
 * Decision geometry (SPEC D) with known answers: a hand-built ReLU net with known regions and breakpoints,
 * exact breakpoints against dense sampling on random nets, arrangement counts against Zaslavsky's bound,
 * argmax invariance under weight scaling, the band-width formula on a single logistic unit, per-sample
 * gradient norms against finite differences, and the analysis and CLI on a run folder written here.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { makeDenseNet, logitsOf, softmaxInPlace, type DenseNet } from '../../../analysis/analyses/decisionGeometry/denseNet';
import { NetEvaluator } from '../../../analysis/analyses/decisionGeometry/evaluator';
import { evaluateGrid } from '../../../analysis/analyses/decisionGeometry/grid';
import { arrangementRegions, clipLine, firstLayerLines, zaslavskyBound, type PlaneLine } from '../../../analysis/analyses/decisionGeometry/arrangement';
import { segmentBreakpoints } from '../../../analysis/analyses/decisionGeometry/segment';
import { scaleNetwork, predictedBandWidth, logit } from '../../../analysis/analyses/decisionGeometry/scaling';
import { measureBandWidth, bandFraction } from '../../../analysis/analyses/decisionGeometry/bands';
import { planeThrough, restrictToPlane, fromPlane, toPlane } from '../../../analysis/analyses/decisionGeometry/plane';
import { sampleGradients } from '../../../analysis/analyses/decisionGeometry/gradients';
import { computeSubsampling, selectSubset } from '../../../analysis/analyses/decisionGeometry/subsampling';
import { trainTiny, accuracy } from '../../../analysis/analyses/decisionGeometry/tinyTrainer';
import { fromBase64, toBase64 } from '../../../analysis/analyses/decisionGeometry/encoding';
import { computeDecisionGeometry } from '../../../analysis/analyses/decisionGeometry/geometry';
import { computeDecisionSeries } from '../../../analysis/analyses/decisionGeometry/series';
import { mulberry32, gaussianSource } from '../../../analysis/linalg/random';
import { encodeSafetensors } from '../../../analysis/store/safetensors';
import { writeRunJson } from '../../../analysis/store/runStore';
import { checkpointPath } from '../../../analysis/store/runLayout';
import { RUN_SCHEMA_VERSION } from '../../../analysis/spec/runFormat';
import { getPreset } from '../../../analysis/training/presets';

const tmpDirs: string[] = [];
after(() => { for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true }); });

/** Random ReLU net with the given widths (input first, classes last); biases random too. */
function randomNet(dims: number[], seed: number, biasStd = 0.5): DenseNet {
  const g = gaussianSource(mulberry32(seed));
  return makeDenseNet(dims.slice(1).map((out, k) => ({
    inDim: dims[k], outDim: out,
    w: Array.from({ length: dims[k] * out }, () => g() / Math.sqrt(dims[k])),
    b: Array.from({ length: out }, () => biasStd * g()),
  })));
}

/**
 * Hand-built: hidden layer 1 = relu(x), relu(y), relu(x + y - 1) (lines x = 0, y = 0, x + y = 1, in general
 * position: 7 regions, the Zaslavsky bound for 3 lines), hidden layer 2 = relu(h1 - 1) (switches at x = 1),
 * output logits (0.5 - h2, h2): class 1 right of x = 1.25. Kernels are [in, out].
 */
function handNet(): DenseNet {
  return makeDenseNet([
    { inDim: 2, outDim: 3, w: [1, 0, 1, 0, 1, 1], b: [0, 0, -1] },
    { inDim: 3, outDim: 1, w: [1, 0, 0], b: [-1] },
    { inDim: 1, outDim: 2, w: [-1, 1], b: [0.5, 0] },
  ]);
}

test('hand-built ReLU net: known regions, lines and exact breakpoints', () => {
  const net = handNet();
  const lines = firstLayerLines(net);
  assert.equal(lines.length, 3);
  assert.equal(arrangementRegions(lines), 7);
  assert.equal(zaslavskyBound(3), 7);
  const window = { uMin: -2, uMax: 2, vMin: -2, vMax: 2 };
  assert.equal(arrangementRegions(lines, window), 7);
  // a window holding only the corner near (2, 2): lines x + y = 1 misses it, x = 0 and y = 0 too
  assert.equal(arrangementRegions(lines, { uMin: 1.5, uMax: 2, vMin: 1.5, vMax: 2 }), 1);
  const grid = evaluateGrid(net, window, 200, { regionLayer: 0 });
  assert.equal(grid.regionsByLayer[0], 7);
  // the second layer cuts the regions where relu(x) is on by the line x = 1: regions x > 1 split off.
  // Regions with x > 0 (h1 = x): {y<0, x+y<1}, {y>0, x+y<1}, {y<0, x+y>1}, {y>0, x+y>1}; x = 1 crosses
  // {y<0, x+y<1} (at y < 0), {y>0, x+y>1} (at y > 0), and {y<0, x+y>1} lies in x > 1 entirely, {y>0, x+y<1} in x < 1.
  assert.equal(grid.regionsByLayer[1], 9);
  // segment y = 0.5 from x = -1 to x = 2: x = 0 at t = 1/3, x + y = 1 at x = 0.5 (t = 1/2), x = 1 at t = 2/3
  const s = segmentBreakpoints(net, [-1, 0.5], [2, 0.5]);
  assert.equal(s.pieces, 4);
  assert.deepEqual(s.perLayer, [2, 1]);
  [1 / 3, 1 / 2, 2 / 3].forEach((t, i) => assert.ok(Math.abs(s.breakpoints[i] - t) < 1e-12, `breakpoint ${i}: ${s.breakpoints[i]} vs ${t}`));
  assert.ok(Math.abs(s.length - 3) < 1e-12);
  // a segment along y = 0 itself never crosses y = 0: x = 0 at t = 1/3, x + y = 1 and x = 1 both at t = 2/3 (one breakpoint)
  const along = segmentBreakpoints(net, [-1, 0], [2, 0]);
  assert.equal(along.breakpoints.length, 2);
});

test('exact segment breakpoints match dense sampling on random ReLU nets', () => {
  for (let seed = 1; seed <= 6; seed++) {
    const dims = seed % 2 ? [2, 8, 8, 3] : [5, 12, 6, 4, 2];
    const net = randomNet(dims, seed);
    const g = gaussianSource(mulberry32(100 + seed));
    const p = Array.from({ length: dims[0] }, () => 2 * g());
    const q = Array.from({ length: dims[0] }, () => 2 * g());
    const exact = segmentBreakpoints(net, p, q);
    const ev = new NetEvaluator(net);
    const N = 200_000;
    const changes: number[] = [];
    let prev = -1;
    const x = new Float64Array(dims[0]);
    for (let i = 0; i <= N; i++) {
      const t = i / N;
      for (let k = 0; k < x.length; k++) x[k] = p[k] + t * (q[k] - p[k]);
      ev.forward(x);
      const key = ev.patternKey[ev.patternKey.length - 1];
      if (i > 0 && key !== prev) changes.push(t);
      prev = key;
    }
    // every sampled change lies within one step after an exact breakpoint and vice versa
    assert.equal(changes.length, exact.breakpoints.length, `seed ${seed}: sampled ${changes.length} vs exact ${exact.breakpoints.length}`);
    exact.breakpoints.forEach((t, i) => assert.ok(changes[i] >= t && changes[i] - t <= 1 / N + 1e-12, `seed ${seed}: breakpoint ${t} vs sampled ${changes[i]}`));
    assert.equal(exact.pieces, exact.breakpoints.length + 1);
    assert.equal(exact.perLayer.reduce((a, b) => a + b, 0), exact.breakpoints.length);
    assert.ok(exact.breakpoints.length > 0);
  }
});

test('first-layer regions never exceed Zaslavsky and reach it in general position; grid counts agree', () => {
  for (let seed = 1; seed <= 8; seed++) {
    const n = 3 + seed;
    const net = randomNet([2, n, 2], seed, 1);
    const lines = firstLayerLines(net);
    assert.equal(lines.length, n);
    assert.equal(arrangementRegions(lines), zaslavskyBound(n), `seed ${seed}`);
    // a window large enough to hold every intersection point sees them all
    let reach = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const a = lines[i], b = lines[j];
      const det = a.a * b.b - a.b * b.a;
      reach = Math.max(reach, Math.abs((a.b * b.c - b.b * a.c) / det), Math.abs((b.a * a.c - a.a * b.c) / det));
    }
    const big = { uMin: -2 * reach - 1, uMax: 2 * reach + 1, vMin: -2 * reach - 1, vMax: 2 * reach + 1 };
    assert.equal(arrangementRegions(lines, big), zaslavskyBound(n));
    // a small window: the exact count bounds what a grid can see, and a fine grid sees (almost) all of it
    const small = { uMin: -1.5, uMax: 1.5, vMin: -1.5, vMax: 1.5 };
    const exactSmall = arrangementRegions(lines, small);
    assert.ok(exactSmall <= zaslavskyBound(n));
    const grid = evaluateGrid(net, small, 512, { regionLayer: 0 });
    assert.ok(grid.regionsByLayer[0] <= exactSmall, `seed ${seed}: grid ${grid.regionsByLayer[0]} > exact ${exactSmall}`);
    assert.ok(grid.regionsByLayer[0] >= exactSmall - 2, `seed ${seed}: grid ${grid.regionsByLayer[0]} misses too many of ${exactSmall}`);
  }
  // degenerate arrangements stay below the bound: n lines through one point give 2n, n parallel lines n + 1
  const concurrent: PlaneLine[] = [0, 1, 2, 3].map((k) => ({ unit: k, a: Math.cos(k), b: Math.sin(k), c: 0 }));
  assert.equal(arrangementRegions(concurrent), 8);
  const parallel: PlaneLine[] = [0, 1, 2].map((k) => ({ unit: k, a: 1, b: 1, c: k }));
  assert.equal(arrangementRegions(parallel), 4);
  // a duplicated unit is one line
  assert.equal(arrangementRegions([...parallel, { unit: 9, a: 2, b: 2, c: 4 }]), 4);
  assert.equal(zaslavskyBound(0), 1);
  assert.equal(zaslavskyBound(1), 2);
  assert.equal(zaslavskyBound(5), 16);
  assert.equal(zaslavskyBound(5, 3), 26);
});

test('the row walk gives the same maps as a forward pass per cell', () => {
  for (let seed = 1; seed <= 4; seed++) {
    const net = randomNet(seed % 2 ? [2, 16, 16, 2] : [2, 12, 10, 8, 3], seed);
    const dom = { uMin: -2.5, uMax: 2, vMin: -1.5, vMax: 2.5 };
    const walked = evaluateGrid(net, dom, 150);
    const cells = evaluateGrid(net, dom, 150, { method: 'cells' });
    assert.deepEqual(walked.regionsByLayer, cells.regionsByLayer, `seed ${seed}`);
    assert.deepEqual(walked.regionMap, cells.regionMap);
    assert.deepEqual(walked.classMap, cells.classMap);
    for (let i = 0; i < cells.confidence.length; i++) assert.ok(Math.abs(walked.confidence[i] - cells.confidence[i]) < 1e-6);
  }
});

test('clipLine returns the chord of the window', () => {
  const seg = clipLine({ unit: 0, a: 1, b: -1, c: 0 }, { uMin: -1, uMax: 1, vMin: -2, vMax: 2 })!;
  const ends = seg.map(([u, v]) => [Math.round(u * 1e9) / 1e9, Math.round(v * 1e9) / 1e9]).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(ends, [[-1, -1], [1, 1]]);
  assert.equal(clipLine({ unit: 0, a: 1, b: 0, c: -5 }, { uMin: -1, uMax: 1, vMin: -1, vMax: 1 }), null);
});

test('weight scaling keeps the argmax map and narrows the band', () => {
  const net = randomNet([2, 10, 10, 3], 3);
  const dom = { uMin: -3, uMax: 3, vMin: -3, vMax: 3 };
  const base = evaluateGrid(net, dom, 96);
  let lastBand = Infinity;
  for (const alpha of [0.25, 0.5, 2, 5]) {
    for (const mode of ['output', 'all'] as const) {
      const g = evaluateGrid(scaleNetwork(net, alpha, mode), dom, 96);
      assert.deepEqual(g.classMap, base.classMap, `alpha ${alpha} ${mode}`);
      // 'all' keeps every activation pattern (positive homogeneity): the same regions
      if (mode === 'all') assert.deepEqual(g.regionsByLayer, base.regionsByLayer);
    }
  }
  // (logits times 4 first, so that some of the view is confident at alpha = 0.5)
  const sharp = scaleNetwork(net, 4, 'output');
  for (const alpha of [0.5, 1, 2, 4]) {
    const g = evaluateGrid(scaleNetwork(sharp, alpha, 'output'), dom, 96);
    const f = bandFraction(g.confidence, 0.05);
    assert.ok(f < lastBand, `band fraction should shrink with alpha: ${f} after ${lastBand}`);
    lastBand = f;
  }
  // scaling every bias by alpha (not alpha^k) would move the boundary: that is why 'all' scales by depth
  const naive: DenseNet = { ...net, layers: net.layers.map((l) => ({ ...l, w: l.w.map((v) => v * 3), b: l.b.map((v) => v * 3) })) };
  assert.notDeepEqual(evaluateGrid(naive, dom, 96).classMap, base.classMap);
  const sigmoid = makeDenseNet([{ inDim: 2, outDim: 2, w: [1, 0, 0, 1], b: [0, 0], activation: 'sigmoid' }, { inDim: 2, outDim: 2, w: [1, 0, 0, 1] }]);
  assert.throws(() => scaleNetwork(sigmoid, 2, 'all'), /relu\/linear/);
  assert.throws(() => scaleNetwork(net, 0), /positive/);
});

test('band width on a single logistic unit is 2 logit(1-c) / (alpha ||w||)', () => {
  // logits (0, w.x + b): p(class 1) = sigma(w.x + b)
  const w = [1.5, -2];
  const net = makeDenseNet([{ inDim: 2, outDim: 2, w: [0, w[0], 0, w[1]], b: [0, 0.3] }]);
  const dom = { uMin: -3, uMax: 3, vMin: -3, vMax: 3 };
  const norm = Math.hypot(...w);
  for (const c of [0.05, 0.2]) {
    for (const alpha of [0.5, 1, 3]) {
      const scaled = scaleNetwork(net, alpha);
      const g = evaluateGrid(scaled, dom, 64);
      const bw = measureBandWidth(scaled, dom, g.classMap, 64, c);
      const expected = predictedBandWidth(c, alpha, norm);
      assert.ok(bw.points > 10);
      assert.ok(Math.abs(bw.measuredWidth! - expected) < 1e-6 * expected, `c ${c} alpha ${alpha}: measured ${bw.measuredWidth} vs ${expected}`);
      assert.ok(Math.abs(bw.predictedWidth! - expected) < 1e-5 * expected);
    }
  }
  assert.ok(Math.abs(predictedBandWidth(0.05, 1, 1) - 5.889) < 1e-3, 'SPEC: about 5.89 / ||w|| for c = 0.05');
  assert.ok(Math.abs(logit(0.5)) < 1e-15);
  assert.throws(() => predictedBandWidth(0.7, 1, 1), /0 < c < 0.5/);
});

test('the plane-restricted net equals the full net on the plane', () => {
  const net = randomNet([7, 9, 5, 3], 11);
  const g = gaussianSource(mulberry32(5));
  const [a, b, c] = [0, 1, 2].map(() => Array.from({ length: 7 }, g));
  const plane = planeThrough(a, b, c);
  const small = restrictToPlane(net, plane);
  for (const [u, v] of [[0, 0], [0.3, -1.2], [2, 0.5]]) {
    const full = logitsOf(net, fromPlane(plane, u, v));
    const restricted = logitsOf(small, [u, v]);
    full.forEach((z, j) => assert.ok(Math.abs(z - restricted[j]) < 1e-9));
  }
  const [ub, vb] = toPlane(plane, b);
  assert.ok(Math.abs(vb) < 1e-12 && ub > 0, 'b lies on the first axis');
  const back = fromPlane(plane, ...toPlane(plane, c));
  back.forEach((x, i) => assert.ok(Math.abs(x - c[i]) < 1e-9, 'c lies in the plane'));
  assert.throws(() => planeThrough(a, a, c), /identical/);
  assert.throws(() => planeThrough(a, b, a.map((x, i) => 2 * b[i] - x)), /collinear/);
});

test('per-sample gradient norms match finite differences of the loss', () => {
  for (const act of ['relu', 'sigmoid', 'tanh'] as const) {
    const base = randomNet([3, 5, 4, 3], 21);
    const net: DenseNet = { ...base, layers: base.layers.map((l, k) => (k < 2 ? { ...l, activation: act } : l)) };
    const x = Float32Array.from([0.3, -0.7, 1.1]);
    const label = 2;
    const loss = (): number => { const z = logitsOf(net, x); softmaxInPlace(z); return -Math.log(z[label]); };
    let sq = 0;
    const h = 1e-6;
    for (const l of net.layers) {
      for (const arr of [l.w, l.b]) {
        for (let i = 0; i < arr.length; i++) {
          const keep = arr[i];
          arr[i] = keep + h; const up = loss();
          arr[i] = keep - h; const down = loss();
          arr[i] = keep;
          sq += ((up - down) / (2 * h)) ** 2;
        }
      }
    }
    const { norms, summary } = sampleGradients(net, x, [label], 1);
    assert.ok(Math.abs(norms[0] - Math.sqrt(sq)) < 1e-4 * Math.sqrt(sq), `${act}: ${norms[0]} vs ${Math.sqrt(sq)}`);
    assert.equal(summary.samples, 1);
    assert.equal(summary.unitSlopeFractions.length, 2);
  }
});

test('gradient summary: band and concentration shares', () => {
  const net = makeDenseNet([{ inDim: 2, outDim: 2, w: [0, 4, 0, 0], b: [0, 0] }]);
  // samples on the line x = 0 are in the band (p = 1/2); far ones are confident
  const x = Float32Array.from([0, 0, 0, 1, 3, 0, -3, 0, 3, 1, -3, 1, 3, 2, -3, 2, 3, 3, -3, 3]);
  const y = Int32Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
  const { summary } = sampleGradients(net, x, y, 10);
  assert.equal(summary.bandSampleShare, 0.2);
  assert.ok(summary.bandGradientShare > 0.9, `gradient concentrates in the band: ${summary.bandGradientShare}`);
  assert.equal(summary.accuracy, 0.9, 'the sample on the boundary (p = 1/2) is a tie, decided for class 0');
  assert.deepEqual(summary.unitSlopeFractions, []);
});

test('subset selection and the tiny trainer', () => {
  const score = Float64Array.from({ length: 100 }, (_, i) => i);
  const band = selectSubset(score, 20, 'band', 0.2, 1);
  assert.equal(band.length, 20);
  assert.equal(new Set(band).size, 20);
  for (let k = 0; k < 16; k++) assert.equal(band[k], 99 - k, 'the 16 highest scores first');
  for (let k = 16; k < 20; k++) assert.ok(band[k] < 84);
  const uni = selectSubset(score, 20, 'uniform', 0.2, 1);
  assert.equal(new Set(uni).size, 20);
  // a linearly separable problem is learned
  const rnd = mulberry32(3);
  const n = 200;
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) { x[2 * i] = 2 * rnd() - 1; x[2 * i + 1] = 2 * rnd() - 1; y[i] = x[2 * i] + 0.5 * x[2 * i + 1] > 0 ? 1 : 0; }
  const net = trainTiny(x, y, n, { dims: [2, 8, 2], activation: 'relu', steps: 300, batch: 32, lr: 0.02, seed: 1 });
  assert.ok(accuracy(net, x, y, n) > 0.95);
});

test('typed arrays survive the base64 wire format', () => {
  const f = Float32Array.from([1.5, -2.25, Math.PI]);
  assert.deepEqual(fromBase64(toBase64(f), Float32Array), f);
  const i = Int32Array.from([0, -7, 123456789]);
  assert.deepEqual(fromBase64(toBase64(i), Int32Array), i);
  const sub = new Uint8Array([9, 8, 7, 6]).subarray(1, 3);
  assert.deepEqual(fromBase64(toBase64(sub), Uint8Array), Uint8Array.from([8, 7]));
});

/** A run folder with two checkpoints of a hand-made 2-16-16-2 net and a probe set, as the trainer writes them. */
function writeRun(net: DenseNet, opts: { layerTypes?: string[] } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-geometry-'));
  tmpDirs.push(dir);
  const config = getPreset('regions-moons').config;
  const now = new Date().toISOString();
  writeRunJson(dir, {
    schemaVersion: RUN_SCHEMA_VERSION, id: path.basename(dir), name: 'hand', createdAt: now, status: 'completed', backend: 'cpu', config, timings: { startedAt: now },
    shape: {
      dataset: 'toy-moons', trainSize: 1000, testSize: 1000, classes: 2, inputShape: [2], probeSize: 6, totalSteps: 10, stepsPerEpoch: 10,
      layers: net.layers.map((l, k) => ({ name: l.name, type: opts.layerTypes?.[k] ?? 'dense', activation: l.activation, weights: [{ name: `${l.name}/kernel`, shape: [l.inDim, l.outDim] }, { name: `${l.name}/bias`, shape: [l.outDim] }] })),
    },
  });
  fs.mkdirSync(path.join(dir, 'checkpoints'));
  for (const [step, scale] of [[0, 0.5], [10, 1]] as const) {
    const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
    for (const l of net.layers) {
      tensors[`${l.name}/kernel`] = { dtype: 'F32', shape: [l.inDim, l.outDim], data: Float32Array.from(l.w, (v) => v * scale) };
      tensors[`${l.name}/bias`] = { dtype: 'F32', shape: [l.outDim], data: Float32Array.from(l.b, (v) => v * scale) };
    }
    fs.writeFileSync(checkpointPath(dir, step), encodeSafetensors(tensors));
  }
  const probeX = Float32Array.from([-1, 0.5, 2, 0.5, 0.5, -1, -0.5, 1, 1.5, 1.5, -1.5, -1.5]);
  const labels = Float32Array.from(Array.from({ length: 6 }, (_, i) => logitsOf(net, probeX.subarray(2 * i, 2 * i + 2)).reduce((b, z, j, a) => (z > a[b] ? j : b), 0)));
  fs.writeFileSync(path.join(dir, 'probe.safetensors'), encodeSafetensors({
    'probe/inputs': { dtype: 'F32', shape: [6, 2], data: probeX },
    'probe/labels': { dtype: 'F32', shape: [6], data: labels },
  }, { format: 'topolens-probe' }));
  return dir;
}

test('the analysis on a run folder: hand-built net, segment between probes, cache, errors', () => {
  const net = handNet();
  const dir = writeRun(net);
  const r = computeDecisionGeometry({ runDirs: [dir], grid: 200, segment: [0, 1], domain: [-2, 2, -2, 2] });
  assert.equal(r.step, 10);
  assert.deepEqual(r.steps, [0, 10]);
  assert.equal(r.plane.kind, 'data');
  assert.equal(r.firstLayer.regionsInPlane, 7);
  assert.equal(r.firstLayer.zaslavskyBound, 7);
  assert.deepEqual(r.regionsByLayer, [7, 9]);
  assert.equal(r.gridRegions, 9);
  assert.equal(r.segment!.pieces, 4);
  assert.equal(r.points.u.length, 1000, 'the run\'s training points (regenerated from its config)');
  assert.equal(fromBase64(r.maps.classMap, Uint8Array).length, 200 * 200);
  assert.equal(fromBase64(r.maps.confidence, Float32Array).length, 200 * 200);
  assert.equal(fromBase64(r.maps.gradientNorm!, Float32Array).length, 200 * 200);
  assert.equal(r.weightNorms.length, 3);
  assert.ok(Math.abs(r.weightNorms[0].norm - 2) < 1e-6, '||dense1|| = sqrt(1 + 1 + 1 + 1)');
  // the band (max probability < 0.95) shrinks as alpha grows; left of x = 1 the logit gap is a constant 0.5
  const f = r.bands.map((b) => b.bandFraction);
  assert.deepEqual(r.bands.map((b) => b.alpha), [0.5, 1, 2, 4]);
  assert.ok(f[0] >= f[1] && f[1] >= f[2] && f[2] >= f[3] && f[0] > f[3], f.join(' '));
  // cell centres u = -2 + (col + 1/2) 0.02 exceed 1.25 from column 163 on: 37 columns of 200 cells
  assert.equal(fromBase64(r.maps.classMap, Uint8Array).filter((c) => c === 1).length, 37 * 200);
  assert.ok(fs.readdirSync(path.join(dir, 'analysis', 'decisionGeometry')).length === 1, 'cached');
  const again = computeDecisionGeometry({ runDirs: [dir], grid: 200, segment: [0, 1], domain: [-2, 2, -2, 2] });
  assert.equal(again.computeMs, r.computeMs, 'served from the cache');
  const early = computeDecisionGeometry({ runDirs: [dir], step: 0, grid: 64, gradientMap: false });
  assert.equal(early.maps.gradientNorm, null);
  // image-style plane through three probes
  const probe = computeDecisionGeometry({ runDirs: [dir], grid: 32, plane: [0, 1, 2], gradientMap: false });
  assert.equal(probe.plane.kind, 'probes');
  assert.deepEqual(probe.plane.anchors.map((a) => [a.u, a.v].map((x) => Math.round(x * 1e6) / 1e6)), [[0, 0], [3, 0], [1.5, 1.5]], "e2 points towards the third input");

  const series = computeDecisionSeries({ runDirs: [dir], grid: 64, samples: 200 });
  assert.deepEqual(series.runs[0].points.map((p) => p.step), [0, 10]);
  assert.ok(Math.abs(series.runs[0].points[1].weightNorms[0] - 2 * series.runs[0].points[0].weightNorms[0]) < 1e-6);
  assert.equal(series.runs[0].points[1].firstLayerRegions, 7);

  const bad: [object, RegExp][] = [
    [{ grid: 1 }, /grid 1: expected an integer from 2 to 4096/],
    [{ alpha: -1 }, /alpha -1: the weight scale must be a positive number/],
    [{ bandLevel: 0.7 }, /band level 0.7: expected 0 < c < 0.5/],
    [{ step: 5 }, /no checkpoint at step 5 \(steps: 0, 10\)/],
    [{ segment: [0, 99] }, /segment: probe index 99 is outside 0..5/],
    [{ plane: [0, 0, 1] }, /identical/],
    [{ domain: [1, 0, 0, 1] }, /domain: the domain must be four finite numbers uMin < uMax/],
  ];
  for (const [p, re] of bad) assert.throws(() => computeDecisionGeometry({ runDirs: [dir], grid: 16, ...p }), re);
  assert.throws(() => computeDecisionGeometry({ runDirs: [] }), /expects exactly one run folder/);
  assert.throws(() => computeDecisionGeometry({ runDirs: [path.join(dir, 'nope')] }), /run\.json: missing/);
  const cnn = writeRun(net, { layerTypes: ['conv2d', 'dense', 'dense'] });
  assert.throws(() => computeDecisionGeometry({ runDirs: [cnn] }), /reads dense \(MLP\) networks; this model has dense1 \(conv2d\)/);
});

test('subsampling study on a run folder: rows per budget and method, clear refusals', () => {
  const dir = writeRun(handNet());
  const r = computeSubsampling({ runDirs: [dir], budgets: [10, 40], seeds: 2, steps: 30 });
  assert.equal(r.scorerStep, 10);
  assert.equal(r.testSamples, 1000);
  assert.deepEqual(r.rows.map((x) => `${x.budget}/${x.method}`), ['10/uniform', '10/band', '40/uniform', '40/band']);
  for (const row of r.rows) {
    assert.equal(row.accuracies.length, 2);
    assert.ok(row.accuracies.every((a) => a >= 0 && a <= 1));
    assert.ok(Math.abs(row.mean - (row.accuracies[0] + row.accuracies[1]) / 2) < 1e-12);
  }
  assert.throws(() => computeSubsampling({ runDirs: [dir], budgets: [1] }), /budgets 1: expected integers of at least 2/);
  assert.throws(() => computeSubsampling({ runDirs: [dir], selection: 'nope' as 'band' }), /selection "nope": use "band" or "loss"/);
});

test('CLI geometry --json prints the issue\'s shape', () => {
  const dir = writeRun(handNet());
  const cli = path.join(__dirname, '..', '..', '..', 'analysis', 'cli', 'main.ts');
  const out = spawnSync(process.execPath, ['--import', 'tsx', cli, 'geometry', dir, '--grid', '64', '--segment', '0,1', '--json'], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  const j = JSON.parse(out.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(j), ['gridRegions', 'firstLayerRegions', 'zaslavskyBound', 'segment', 'weightNorms', 'bands']);
  assert.equal(j.firstLayerRegions, 7);
  assert.equal(j.zaslavskyBound, 7);
  const seg = j.segment as { from: number; to: number; breakpoints: number[]; pieces: number };
  assert.deepEqual(Object.keys(seg), ['from', 'to', 'breakpoints', 'pieces']);
  assert.equal(seg.pieces, 4);
  assert.deepEqual(Object.keys(j.weightNorms as object), ['dense1', 'dense2', 'dense3']);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', cli, 'geometry', dir, '--segment', '0'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--segment 0: expected 2 non-negative integers/);
});
