/**
 * The worker's JSON-RPC handlers over a pair of in-memory streams: training with progress and
 * cancellation, listing runs (including a corrupt one), and the weight-barcode analysis checked against
 * a brute-force single-linkage computation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { withWorker } from './inMemoryWorker';
import { RunStartedNotification, TrainProgressType, TrainRequest, type RunStarted, type TrainParams } from '../../analysis/worker/protocol/training';
import { ListRunsRequest } from '../../analysis/worker/protocol/runs';
import { WeightBarcodeRequest, WeightBarcodeSeriesRequest } from '../../analysis/worker/protocol/weightBarcode';
import type { TrainConfigInput } from '../../analysis/spec/trainConfig';
import type { TrainProgress } from '../../analysis/worker/protocol/training';
import { readCheckpoint } from '../../analysis/store/runStore';
import { denseKernels, neuronCloud } from '../../analysis/analyses/neuronClouds';

function toyConfig(steps: number, checkpoints: number): TrainConfigInput {
  return {
    dataset: { kind: 'toy', shape: 'moons', trainSamples: 400, testSamples: 200, noise: 0.1, seed: 3 },
    model: { kind: 'mlp', hidden: [12], activation: 'relu', bias: true },
    init: { kind: 'he-normal' },
    optimizer: { kind: 'adam', lr: 0.02 },
    batchSize: 40,
    steps,
    checkpoints: { kind: 'even', count: checkpoints },
    probe: { size: 100, split: 'test' },
    evaluation: { trainSize: 200, testSize: 200 },
  };
}

function trainParams(runsRoot: string, steps: number, checkpoints: number, token: string): TrainParams {
  return { config: toyConfig(steps, checkpoints), runsRoot, name: 'proto', backend: 'cpu', progressToken: token, allowWorkspaceCode: false };
}

/** Single-linkage merge heights by Kruskal on the complete graph: the H0 deaths of Rips persistence. */
function singleLinkageHeights(data: Float64Array, n: number, d: number): number[] {
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) { const t = data[i * d + k] - data[j * d + k]; s += t * t; }
    edges.push([Math.sqrt(s), i, j]);
  }
  edges.sort((a, b) => a[0] - b[0]);
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  const heights: number[] = [];
  for (const [w, i, j] of edges) {
    const a = find(i), b = find(j);
    if (a !== b) { parent[a] = b; heights.push(w); }
  }
  return heights.filter((h) => h > 0).sort((a, b) => a - b);
}

test('train reports the run, progress and checkpoints, then the barcode matches single linkage', () => withWorker(async (client, root) => {
  const started: RunStarted[] = [];
  const progress: TrainProgress[] = [];
  client.onNotification(RunStartedNotification, (s) => started.push(s));
  client.onProgress(TrainProgressType, 'tok-1', (p) => progress.push(p));
  const result = await client.sendRequest(TrainRequest, trainParams(root, 40, 3, 'tok-1'));
  assert.equal(result.status, 'completed');
  assert.equal(started.length, 1);
  assert.equal(started[0].runDir, result.runDir);
  assert.ok(progress.length > 0, 'progress notifications arrive');
  assert.equal(progress[progress.length - 1].step, 40);
  assert.ok(progress.some((p) => p.checkpoint), 'a progress report names each checkpoint');

  const runs = await client.sendRequest(ListRunsRequest, { runsRoot: root });
  assert.equal(runs.length, 1);
  assert.deepEqual(runs[0].checkpoints.map((c) => c.step), [0, 20, 40]);

  const barcode = await client.sendRequest(WeightBarcodeRequest, { runDirs: [result.runDir], layer: 'dense1' });
  assert.equal(barcode.step, 40);
  assert.deepEqual(barcode.steps, [0, 20, 40]);
  assert.deepEqual(barcode.layers.map((l) => l.name), ['dense1', 'dense2']);
  assert.equal(barcode.nPoints, 12);
  assert.equal(barcode.pointDim, 2);
  const kernel = denseKernels(readCheckpoint(runs[0].checkpoints[2].file)).find((k) => k.layer === 'dense1');
  assert.ok(kernel);
  const cloud = neuronCloud(kernel.kernel);
  const h0 = barcode.bars.filter((b) => b.dim === 0);
  assert.equal(h0.filter((b) => b.death === null).length, 1, 'one essential H0 bar');
  assert.deepEqual(h0.filter((b) => b.death !== null).map((b) => b.death).sort((a, b) => (a as number) - (b as number)), singleLinkageHeights(cloud.data, cloud.n, cloud.d));
  for (const b of h0.filter((x) => x.death !== null)) assert.equal(b.deathSimplex.length, 2, 'an H0 bar is killed by an edge');

  // the default layer is the final one, and a second request is served from the cache
  const last = await client.sendRequest(WeightBarcodeRequest, { runDirs: [result.runDir] });
  assert.equal(last.layer, 'dense2');
  assert.equal(fs.readdirSync(path.join(result.runDir, 'analysis', 'weightBarcode')).length, 2, 'one cache file per (layer, step)');
  const again = await client.sendRequest(WeightBarcodeRequest, { runDirs: [result.runDir], step: 40 });
  assert.equal(again.computeMs, last.computeMs, 'the repeated request is the cached result');

  // the series summarises every checkpoint with the same numbers as the per-step barcodes
  const series = await client.sendRequest(WeightBarcodeSeriesRequest, { runDirs: [result.runDir], layer: 'dense1' });
  assert.deepEqual(series.points.map((p) => p.step), [0, 20, 40]);
  const at40 = series.points[2].perDim[0];
  const finite = h0.filter((b) => b.death !== null).map((b) => (b.death as number) - b.birth);
  assert.equal(at40.bars, h0.length);
  assert.ok(Math.abs(at40.total - finite.reduce((a, x) => a + x, 0)) < 1e-12);
  assert.equal(at40.longest, Math.max(...finite));
}));

test('cancelling a training resolves it as interrupted and keeps its checkpoints', () => withWorker(async (client, root) => {
  const cts = new CancellationTokenSource();
  client.onProgress(TrainProgressType, 'tok-2', (p) => { if (p.step >= 10) cts.cancel(); });
  const result = await client.sendRequest(TrainRequest, trainParams(root, 600, 2, 'tok-2'), cts.token);
  assert.equal(result.status, 'interrupted');
  const [entry] = await client.sendRequest(ListRunsRequest, { runsRoot: root });
  assert.equal(entry.run?.status, 'interrupted');
  assert.ok(entry.checkpoints.length >= 1, 'the step-0 checkpoint survives');

  // resuming an interrupted run goes through the same request and finishes it
  const resumed = await client.sendRequest(TrainRequest, { ...trainParams(root, 1, 2, 'tok-2b'), config: undefined, resumeRunDir: result.runDir });
  assert.equal(resumed.runDir, result.runDir);
  assert.equal(resumed.status, 'completed');
  const [after] = await client.sendRequest(ListRunsRequest, { runsRoot: root });
  assert.deepEqual(after.checkpoints.map((c) => c.step), [0, 600], 'the stored config (600 steps), not the request\'s, is resumed');
}));

test('a corrupt run is listed with a message naming its file, beside the good ones; bad requests get clear errors', () => withWorker(async (client, root) => {
  const result = await client.sendRequest(TrainRequest, trainParams(root, 4, 2, 'tok-3'));
  const broken = path.join(root, '20000101-000000-broken-0000');
  fs.mkdirSync(broken);
  fs.writeFileSync(path.join(broken, 'run.json'), '{"schemaVersion": 1, "id": "trunc');
  const runs = await client.sendRequest(ListRunsRequest, { runsRoot: root });
  assert.equal(runs.length, 2);
  const bad = runs.find((r) => r.dir === broken);
  assert.ok(bad?.problem?.includes(path.join(broken, 'run.json')), `problem names the file: ${bad?.problem}`);
  assert.equal(runs.find((r) => r.dir === result.runDir)?.run?.status, 'completed');

  await assert.rejects(client.sendRequest(WeightBarcodeRequest, { runDirs: [result.runDir], layer: 'nope' }), /no layer 'nope'.*dense1, dense2/);
  await assert.rejects(client.sendRequest(WeightBarcodeRequest, { runDirs: [result.runDir], step: 3 }), /no checkpoint at step 3/);
  await assert.rejects(client.sendRequest(WeightBarcodeRequest, { runDirs: [broken] }), /run\.json/);
  await assert.rejects(client.sendRequest(TrainRequest, { ...trainParams(root, 4, 2, 'tok-4'), config: { batchSize: -1 }, configSource: '/w/bad.json' }), /\/w\/bad\.json: invalid training config/);
  // an untrusted workspace never gets its model file executed, whichever way it is named
  const modelFile = path.join(root, 'evil.js');
  fs.writeFileSync(modelFile, `require('fs').writeFileSync(${JSON.stringify(path.join(root, 'pwned'))}, 'x'); exports.createModel = () => null;`);
  await assert.rejects(client.sendRequest(TrainRequest, { ...trainParams(root, 4, 2, 'tok-5'), config: { ...toyConfig(4, 2), modelFile } }), /trust the workspace/);
  await assert.rejects(client.sendRequest(TrainRequest, { ...trainParams(root, 4, 2, 'tok-6'), config: undefined, presetId: 'quick', modelFile }), /trust the workspace/);
  assert.equal(fs.existsSync(path.join(root, 'pwned')), false, 'the model file never ran');
}));

test('two trainings requested at once run one after the other (one tfjs backend per process)', () => withWorker(async (client, root) => {
  const [a, b] = await Promise.all([
    client.sendRequest(TrainRequest, trainParams(root, 30, 2, 'tok-q1')),
    client.sendRequest(TrainRequest, trainParams(root, 30, 2, 'tok-q2')),
  ]);
  assert.equal(a.status, 'completed');
  assert.equal(b.status, 'completed');
  const runs = await client.sendRequest(ListRunsRequest, { runsRoot: root });
  const [first, second] = [a, b].map((r) => runs.find((x) => x.dir === r.runDir)!.run!);
  assert.ok(Date.parse(second.timings.startedAt) >= Date.parse(first.timings.endedAt!), 'the second run starts after the first ended');
}));
