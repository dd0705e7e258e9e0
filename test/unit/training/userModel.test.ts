import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModelModule } from '../../../analysis/training/userModel';
import { trainRun } from '../../../analysis/training/train';
import { parseTrainConfig } from '../../../analysis/spec/trainConfig';
import { readCheckpoint, readRun } from '../../../analysis/store/runStore';

const MODEL_TS = `
import { HIDDEN } from './sizes';
interface Tf { sequential(): any; layers: any }
export function createModel(tf: Tf) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: HIDDEN, activation: 'tanh', inputShape: [2], name: 'hidden' }));
  m.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }));
  return m;
}
export const config = { epochs: 4 };
`;

test('a workspace TypeScript model (with a relative import) compiles, loads and trains; weights are named by its layers', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-usermodel-'));
  fs.writeFileSync(path.join(dir, 'sizes.ts'), 'export const HIDDEN: number = 6;\n');
  const file = path.join(dir, 'model.ts');
  fs.writeFileSync(file, MODEL_TS);
  const mod = await loadModelModule(file);
  assert.equal(typeof mod.createModel, 'function');
  assert.deepEqual(mod.config, { epochs: 4 });

  const config = parseTrainConfig({
    dataset: { kind: 'toy', shape: 'moons', trainSamples: 200, testSamples: 100 },
    modelFile: file, optimizer: { kind: 'adam', lr: 0.02 }, batchSize: 20, epochs: 10, checkpoints: { kind: 'even', count: 3 }, probe: { size: 20 },
  }, 'test');
  const r = await trainRun({ config, runsRoot: path.join(dir, 'runs'), backend: 'cpu', isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
  assert.equal(r.status, 'completed', r.error?.message);
  const last = readCheckpoint(readRun(r.runDir).checkpoints.at(-1)!.file);
  assert.deepEqual(Object.keys(last).sort(), ['hidden/bias', 'hidden/kernel', 'out/bias', 'out/kernel', 'probe/probs']);
  assert.deepEqual(last['hidden/kernel'].shape, [2, 6]);
  assert.ok(r.summary!.testAccuracy! > 0.75, `accuracy ${r.summary!.testAccuracy}`);
});

test('model file problems are reported with the file (and line for syntax errors)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-usermodel-'));
  const bad = path.join(dir, 'bad.ts');
  fs.writeFileSync(bad, 'export function createModel(tf) {\n  return tf.sequential(;\n}\n');
  await assert.rejects(loadModelModule(bad), /bad\.ts:2:\d+: /);
  const none = path.join(dir, 'none.js');
  fs.writeFileSync(none, 'module.exports = { something: 1 };');
  await assert.rejects(loadModelModule(none), /none\.js: does not export a function createModel\(tf\)/);
  await assert.rejects(loadModelModule(path.join(dir, 'missing.ts')), /missing\.ts: model file not found/);
});

test('a model importing @tensorflow/tfjs at run time shares the worker\'s tfjs (one engine), and ESM/CJS both load', async () => {
  const tf = await import('@tensorflow/tfjs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-usermodel-'));
  const esm = path.join(dir, 'esm.ts');
  fs.writeFileSync(esm, `import * as tfjs from '@tensorflow/tfjs';\nimport { width } from './lib/width.js';\nexport const engine = tfjs.engine();\nexport function createModel() { return width; }\n`);
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.writeFileSync(path.join(dir, 'lib', 'width.ts'), 'export const width: number = 7;\n');
  const mod = await loadModelModule(esm);
  assert.equal(mod.createModel(tf as never), 7, 'the ./lib/width.js import resolves to width.ts');
  const { loadSourceModule } = await import('../../../analysis/training/moduleLoader');
  assert.equal(loadSourceModule(esm).engine, tf.engine(), 'same tfjs engine as the worker');
  const cjs = path.join(dir, 'cjs.js');
  fs.writeFileSync(cjs, `const tfjs = require('@tensorflow/tfjs');\nmodule.exports = { createModel: () => tfjs.engine() };\n`);
  assert.equal((await loadModelModule(cjs)).createModel(tf as never), tf.engine());
  fs.writeFileSync(path.join(dir, 'broken-import.ts'), `import { nope } from './missing';\nexport function createModel() { return nope; }\n`);
  await assert.rejects(loadModelModule(path.join(dir, 'broken-import.ts')), /broken-import\.ts: cannot find '\.\/missing'/);
});
