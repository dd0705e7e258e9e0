/**
 * Loss barcode, the pure parts with known answers: the path optimiser on analytic surfaces with known saddles,
 * the elder-rule barcode against a brute-force minimax computation, the TO-score, the rank correlation,
 * and the batched MLP engine against a float64 reference with numerical gradients.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimaBarcode } from '../../../analysis/analyses/lossBarcode/barcode';
import { optimisePath, DEFAULT_PATH_OPTIONS } from '../../../analysis/analyses/lossBarcode/pathOptimizer';
import { toScore } from '../../../analysis/analyses/lossBarcode/toScore';
import { spearman, ranks } from '../../../analysis/analyses/lossBarcode/rankCorrelation';
import { acrossArchitectures } from '../../../analysis/analyses/lossBarcode/toScoreTable';
import type { ToScoreRow } from '../../../analysis/worker/protocol/lossBarcode';
import { MlpBatch, parameterCount, type DenseSpec } from '../../../analysis/analyses/lossBarcode/mlpBatch';
import { mulberry32 } from '../../../analysis/linalg/random';
import { curvedDoubleWell, descend, mullerBrown, surfaceObjective } from './surfaces';
import { referenceGradient, referenceLoss } from './mlpReference';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual}, expected ${expected} +- ${tol}`);

test('Müller-Brown: the optimised paths find both known saddles (-40.66, -72.25); the straight line overestimates', () => {
  const A = descend(mullerBrown, -0.55, 1.4);
  const B = descend(mullerBrown, 0.6, 0.03);
  const C = descend(mullerBrown, -0.05, 0.47);
  const minima = [A, B, C].map((m) => mullerBrown.f(m[0], m[1]));
  close(minima[0], -146.70, 0.01, 'minimum A');
  close(minima[1], -108.17, 0.01, 'minimum B');
  close(minima[2], -80.77, 0.01, 'minimum C');
  const objective = surfaceObjective(mullerBrown);
  const opts = { ...DEFAULT_PATH_OPTIONS, lr: 1e-4 };
  const ac = optimisePath(A, C, objective, opts);
  const cb = optimisePath(C, B, objective, opts);
  const ab = optimisePath(A, B, objective, opts);
  close(ac.barrier, -40.665, 0.05, 'A-C saddle');
  close(cb.barrier, -72.249, 0.05, 'C-B saddle');
  close(ab.barrier, -40.665, 0.05, 'A-B (through C): the higher saddle');
  assert.ok(ac.straightBarrier > ac.barrier + 30, `straight A-C ${ac.straightBarrier} should be far above ${ac.barrier}`);
  assert.ok(ab.straightBarrier > ab.barrier + 30, `straight A-B ${ab.straightBarrier} should be far above ${ab.barrier}`);
  // C-B: the straight line nearly passes the saddle; it cannot be lower than the true minimax (up to sampling).
  assert.ok(cb.straightBarrier >= cb.barrier - 0.01);
  for (const r of [ac, cb, ab]) {
    assert.equal(r.t.length, r.loss.length);
    assert.equal(r.t[0], 0);
    assert.equal(r.t[r.t.length - 1], 1);
    assert.equal(r.loss.length, r.straightLoss.length);
    assert.ok(r.path.length > DEFAULT_PATH_OPTIONS.points && r.path.length <= DEFAULT_PATH_OPTIONS.maxPoints, `midpoints inserted: ${r.path.length}`);
    assert.deepEqual(Array.from(r.path[0]), Array.from(r.path === ac.path ? A : r.path === cb.path ? C : A), 'endpoints stay fixed');
  }
  // The barcode of the three minima: C dies at the lower saddle into B, B at the higher one into A.
  const barrier = [[0, ab.barrier, ac.barrier], [ab.barrier, 0, cb.barrier], [ac.barrier, cb.barrier, 0]];
  const code = minimaBarcode(minima, (i, j) => barrier[i][j]);
  assert.equal(code.bars[0][1], Infinity);
  close(code.bars[1][1], -40.665, 0.05, 'death of B');
  close(code.bars[2][1], -72.249, 0.05, 'death of C');
  assert.deepEqual(code.mergedInto, [-1, 0, 1]);
  assert.deepEqual(code.mergedVia[2], [1, 2]);
});

test('curved double well: barrier 1 at the saddle (0, 0); the straight line peaks at 6', () => {
  const r = optimisePath(Float64Array.of(-1, 1), Float64Array.of(1, 1), surfaceObjective(curvedDoubleWell), { ...DEFAULT_PATH_OPTIONS, lr: 0.01 });
  close(r.barrier, 1, 0.02, 'barrier');
  close(r.straightBarrier, 6, 0.01, 'straight barrier');
});

test('path optimisation refuses bad settings with the setting named', () => {
  const o = surfaceObjective(curvedDoubleWell);
  const a = Float64Array.of(-1, 1);
  const b = Float64Array.of(1, 1);
  assert.throws(() => optimisePath(a, b, o, { ...DEFAULT_PATH_OPTIONS, points: 1, lr: 0.01 }), /points must be an integer >= 2/);
  assert.throws(() => optimisePath(a, b, o, { ...DEFAULT_PATH_OPTIONS, lr: 0 }), /lr must be a positive number/);
  assert.throws(() => optimisePath(a, b, o, { ...DEFAULT_PATH_OPTIONS, maxPoints: 5, lr: 0.01 }), /maxPoints \(5\) is below points \(13\)/);
  assert.throws(() => optimisePath(Float64Array.of(1, 2, 3), b, o, { ...DEFAULT_PATH_OPTIONS, lr: 0.01 }), /dimension 3\/2/);
});

/** Death of every minimum by brute force: the minimax path value to any older minimum (Floyd-Warshall, max-min). */
function bruteForceBars(losses: number[], w: number[][]): { deaths: number[]; minimax: number[][] } {
  const n = losses.length;
  const m = w.map((row) => row.slice());
  for (let i = 0; i < n; i++) m[i][i] = losses[i];
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i][j] = Math.min(m[i][j], Math.max(m[i][k], m[k][j]));
  const older = (j: number, i: number) => losses[j] < losses[i] || (losses[j] === losses[i] && j < i);
  const deaths = losses.map((_, i) => {
    let d = Infinity;
    for (let j = 0; j < n; j++) if (j !== i && older(j, i)) d = Math.min(d, m[i][j]);
    return d;
  });
  return { deaths, minimax: m };
}

test('barcode = brute-force minimax deaths on random barrier matrices, ties included', () => {
  const rand = mulberry32(11);
  for (let trial = 0; trial < 300; trial++) {
    const n = 2 + Math.floor(rand() * 8);
    const losses = Array.from({ length: n }, () => Math.floor(rand() * 4)); // few values: many ties
    const w = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) w[i][j] = w[j][i] = Math.max(losses[i], losses[j]) + Math.floor(rand() * 4);
    const code = minimaBarcode(losses, (i, j) => w[i][j]);
    const { deaths, minimax } = bruteForceBars(losses, w);
    assert.deepEqual(code.bars.map((b) => b[1]), deaths, `trial ${trial}: losses ${losses}, barriers ${JSON.stringify(w)}`);
    assert.equal(code.bars.filter((b) => b[1] === Infinity).length, 1, 'one infinite bar');
    code.bars.forEach(([birth, death], i) => {
      assert.equal(birth, losses[i]);
      if (death === Infinity) return assert.equal(code.mergedInto[i], -1);
      const into = code.mergedInto[i];
      assert.ok(losses[into] < losses[i] || (losses[into] === losses[i] && into < i), 'merged into an older minimum');
      assert.ok(minimax[i][into] <= death, 'connected to its partner below its death');
      const [a, b] = code.mergedVia[i] as [number, number];
      assert.equal(w[a][b], death, 'the pair that killed it has the death value as barrier');
    });
  }
});

test('barcode refuses a barrier below an endpoint and a diverged minimum', () => {
  assert.throws(() => minimaBarcode([1, 2], () => 1.5), /below an endpoint's loss/);
  assert.throws(() => minimaBarcode([1, NaN], () => 3), /loss of minimum 1 is NaN \(the run diverged\?\)/);
});

test('TO-score: sum and max of finite segments, normalised by (f(init) - global minimum)', () => {
  const s = toScore([[0.1, Infinity], [0.2, 0.5], [0.3, 0.4]], 2.1);
  close(s.sum, 0.4, 1e-12, 'sum');
  close(s.max, 0.3, 1e-12, 'max');
  close(s.sumNormalized as number, 0.2, 1e-12, 'sum normalised');
  close(s.maxNormalized as number, 0.15, 1e-12, 'max normalised');
  assert.equal(s.globalMin, 0.1);
  const noInit = toScore([[0.1, Infinity], [0.2, 0.5]], null);
  assert.equal(noInit.sumNormalized, null);
  assert.equal(noInit.maxNormalized, null);
});

test('Spearman: average ranks for ties, exact permutation p-value for small n', () => {
  assert.deepEqual(Array.from(ranks([10, 20, 20, 5])), [2, 3.5, 3.5, 1]);
  const perfect = spearman([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
  close(perfect.spearman, 1, 1e-12, 'rho');
  close(perfect.pValue, 2 / 120, 1e-12, 'p (two of 120 orders reach |rho| = 1)');
  const anti = spearman([1, 2, 3, 4], [4, 3, 2, 1]);
  close(anti.spearman, -1, 1e-12, 'rho');
  // Hand-computed: x ranks 1..5, y ranks [2, 1, 4, 3, 5] -> d^2 = 1+1+1+1+0 = 4 -> 1 - 6*4/(5*24) = 0.8
  close(spearman([1, 2, 3, 4, 5], [20, 10, 40, 30, 50]).spearman, 0.8, 1e-12, 'rho');
  const big = spearman(Array.from({ length: 12 }, (_, i) => i), Array.from({ length: 12 }, (_, i) => i * i), { permutations: 2000 });
  close(big.spearman, 1, 1e-12, 'rho');
  assert.ok(big.pValue < 0.01 && big.pValue > 0);
  assert.throws(() => spearman([1, 2], [1, 2]), /at least 3 pairs/);
});

test('TO-score table across architectures: rows without test error are left out, fewer than 3 rows give null', () => {
  const row = (meanSegment: number, sum: number, meanTestError: number | null) => ({ meanSegment, meanTestError, toScore: { sum } }) as unknown as ToScoreRow;
  // mean segment ranks 1..5 against error ranks [2, 1, 4, 3, 5]: rho 0.8 (as above); TO sum reversed: -0.8
  const rows = [row(1, 5, 0.2), row(2, 4, 0.1), row(3, 3, 0.4), row(4, 2, 0.3), row(9, 9, null), row(5, 1, 0.5)];
  const across = acrossArchitectures(rows);
  assert.ok(across);
  close(across.meanSegmentVsTestError.spearman, 0.8, 1e-12, 'rho (segment)');
  close(across.toScoreVsTestError.spearman, -0.8, 1e-12, 'rho (TO sum)');
  assert.equal(across.meanSegmentVsTestError.n, 5);
  assert.equal(acrossArchitectures([row(1, 1, 0.1), row(2, 2, 0.2), row(3, 3, null)]), null);
});

test('batched MLP engine: losses, errors and gradients of P networks at once match a float64 reference', () => {
  const rand = mulberry32(3);
  const cases: { hidden: number[]; acts: DenseSpec['activation'][] }[] = [
    { hidden: [8, 12], acts: ['relu', 'relu'] }, // first layer a multiple of 8: one product for all points
    { hidden: [16], acts: ['sigmoid'] },
    { hidden: [6, 5], acts: ['tanh', 'tanh'] }, // per-point first layer
  ];
  for (const { hidden, acts } of cases) {
    const D = 7;
    const C = 3;
    const B = 5;
    const layers: DenseSpec[] = [];
    let I = D;
    hidden.forEach((h, i) => {
      layers.push({ name: `d${i}`, inUnits: I, units: h, bias: i % 2 === 0, activation: acts[i] });
      I = h;
    });
    layers.push({ name: 'out', inUnits: I, units: C, bias: true, activation: 'linear' });
    const dim = parameterCount(layers);
    const points = Array.from({ length: 3 }, () => Float64Array.from({ length: dim }, () => Math.fround(rand() - 0.5)));
    const x = Float32Array.from({ length: B * D }, () => rand());
    const y = Int32Array.from({ length: B }, () => Math.floor(rand() * C));
    const engine = new MlpBatch(layers, 4, B);
    const grads = points.map(() => new Float64Array(dim));
    const loss = engine.lossAndGrad(points, x, y, grads);
    const evaluated = engine.evaluate(points, x, y);
    points.forEach((p, k) => {
      const ref = referenceLoss(layers, p, x, y);
      close(loss[k], ref.loss, 1e-5, `${hidden} loss of point ${k}`);
      close(evaluated.loss[k], ref.loss, 1e-5, `${hidden} evaluated loss of point ${k}`);
      assert.equal(evaluated.error[k], ref.error);
      const g = referenceGradient(layers, p, x, y);
      for (let i = 0; i < dim; i++) close(grads[k][i], g[i], 1e-5, `${hidden} gradient ${i} of point ${k}`);
    });
    // Evaluation over more samples than the batch (chunks, zero-padded tail) equals the reference too.
    const x2 = Float32Array.from({ length: 13 * D }, () => rand());
    const y2 = Int32Array.from({ length: 13 }, () => Math.floor(rand() * C));
    const e2 = engine.evaluate(points, x2, y2);
    points.forEach((p, k) => close(e2.loss[k], referenceLoss(layers, p, x2, y2).loss, 1e-5, 'chunked evaluation'));
    // A polyline through the points, evaluated from the vertices' first-layer products, equals the float64
    // reference at every interpolated point, for per = 1 (vertices only) and 4 (chunks of points spanning
    // several segments), and through the fallback when the engine holds too few points to interpolate.
    for (const [per, maxPoints] of [[1, 4], [4, 4], [3, 6], [2, 2]]) {
      const polyEngine = new MlpBatch(layers, maxPoints, B);
      const onLine = polyEngine.evaluatePolyline(points, per, x2, y2);
      assert.equal(onLine.length, (points.length - 1) * per + 1);
      onLine.forEach((l, q) => {
        const s = Math.min(Math.floor(q / per), points.length - 2);
        const f = (q - s * per) / per;
        const theta = points[s].map((a, i) => (1 - f) * a + f * points[s + 1][i]);
        close(l, referenceLoss(layers, theta, x2, y2).loss, 1e-5, `${hidden} polyline point ${q} (per ${per}, ${maxPoints} points)`);
      });
    }
  }
});
