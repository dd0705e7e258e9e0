/**
 * The Loss Barcode analysis on real (small) MNIST MLP runs: barrier invariants, the optimised path below the
 * straight line, per-pair caching and resume after a cancel, study folders, the CLI's JSON shape, and bad
 * input refused with a clear message before anything is written.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trainRun } from '../../../analysis/training/train';
import { parseTrainConfig, type TrainConfigInput } from '../../../analysis/spec/trainConfig';
import { computeLossBarcode } from '../../../analysis/analyses/lossBarcode/analysis';
import { computeToScoreTable } from '../../../analysis/analyses/lossBarcode/toScoreTable';
import { CancelledError, plainContext } from '../../../analysis/analyses/definition';
import { createStudyFromRuns, removeRunFromStudy } from '../../../analysis/store/studyStore';
import { listCheckpoints } from '../../../analysis/store/runStore';
import { decodeSafetensors, encodeSafetensors } from '../../../analysis/store/safetensors';
import { lossBarcodeJson, lossBarcodeParams } from '../../../analysis/cli/commands/lossBarcode';
import { formatToScoreTable, toScoreJson, toScoreParams } from '../../../analysis/cli/commands/toScore';
import type { LossBarcodeParams } from '../../../analysis/worker/protocol/lossBarcode';

let root = '';
const runs: Record<string, string> = {};

const config = (hidden: number[], seed: number): TrainConfigInput => ({
  dataset: { kind: 'mnist', subset: 'stratified', trainSize: 500, testSize: 200 },
  model: { kind: 'mlp', hidden, activation: 'relu', bias: true },
  optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 },
  batchSize: 50,
  epochs: 6,
  seeds: { init: seed, shuffle: seed, probe: 1 },
  checkpoints: { kind: 'log', count: 4 },
  probe: { size: 50, split: 'test' },
  evaluation: { trainSize: 'all', testSize: 'all' },
});

async function train(name: string, input: TrainConfigInput): Promise<string> {
  const r = await trainRun({ config: parseTrainConfig(input, name), runsRoot: root, name, backend: 'wasm', isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
  assert.equal(r.status, 'completed', `${name}: ${r.error?.message}`);
  return r.runDir;
}

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-lossbarcode-'));
  for (const s of [1, 2, 3]) runs[`s${s}`] = await train(`w16-s${s}`, config([16], s));
  runs.wide = await train('w24-s1', config([24], 1));
});

after(() => fs.rmSync(root, { recursive: true, force: true }));

const fast = (runDirs: string[], over: Partial<LossBarcodeParams> = {}): LossBarcodeParams => ({ runDirs, points: 5, iterations: 30, maxPoints: 7, evalSize: 200, interpolate: 2, ...over });
const analysisDirs = () => Object.values(runs).filter((d) => fs.existsSync(path.join(d, 'analysis', 'lossBarcodePair')));

test('three minima: barriers >= both endpoints, optimised <= straight, symmetric matrices, one infinite bar', async () => {
  const dirs = [runs.s1, runs.s2, runs.s3];
  const r = await computeLossBarcode(fast(dirs, { force: true, threads: 1 }));
  assert.equal(r.minima.length, 3);
  assert.equal(r.pairsDone, 3);
  assert.equal(r.architecture, 'mlp 784-16-10 relu');
  for (let i = 0; i < 3; i++) {
    assert.equal(r.barriers[i][i], r.minima[i].loss);
    assert.ok(r.minima[i].testError !== null && r.minima[i].testError! > 0 && r.minima[i].testError! < 0.5);
    assert.ok(r.minima[i].initLoss! > 2, `f at initialisation ~ ln 10: ${r.minima[i].initLoss}`);
    for (let j = 0; j < 3; j++) {
      if (i === j) continue;
      const b = r.barriers[i][j] as number;
      assert.equal(b, r.barriers[j][i]);
      assert.equal(r.straightBarriers[i][j], r.straightBarriers[j][i]);
      assert.ok(b >= r.minima[i].loss && b >= r.minima[j].loss, `barrier ${b} below an endpoint`);
      assert.ok(b <= (r.straightBarriers[i][j] as number), `optimised ${b} above straight ${r.straightBarriers[i][j]}`);
    }
  }
  assert.ok(r.pairs.some((p) => p.straightBarrier > Math.max(r.minima[p.i].loss, r.minima[p.j].loss) + 0.05), 'straight lines between independent minima rise');
  assert.equal(r.bars.filter((b) => b[1] === null).length, 1);
  const g = r.bars.findIndex((b) => b[1] === null);
  assert.equal(r.minima[g].loss, Math.min(...r.minima.map((m) => m.loss)), 'the global minimum lives forever');
  assert.equal(r.mergedInto[g], null);
  for (const p of r.pairs) {
    assert.equal(p.t.length, p.loss.length);
    assert.equal(p.barrier, Math.max(...p.loss, r.minima[p.i].loss, r.minima[p.j].loss));
  }
  // The CLI's --json object: exactly the documented fields.
  const json = lossBarcodeJson(r) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json), ['minima', 'barriers', 'straightBarriers', 'bars', 'mergedInto', 'toScore']);
  assert.deepEqual(Object.keys((json.minima as object[])[0]), ['runDir', 'loss', 'testError']);
  assert.equal(JSON.parse(JSON.stringify(json)).bars[g][1], null);
  // Pairs on two worker threads: the same numbers, bit for bit.
  const threaded = await computeLossBarcode(fast(dirs, { force: true, threads: 2 }));
  assert.deepEqual(threaded.barriers, r.barriers);
  assert.deepEqual(threaded.straightBarriers, r.straightBarriers);
  assert.deepEqual(threaded.pairs.map((p) => p.loss), r.pairs.map((p) => p.loss));
});

test('pairs are cached one by one: a cancelled study resumes with the pairs it had not finished', async () => {
  const dirs = [runs.s1, runs.s2, runs.s3];
  const params = fast(dirs, { seed: 7, iterations: 20, threads: 1 });
  let finished = 0;
  const cancelling = plainContext({ isCancelled: () => finished >= 1, onProgress: (_f, m) => { if (m?.endsWith('done')) finished++; } });
  await assert.rejects(computeLossBarcode(params, cancelling), CancelledError);
  // The live view: only what is cached, nothing computed; the unconnected minima keep infinite bars.
  const partial = await computeLossBarcode({ ...params, cachedOnly: true });
  assert.equal(partial.pairsDone, 1);
  assert.equal(partial.pairsTotal, 3);
  assert.equal(partial.bars.filter((b) => b[1] === null).length, 2);
  assert.equal(partial.barriers.flat().filter((v) => v === null).length, 4);
  const computed: string[] = [];
  const r = await computeLossBarcode(params, plainContext({ onProgress: (_f, m) => { if (m && !m.endsWith('done') && m.startsWith('pair')) computed.push(m); } }));
  assert.deepEqual([...new Set(computed)], ['pair 2/3', 'pair 3/3'], 'only the unfinished pairs are computed again');
  const again: string[] = [];
  const r2 = await computeLossBarcode(params, plainContext({ onProgress: (_f, m) => { if (m && !m.endsWith('done') && m.startsWith('pair')) again.push(m); } }));
  assert.deepEqual(again, [], 'everything cached');
  assert.deepEqual(r2.barriers, r.barriers);
  // Cancelled while pairs run on threads: rejected at once, the threads stopped.
  let cancelled = false;
  const started = Date.now();
  const pending = computeLossBarcode({ ...params, seed: 8, threads: 2 }, plainContext({ isCancelled: () => cancelled, onProgress: (_f, m) => { if (m?.startsWith('pair')) cancelled = true; } }));
  await assert.rejects(pending, CancelledError);
  assert.ok(Date.now() - started < 20000);
});

test('a study folder: its completed members; several architectures need --architecture', async () => {
  const study = createStudyFromRuns('barcode test', [runs.s1, runs.s2, runs.wide]);
  assert.throws(() => lossBarcodeParams([study.dir], { pairs: 'all' }), /holds 2 architectures \("mlp 784-16-10 relu" x2, "mlp 784-24-10 relu" x1\); choose one with --architecture/);
  const p = lossBarcodeParams([study.dir], { pairs: 'all', architecture: 'mlp 784-16-10 relu' });
  assert.deepEqual(p.runDirs.sort(), [runs.s1, runs.s2].sort());
  assert.equal(p.studyDir, study.dir);
  const r = await computeLossBarcode({ ...fast(p.runDirs), studyDir: p.studyDir });
  assert.equal(r.minima.length, 2);
  assert.ok(fs.readdirSync(path.join(study.dir, 'analysis', 'lossBarcodePair')).length === 1, 'the pair is cached in the study folder');
  assert.throws(() => lossBarcodeParams([study.dir], { pairs: 'all', architecture: 'mlp 1-2-3' }), /--architecture "mlp 1-2-3": none of the runs has it/);
});

test('TO-score table: one row per architecture with 2+ minima, the others listed as skipped; its barcodes equal the Loss Barcode', async () => {
  const settings = fast([runs.s1, runs.s2, runs.s3, runs.wide], { threads: 1 });
  const table = await computeToScoreTable(settings);
  assert.equal(table.rows.length, 1);
  const row = table.rows[0];
  assert.equal(row.architecture, 'mlp 784-16-10 relu');
  assert.equal(row.depth, 1);
  assert.equal(row.width, 16);
  assert.equal(row.parameters, 784 * 16 + 16 + 16 * 10 + 10);
  assert.equal(row.minima, 3);
  assert.equal(table.acrossArchitectures, null, 'one architecture: no correlation across architectures');
  assert.deepEqual(table.skipped, [{ architecture: 'mlp 784-24-10 relu', runs: 1, reason: 'needs at least 2 completed minima' }]);
  const single = await computeLossBarcode(fast([runs.s1, runs.s2, runs.s3], { threads: 1 }));
  assert.deepEqual(row.toScore, single.toScore);
  const finite = single.bars.filter((b) => b[1] !== null).map((b) => (b[1] as number) - b[0]);
  assert.equal(row.maxSegment, Math.max(...finite));
  assert.equal(row.meanSegment, finite.reduce((a, b) => a + b, 0) / finite.length);
  await assert.rejects(computeToScoreTable(fast([runs.s1, runs.wide])), /no architecture has 2 or more completed minima \(mlp 784-16-10 relu: 1, mlp 784-24-10 relu: 1\)/);
});

test('to-score CLI: a study folder gives every member run; the table and --json carry the rows of the analysis', async () => {
  for (const d of [runs.s1, runs.s2, runs.s3, runs.wide]) removeRunFromStudy(d); // an earlier test grouped some
  const study = createStudyFromRuns('to-score test', [runs.s1, runs.s2, runs.s3, runs.wide]);
  const params = toScoreParams([study.dir], { pairs: 'all', points: 5, iterations: 30, evalSize: 200, interpolate: 2, threads: 1, json: true });
  assert.equal(params.studyDir, study.dir);
  assert.deepEqual([...params.runDirs].sort(), [runs.s1, runs.s2, runs.s3, runs.wide].sort());
  assert.equal('json' in params, false, 'output flags are not analysis settings (they would change the cache key)');
  const table = await computeToScoreTable({ ...params, maxPoints: 7 });
  const json = toScoreJson(table) as { rows: { architecture: string; minima: number; toScore: unknown }[]; skipped: unknown[] };
  assert.deepEqual(json.rows.map((r) => [r.architecture, r.minima]), [['mlp 784-16-10 relu', 3]]);
  assert.deepEqual(json.rows[0].toScore, table.rows[0].toScore);
  assert.equal(json.skipped.length, 1);
  const text = formatToScoreTable(table);
  assert.match(text, new RegExp(`^mlp 784-16-10 relu\\s+3\\s+${table.rows[0].toScore.sum.toFixed(3)}\\s`, 'm'));
  assert.match(text, /not in the table: mlp 784-24-10 relu, 1 run: needs at least 2 completed minima/);
});

test('bad input: one run, different architectures, a diverged minimum: clear messages, nothing written', async () => {
  const before = analysisDirs().length;
  await assert.rejects(computeLossBarcode(fast([runs.s1])), /needs at least 2 minima \(runs\), got 1 .*train more seeds/);
  await assert.rejects(computeLossBarcode(fast([runs.s1, runs.wide])), /runs of different architectures: .* is mlp 784-16-10 relu, .* is mlp 784-24-10 relu/);
  assert.throws(() => lossBarcodeParams([runs.s1, runs.wide], { pairs: 'all' }), /runs of different architectures/);
  // A diverged copy of s3: NaN weights in its last checkpoint.
  const diverged = path.join(root, 'diverged');
  fs.cpSync(runs.s3, diverged, { recursive: true });
  fs.rmSync(path.join(diverged, 'analysis'), { recursive: true, force: true });
  const last = listCheckpoints(diverged).at(-1)!.file;
  const { tensors, metadata } = decodeSafetensors(fs.readFileSync(last), last);
  tensors['dense1/kernel'].data[3] = NaN;
  fs.writeFileSync(last, encodeSafetensors(tensors, metadata));
  await assert.rejects(computeLossBarcode(fast([runs.s1, diverged])), /dense1\/kernel holds NaN: the run diverged/);
  assert.equal(analysisDirs().length, before);
  assert.ok(!fs.existsSync(path.join(diverged, 'analysis')), 'nothing written for a refused barcode');
  await assert.rejects(computeLossBarcode(fast([runs.s1, runs.s2], { points: 1 })), /points must be an integer >= 2/);
  await assert.rejects(computeLossBarcode(fast([runs.s1, path.join(root, 'nope')])), /nope.*run\.json: missing/);
});
