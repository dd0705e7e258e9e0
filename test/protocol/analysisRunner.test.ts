/**
 * The analysis runner over the real worker handlers and real worker threads: an analysis cancelled
 * mid-way is answered at once (the thread is stopped behind it), training keeps stepping while an analysis
 * computes, progress reaches the client, and an unknown analysis gets a clear error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource, ResponseError, RequestType } from 'vscode-jsonrpc';
import { withWorker } from './inMemoryWorker';
import { TrainProgressType, TrainRequest, type TrainParams } from '../../analysis/worker/protocol/training';
import { WeightBarcodeRequest, WeightBarcodeSeriesRequest } from '../../analysis/worker/protocol/weightBarcode';
import { AnalysisProgressType, type AnalysisProgress } from '../../analysis/worker/protocol/analysis';
import { WorkerErrorCode } from '../../analysis/worker/protocol/system';
import type { TrainConfigInput } from '../../analysis/spec/trainConfig';

function params(root: string, hidden: number[], steps: number, checkpoints: number, token: string): TrainParams {
  const config: TrainConfigInput = {
    dataset: { kind: 'toy', shape: 'moons', trainSamples: 400, testSamples: 200, noise: 0.1, seed: 3 },
    model: { kind: 'mlp', hidden, activation: 'relu', bias: true },
    init: { kind: 'he-normal' },
    optimizer: { kind: 'sgd', lr: 0.02 },
    batchSize: 40,
    steps,
    checkpoints: { kind: 'even', count: checkpoints },
    probe: { size: 100, split: 'test' },
    evaluation: { trainSize: 200, testSize: 200 },
  };
  return { config, runsRoot: root, name: token, backend: 'cpu', progressToken: token, allowWorkspaceCode: false };
}

test('a cancelled analysis is answered at once, and training steps on while an analysis computes', () => withWorker(async (client, root) => {
  // A run whose second layer has 200 neurons in R^90: its H3 barcode (billions of 4-simplices) takes far
  // longer than this test waits, even on a fast idle machine.
  const wide = await client.sendRequest(TrainRequest, params(root, [90, 200], 4, 2, 'wide'));
  assert.equal(wide.status, 'completed');

  const analysisCts = new CancellationTokenSource();
  const analysis = client.sendRequest(WeightBarcodeRequest, { runDirs: [wide.runDir], layer: 'dense2', maxDim: 3 }, analysisCts.token);
  const analysisOutcome = analysis.then(() => 'finished', (e: unknown) => e);

  // Meanwhile a training: its progress must keep arriving while the analysis computes.
  const steps: number[] = [];
  client.onProgress(TrainProgressType, 'busy', (p) => steps.push(p.step));
  const trainCts = new CancellationTokenSource();
  const training = client.sendRequest(TrainRequest, params(root, [16], 100_000, 2, 'busy'), trainCts.token);
  // Settled either way before any assertion can throw (a rejection must not go unobserved).
  const trainingOutcome = training.then((r) => r, (e: unknown) => e);
  while (steps.length < 5) await new Promise((r) => setTimeout(r, 50));
  const stepsBefore = steps[steps.length - 1];
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(steps[steps.length - 1] > stepsBefore, `training advanced from step ${stepsBefore} to ${steps[steps.length - 1]} while the analysis ran`);
  assert.equal(await Promise.race([analysisOutcome, new Promise((r) => setTimeout(() => r('pending'), 10))]), 'pending', 'the H3 barcode is still computing');

  const t0 = performance.now();
  analysisCts.cancel();
  const outcome = await analysisOutcome;
  const answeredMs = performance.now() - t0;
  assert.ok(outcome instanceof ResponseError, `cancelled analysis rejects (got ${String(outcome)})`);
  assert.equal(outcome.code, WorkerErrorCode.Cancelled);
  // Promptly: the computation had seconds of work left; the answer does not wait for it.
  assert.ok(answeredMs < 1000, `cancel answered in ${answeredMs.toFixed(0)} ms`);

  trainCts.cancel();
  const trained = await trainingOutcome;
  assert.ok(!(trained instanceof Error), `the training failed: ${String(trained)}`);
  assert.equal((trained as { status: string }).status, 'interrupted');

  // The runner is healthy afterwards: a new analysis on the same run succeeds.
  const small = await client.sendRequest(WeightBarcodeRequest, { runDirs: [wide.runDir], layer: 'dense1', maxDim: 1 });
  assert.equal(small.nPoints, 90);
}));

test('progress reaches the client; unknown analyses and malformed params get clear errors', () => withWorker(async (client, root) => {
  const run = await client.sendRequest(TrainRequest, params(root, [8], 30, 4, 'series'));
  const reports: AnalysisProgress[] = [];
  client.onProgress(AnalysisProgressType, 'series-progress', (p) => reports.push(p));
  const series = await client.sendRequest(WeightBarcodeSeriesRequest, { runDirs: [run.runDir], workDoneToken: 'series-progress' });
  assert.equal(series.points.length, 4);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(reports.map((r) => r.fraction), [0.25, 0.5, 0.75, 1]);
  assert.equal(reports[0].analysis, 'weightBarcodeSeries');

  await assert.rejects(client.sendRequest(new RequestType<object, unknown, void>('topolens/analysis/noSuchThing'), { runDirs: [] }), /unknown analysis "noSuchThing".*weightBarcode/);
  await assert.rejects(client.sendRequest(new RequestType<object, unknown, void>('topolens/analysis/weightBarcode'), { runDir: run.runDir }), /params need "runDirs"/);
  await assert.rejects(client.sendRequest(WeightBarcodeRequest, { runDirs: [run.runDir, run.runDir] }), /exactly one run folder/);
}));
