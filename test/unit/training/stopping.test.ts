import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PlateauDetector } from '../../../analysis/training/stopping';
import { trainRun } from '../../../analysis/training/train';
import type { TrainConfigInput } from '../../../analysis/spec/trainConfig';
import { moonsConfig } from './moonsConfig';
import { readMetrics, readRun } from '../../../analysis/store/runStore';

function tmp(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-stopping-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const moons = (over: Partial<TrainConfigInput> = {}) => moonsConfig({ epochs: 60, checkpoints: { kind: 'every', steps: 50 }, logEvery: 1, ...over });

test('plateau rule: stops after `patience` epochs in a row without an improvement larger than minDelta', () => {
  const rule = { kind: 'train-loss-plateau' as const, patience: 3, minDelta: 0.01 };
  const fire = (losses: number[]) => {
    const d = new PlateauDetector(rule);
    return losses.findIndex((l) => d.observeEpoch(l));
  };
  assert.equal(fire([1, 0.5, 0.495, 0.494, 0.493, 0.1]), 4); // epochs 3-5 improve by < 0.01 on the best
  assert.equal(fire([1, 0.5, 0.495, 0.48, 0.479, 0.478, 0.477]), 6); // 0.48 is 0.02 below the best: the count restarts
  assert.equal(fire([1, 0.9, 0.8, 0.7, 0.6]), -1);
  assert.equal(fire([1, 1.2, 1.1, 0.995]), 3); // worse epochs count too; 0.995 is within minDelta of the best
  // Small steps that add up are not an improvement each: the best moves with them.
  assert.equal(fire([1, 0.995, 0.99, 0.985, 0.98]), 3);
});

test('a run with the plateau rule stops at the epoch the rule picks from its own per-step losses, with a final checkpoint and the rule recorded', async (t) => {
  const root = tmp(t);
  const config = moons({ stopping: { kind: 'train-loss-plateau', patience: 2, minDelta: 0.02 } });
  const r = await trainRun({ config, runsRoot: root, backend: 'cpu', isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
  assert.equal(r.status, 'completed');
  const { run, checkpoints } = readRun(r.runDir);
  const stepsPerEpoch = Math.ceil(200 / 32);
  assert.equal(run!.stop!.rule, 'train-loss-plateau');
  const stopStep = run!.stop!.step;
  assert.ok(stopStep < 60 * stepsPerEpoch, `stopped at ${stopStep}, the budget is ${60 * stepsPerEpoch}`);
  assert.equal(stopStep % stepsPerEpoch, 0);
  assert.equal(run!.stop!.epoch, stopStep / stepsPerEpoch);
  assert.equal(checkpoints.at(-1)!.step, stopStep, 'the last step run is a checkpoint (the minimum)');
  assert.equal(run!.summary!.step, stopStep);

  // Independent re-derivation from metrics.jsonl (one train record per step): epoch means, then the rule.
  const losses = readMetrics(r.runDir).filter((m) => m.kind === 'train').map((m) => m.loss as number);
  assert.equal(losses.length, stopStep);
  let best = Infinity;
  let stale = 0;
  let expected = -1;
  for (let e = 0; e * stepsPerEpoch < losses.length && expected < 0; e++) {
    const epoch = losses.slice(e * stepsPerEpoch, (e + 1) * stepsPerEpoch);
    const mean = epoch.reduce((a, b) => a + b, 0) / epoch.length;
    if (mean < best - 0.02) { best = mean; stale = 0; } else { best = Math.min(best, mean); stale++; }
    if (stale >= 2) expected = (e + 1) * stepsPerEpoch;
  }
  assert.equal(stopStep, expected);
});

test('without a stopping rule, run.json says the step budget ended the run', async (t) => {
  const root = tmp(t);
  const r = await trainRun({ config: moons({ epochs: 2 }), runsRoot: root, backend: 'cpu', isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
  const run = readRun(r.runDir).run!;
  assert.deepEqual({ rule: run.stop!.rule, step: run.stop!.step }, { rule: 'max-steps', step: 14 });
});

test('bad stopping settings name the field', () => {
  assert.throws(() => moons({ stopping: { kind: 'train-loss-plateau', patience: 0 } }), /stopping\.patience/);
  assert.throws(() => moons({ stopping: { kind: 'train-loss-plateau', minDelta: -1 } }), /stopping\.minDelta/);
});
