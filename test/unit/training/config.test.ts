import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configWarnings, parseTrainConfig } from '../../../analysis/spec/trainConfig';
import { checkpointSteps, learningRate } from '../../../analysis/training/schedules';
import { getPreset, PRESETS, STUDIES, studyRunConfig } from '../../../analysis/training/presets';

const minimal = { dataset: { kind: 'toy', shape: 'moons' }, model: { kind: 'mlp', hidden: [8] }, optimizer: { kind: 'sgd', lr: 0.1 }, batchSize: 10, steps: 5 };

test('parseTrainConfig fills defaults and reports every bad field with its path and the source', () => {
  const c = parseTrainConfig(minimal, 'x');
  assert.equal(c.init.kind, 'glorot-uniform');
  assert.deepEqual(c.seeds, { init: 1, shuffle: 1, probe: 1 });
  assert.equal(c.probe.size, 1000);
  assert.deepEqual(c.checkpoints, { kind: 'even', count: 21 });
  assert.throws(
    () => parseTrainConfig({ ...minimal, batchSize: 0, optimizer: { kind: 'rmsprop' } }, 'my.json'),
    (e: Error) => /^my\.json: invalid training config/.test(e.message) && /batchSize/.test(e.message) && /optimizer\.kind/.test(e.message),
  );
  assert.throws(() => parseTrainConfig({ ...minimal, epochs: 2 }, 'p'), /exactly one of "epochs" and "steps"/);
  const { steps: _s, ...noLength } = minimal;
  assert.throws(() => parseTrainConfig(noLength, 'p'), /exactly one of "epochs" and "steps"/);
});

test('modelFile shorthand becomes a file model', () => {
  const c = parseTrainConfig({ ...minimal, modelFile: '/w/model.ts' }, 'x');
  assert.deepEqual(c.model, { kind: 'file', path: '/w/model.ts' });
  assert.equal((c as Record<string, unknown>).modelFile, undefined);
});

test('configWarnings: zero init with relu/tanh warns, with sigmoid (SPEC A) does not', () => {
  const zr = parseTrainConfig({ ...minimal, init: { kind: 'zeros' } }, 'x');
  assert.match(configWarnings(zr)[0], /Zero initialisation with relu hidden units cannot learn/);
  const zt = parseTrainConfig({ ...minimal, model: { kind: 'mlp', hidden: [4], activation: 'tanh' }, init: { kind: 'zeros' } }, 'x');
  assert.match(configWarnings(zt)[0], /tanh/);
  assert.deepEqual(configWarnings(getPreset('gabella-zero').config), []);
  assert.deepEqual(configWarnings(getPreset('quick').config), []);
});

test('every preset and study run is a valid config with a documented source', () => {
  assert.ok(PRESETS.length >= 10);
  for (const p of PRESETS) {
    assert.ok(p.source.length > 5 && p.description.length > 10, p.id);
    assert.deepEqual(parseTrainConfig(p.config, p.id), p.config);
  }
  for (const s of STUDIES) for (const r of s.runs) assert.ok(studyRunConfig(r).batchSize > 0);
  assert.equal(STUDIES.find((s) => s.id === 'barcode-width')!.runs.length, 24);
  assert.throws(() => getPreset('nope'), /unknown preset "nope"; known presets: quick/);
});

test('gabella presets are the SPEC A reference experiment: 201 checkpoints every 210 of 42,000 batches', () => {
  const c = getPreset('gabella-zero').config;
  assert.deepEqual(c.model, { kind: 'mlp', hidden: [100, 100], activation: 'sigmoid', bias: false });
  assert.deepEqual(c.optimizer, { kind: 'sgd', lr: 0.05, momentum: 0, nesterov: false });
  assert.equal(c.batchSize, 100);
  assert.equal(c.epochs, 70);
  const steps = checkpointSteps(c.checkpoints, (60000 / 100) * 70);
  assert.equal(steps.length, 201);
  steps.forEach((s, i) => assert.equal(s, 210 * i));
  assert.deepEqual(getPreset('gabella-tiny').config.init, { kind: 'normal', std: 1e-6 });
});

test('checkpoint schedules: every K, N evenly, log-spaced; always 0 and the last step', () => {
  assert.deepEqual(checkpointSteps({ kind: 'every', steps: 4 }, 10), [0, 4, 8, 10]);
  assert.deepEqual(checkpointSteps({ kind: 'even', count: 5 }, 100), [0, 25, 50, 75, 100]);
  const log = checkpointSteps({ kind: 'log', count: 67 }, 10000);
  assert.equal(log.length, 67);
  assert.equal(log[0], 0);
  assert.equal(log[1], 1);
  assert.equal(log[66], 10000);
  for (let i = 1; i < log.length; i++) assert.ok(log[i] > log[i - 1]);
  // Dense early: a quarter of the checkpoints fall in the first 1% of training.
  assert.ok(log.filter((s) => s <= 100).length >= 17);
  assert.deepEqual(checkpointSteps({ kind: 'log', count: 10 }, 5), [0, 1, 2, 3, 4, 5]);
});

test('learning-rate schedules at known steps', () => {
  assert.equal(learningRate(0.1, { kind: 'constant' }, 77, 100), 0.1);
  assert.equal(learningRate(0.1, { kind: 'step', everySteps: 10, gamma: 0.5 }, 10, 100), 0.1);
  assert.equal(learningRate(0.1, { kind: 'step', everySteps: 10, gamma: 0.5 }, 11, 100), 0.05);
  assert.equal(learningRate(0.1, { kind: 'step', everySteps: 10, gamma: 0.5 }, 31, 100), 0.0125);
  assert.equal(learningRate(0.1, { kind: 'cosine', minLr: 0 }, 1, 100), 0.1);
  assert.ok(Math.abs(learningRate(0.1, { kind: 'cosine', minLr: 0 }, 51, 100) - 0.05) < 1e-12);
  assert.ok(Math.abs(learningRate(0.1, { kind: 'cosine', minLr: 0.01 }, 101, 100) - 0.01) < 1e-12);
});
