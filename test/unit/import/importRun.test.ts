/**
 * `topolens import` end to end: a PyTorch-style [out, in] MLP with known weights, written as safetensors by
 * the test's own writer, imports into a run whose analyses (weight barcode, neuron clouds, weight-tree
 * trajectories, prediction manifold) equal those of a native run holding the same weights; real NumPy /
 * torch files import with the right orientation; every bad input fails with the file and tensor named and
 * leaves the runs folder as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importCheckpoints } from '../../../analysis/import/importRun';
import { encodeSafetensors, type NamedTensor } from '../../../analysis/store/safetensors';
import { listRuns, readCheckpoint, readRun, writeRunJson } from '../../../analysis/store/runStore';
import { checkpointPath, PROBE_FILE } from '../../../analysis/store/runLayout';
import { RUN_SCHEMA_VERSION } from '../../../analysis/spec/runFormat';
import { getPreset } from '../../../analysis/training/presets';
import { computeWeightBarcode } from '../../../analysis/analyses/weightBarcode/barcode';
import { denseKernels, neuronCloud } from '../../../analysis/analyses/neuronClouds';
import { trajectoryCloud } from '../../../analysis/analyses/weightTrees/trajectoryCloud';
import { computePredictionManifold } from '../../../analysis/analyses/predictionManifold/analysis';
import { computeRunCurves } from '../../../analysis/analyses/runCurves/analysis';
import { panelRunInfo } from '../../../extension/panels/runInfo';
import { PANELS } from '../../../extension/panels/registry';
import { f32Bytes, npyBytes, runPython, safetensorsBytes } from './writers';
import { withTmp } from './withTmp';

const SIZES = [6, 5, 3]; // an MLP 6-5-3: fc1 [5, 6], fc2 [3, 5] in PyTorch's [out, in]
const STEPS = [0, 10, 20, 40];
const PROBE = 7;

/** Known weights: W_l[o][i] at step s (float32), bias b_l[o]. */
const weight = (l: number, o: number, i: number, s: number) => Math.fround(Math.sin(1.3 * o + 0.7 * i + 0.9 * l + 0.031 * s) * (1 + 0.01 * s));
const bias = (l: number, o: number, s: number) => Math.fround(Math.cos(o + l + 0.05 * s));
/** Probe predictions at step s: rows of a softmax (float32), labels fixed. */
function probs(s: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < PROBE; r++) {
    const z = [0, 1, 2].map((c) => Math.sin(r + c * 1.7 + 0.02 * s) * 2);
    const e = z.map(Math.exp);
    const sum = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((x) => Math.fround(x / sum)));
  }
  return out;
}
const LABELS = [0, 1, 2, 2, 1, 0, 1];

function torchLayer(l: number, s: number): { w: number[]; b: number[] } {
  const [inDim, outDim] = [SIZES[l], SIZES[l + 1]];
  const w: number[] = [];
  for (let o = 0; o < outDim; o++) for (let i = 0; i < inDim; i++) w.push(weight(l, o, i, s));
  return { w, b: Array.from({ length: outDim }, (_, o) => bias(l, o, s)) };
}

/** The source folder: PyTorch state_dict names, [out, in], one safetensors file per step, plus predictions. */
function writeTorchFolder(dir: string, options: { predictions?: boolean; metrics?: boolean } = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const s of STEPS) {
    const t: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }> = {};
    // Deliberately not in model order, and with a tensor that is no layer (BatchNorm-style counter).
    for (const l of [1, 0]) {
      const { w, b } = torchLayer(l, s);
      t[`fc${l + 1}.weight`] = { dtype: 'F32', shape: [SIZES[l + 1], SIZES[l]], bytes: f32Bytes(w) };
      t[`fc${l + 1}.bias`] = { dtype: 'F32', shape: [SIZES[l + 1]], bytes: f32Bytes(b) };
    }
    t['bn.num_batches_tracked'] = { dtype: 'I64', shape: [], bytes: new Uint8Array(8) };
    fs.writeFileSync(path.join(dir, `model_step${s}.safetensors`), safetensorsBytes(t));
  }
  if (options.predictions) {
    fs.mkdirSync(path.join(dir, 'predictions'));
    for (const s of STEPS) fs.writeFileSync(path.join(dir, 'predictions', `step-${s}.npy`), npyBytes('<f4', [PROBE, 3], f32Bytes(probs(s))));
    const lab = Buffer.alloc(PROBE * 8);
    LABELS.forEach((y, i) => lab.writeBigInt64LE(BigInt(y), i * 8));
    fs.writeFileSync(path.join(dir, 'predictions', 'labels.npy'), npyBytes('<i8', [PROBE], new Uint8Array(lab)));
  }
  if (options.metrics) fs.writeFileSync(path.join(dir, 'metrics.csv'), 'epoch,step,loss,accuracy,val_loss,val_accuracy,lr\n0,0,2.0,0.3,2.1,0.25,0.1\n1,20,1.0,0.6,1.2,0.55,0.1\n2,40,0.5,0.8,0.7,0.75,0.05\n');
}

/** The same network as TopoLens stores it: `fc<l>/kernel` [in, out], a trained run.json, probe file. */
function writeNativeRun(runsRoot: string): string {
  const runDir = path.join(runsRoot, '20260101-000000-native-0000');
  fs.mkdirSync(path.join(runDir, 'checkpoints'), { recursive: true });
  const now = new Date().toISOString();
  writeRunJson(runDir, { schemaVersion: RUN_SCHEMA_VERSION, id: path.basename(runDir), name: 'native', createdAt: now, status: 'completed', backend: 'cpu', config: getPreset('quick').config, timings: { startedAt: now } });
  for (const s of STEPS) {
    const tensors: Record<string, NamedTensor> = {};
    for (let l = 0; l < 2; l++) {
      const [inDim, outDim] = [SIZES[l], SIZES[l + 1]];
      const k = new Float32Array(inDim * outDim);
      for (let i = 0; i < inDim; i++) for (let o = 0; o < outDim; o++) k[i * outDim + o] = weight(l, o, i, s);
      tensors[`fc${l + 1}/kernel`] = { dtype: 'F32', shape: [inDim, outDim], data: k };
      tensors[`fc${l + 1}/bias`] = { dtype: 'F32', shape: [outDim], data: Float32Array.from(torchLayer(l, s).b) };
    }
    tensors['probe/probs'] = { dtype: 'F32', shape: [PROBE, 3], data: Float32Array.from(probs(s)) };
    fs.writeFileSync(checkpointPath(runDir, s), encodeSafetensors(tensors, { step: String(s) }));
  }
  fs.writeFileSync(path.join(runDir, PROBE_FILE), encodeSafetensors({ 'probe/labels': { dtype: 'F32', shape: [PROBE], data: Float32Array.from(LABELS) } }, { classes: '3', dataset: 'imported', split: 'probe' }));
  return runDir;
}

function stripVolatile<T extends object>(x: T): object {
  const { computeMs: _c, runDir: _d, runId: _i, runName: _n, ...rest } = x as unknown as Record<string, unknown>;
  return rest;
}

test('a PyTorch [out, in] MLP imports into the same barcodes, neuron clouds, tree trajectories and manifold as a native run', withTmp('topolens-import-', async (tmp) => {
  const src = path.join(tmp, 'torch-ckpts');
  writeTorchFolder(src, { predictions: true, metrics: true });
  const runs = path.join(tmp, 'runs');
  const native = writeNativeRun(runs);
  const { runDir, run, warnings } = await importCheckpoints({ dir: src, name: 'from torch', runsRoot: runs });

  assert.equal(run.source.kind, 'imported');
  assert.equal(run.source.format, 'safetensors');
  assert.equal(run.source.layout, 'torch');
  assert.equal(run.config, undefined);
  assert.deepEqual(run.source.layers.map((l) => [l.name, l.kernel, l.bias, l.orientation, l.shape]), [
    ['fc1', 'fc1.weight', 'fc1.bias', 'out-in', [6, 5]],
    ['fc2', 'fc2.weight', 'fc2.bias', 'out-in', [5, 3]],
  ]);
  assert.deepEqual([run.source.probeSize, run.source.classes], [PROBE, 3]);
  assert.ok(warnings.some((w) => /left out 1 tensors .*bn\.num_batches_tracked/.test(w)), warnings.join('\n'));
  assert.equal(run.source.files.filter((f) => f.role === 'checkpoint').length, STEPS.length);

  // The tree lists it like a native run, as completed.
  const listed = listRuns(runs);
  assert.deepEqual(listed.map((r) => [r.run?.name, r.run?.status, r.checkpoints.map((c) => c.step)]), [
    ['native', 'completed', STEPS],
    ['from torch', 'completed', STEPS],
  ]);

  for (const s of STEPS) {
    const a = denseKernels(readCheckpoint(checkpointPath(native, s)));
    const b = denseKernels(readCheckpoint(checkpointPath(runDir, s)));
    assert.deepEqual(b.map((k) => k.layer), ['fc1', 'fc2']);
    for (let l = 0; l < 2; l++) assert.deepEqual(neuronCloud(b[l].kernel), neuronCloud(a[l].kernel), `neuron cloud of fc${l + 1} at step ${s}`);
    for (const layer of ['fc1', 'fc2']) {
      assert.deepEqual(stripVolatile(computeWeightBarcode({ runDirs: [runDir], step: s, layer })), stripVolatile(computeWeightBarcode({ runDirs: [native], step: s, layer })), `barcode ${layer} step ${s}`);
    }
  }
  const files = (dir: string) => STEPS.map((s) => checkpointPath(dir, s));
  assert.deepEqual(trajectoryCloud(files(runDir), 'fc1'), trajectoryCloud(files(native), 'fc1'));

  const mi = computePredictionManifold({ runDirs: [runDir] });
  const mn = computePredictionManifold({ runDirs: [native] });
  assert.deepEqual(mi.eigenvalues, mn.eigenvalues);
  assert.deepEqual(mi.runs[0].coords, mn.runs[0].coords);
  assert.equal(mi.runs[0].seed, undefined);
  assert.match(mi.runs[0].architecture, /mlp 6-5-3/);

  const curves = computeRunCurves({ runDirs: [runDir] });
  const series = Object.fromEntries(curves.series.map((s) => [s.key, [s.steps, s.values]]));
  assert.deepEqual(series.trainLoss, [[0, 20, 40], [2, 1, 0.5]]);
  assert.deepEqual(series.testAccuracy, [[0, 20, 40], [0.25, 0.55, 0.75]]);
  assert.deepEqual(series.lr, [[0, 20, 40], [0.1, 0.1, 0.05]]);
  assert.deepEqual(readRun(runDir).run?.summary, { step: 40, trainLoss: 0.5, trainAccuracy: 0.8, testLoss: 0.7, testAccuracy: 0.75 });

  // Panels: those with the data they need apply; the others say what is missing.
  const info = panelRunInfo(runDir);
  assert.deepEqual([info.denseLayers, info.inputShape, info.classes, info.probeSize, info.imported], [2, [6], 3, PROBE, true]);
  const reason = (id: string, infos = [info]) => PANELS.find((p) => p.id === id)?.unavailableReason(infos);
  for (const id of ['runDashboard', 'weightBarcode', 'weightTrees', 'predictionManifold']) assert.equal(reason(id), undefined, id);
  assert.match(reason('decisionGeometry') ?? '', /needs runs trained by TopoLens/);
  assert.match(reason('lossBarcode', [info, info]) ?? '', /needs runs trained by TopoLens/);
}));

test('without predictions the manifold says what is missing; weights-only panels still apply', withTmp('topolens-import-', async (tmp) => {
  const src = path.join(tmp, 'src');
  writeTorchFolder(src);
  const { runDir } = await importCheckpoints({ dir: src, name: 'weights only', runsRoot: path.join(tmp, 'runs') });
  const info = panelRunInfo(runDir);
  assert.match(PANELS.find((p) => p.id === 'predictionManifold')?.unavailableReason([info]) ?? '', /needs per-checkpoint probe predictions/);
  assert.equal(PANELS.find((p) => p.id === 'weightBarcode')?.unavailableReason([info]), undefined);
  assert.equal(fs.existsSync(path.join(runDir, PROBE_FILE)), false);
}));

/** Step 40's fc2.weight gets a NaN (same shapes, so only the conversion finds it). */
function nanAtStep40(src: string): void {
  const { w, b } = torchLayer(1, 40);
  w[7] = NaN;
  const first = torchLayer(0, 40);
  fs.writeFileSync(path.join(src, 'model_step40.safetensors'), safetensorsBytes({
    'fc1.weight': { dtype: 'F32', shape: [5, 6], bytes: f32Bytes(first.w) }, 'fc1.bias': { dtype: 'F32', shape: [5], bytes: f32Bytes(first.b) },
    'fc2.weight': { dtype: 'F32', shape: [3, 5], bytes: f32Bytes(w) }, 'fc2.bias': { dtype: 'F32', shape: [3], bytes: f32Bytes(b) },
  }));
}

test('bad input fails naming file and tensor, and the runs folder is left exactly as it was', withTmp('topolens-import-', async (tmp) => {
  const runs = path.join(tmp, 'runs');
  writeNativeRun(runs);
  const before = () => fs.readdirSync(runs).sort();
  const snapshot = before();
  const cases: [string, (src: string) => void, RegExp][] = [
    ['unknown dtype', (src) => {
      fs.writeFileSync(path.join(src, 'model_step10.safetensors'), safetensorsBytes({ 'fc1.weight': { dtype: 'F8_E5M2', shape: [5, 6], bytes: new Uint8Array(30) } }));
    }, /model_step10\.safetensors: .*tensor "fc1\.weight" has dtype F8_E5M2, which TopoLens cannot read/],
    ['truncated file', (src) => {
      const f = path.join(src, 'model_step20.safetensors');
      const b = fs.readFileSync(f);
      fs.writeFileSync(f, b.subarray(0, b.length - 5));
    }, /model_step20\.safetensors: .*tensor "[^"]+" ends at byte \d+ but the data section has \d+ bytes \(truncated\?\)/],
    ['header length beyond the file', (src) => {
      const f = path.join(src, 'model_step40.safetensors');
      const b = fs.readFileSync(f);
      b.writeBigUInt64LE(BigInt(b.length * 3), 0);
      fs.writeFileSync(f, b);
    }, /model_step40\.safetensors: not a valid safetensors file: header says \d+ bytes of JSON but the file has \d+ after the length/],
    ['inconsistent shapes across steps', (src) => {
      const t = { 'fc1.weight': { dtype: 'F32', shape: [5, 6], bytes: f32Bytes(new Array(30).fill(0.5)) }, 'fc2.weight': { dtype: 'F32', shape: [4, 5], bytes: f32Bytes(new Array(20).fill(0.5)) }, 'fc1.bias': { dtype: 'F32', shape: [5], bytes: f32Bytes([0, 0, 0, 0, 0]) }, 'fc2.bias': { dtype: 'F32', shape: [3], bytes: f32Bytes([0, 0, 0]) } };
      fs.writeFileSync(path.join(src, 'model_step20.safetensors'), safetensorsBytes(t));
    }, /model_step20\.safetensors: tensor "fc2\.weight" has shape \[4, 5\] at step 20 but \[3, 5\] at step 0 .*shapes must not change across steps/],
    ['NaN weights', nanAtStep40, /model_step40\.safetensors: tensor "fc2\.weight" holds NaN at element 7 \(step 40\)/],
    ['predictions that are not probabilities', (src) => {
      fs.writeFileSync(path.join(src, 'predictions', 'step-20.npy'), npyBytes('<f4', [PROBE, 3], f32Bytes(new Array(PROBE * 3).fill(2))));
    }, /predictions\/step-20\.npy: .*\(if these are logits, pass --softmax\)/],
    ['a checkpoint without predictions', (src) => {
      fs.rmSync(path.join(src, 'predictions', 'step-10.npy'));
    }, /model_step10\.safetensors: no predictions for step 10/],
  ];
  for (const [what, damage, re] of cases) {
    const src = path.join(tmp, `src-${what.replace(/\W+/g, '-')}`);
    writeTorchFolder(src, { predictions: true });
    damage(src);
    await assert.rejects(importCheckpoints({ dir: src, name: 'bad', runsRoot: runs }), re, what);
    assert.deepEqual(before(), snapshot, `${what}: runs folder unchanged (no run, no temp folder)`);
  }
  // A runs folder that did not exist is not left behind either.
  const fresh = path.join(tmp, 'fresh-runs');
  const src = path.join(tmp, 'src-nan-fresh');
  writeTorchFolder(src);
  nanAtStep40(src);
  await assert.rejects(importCheckpoints({ dir: src, name: 'bad', runsRoot: fresh }), /holds NaN/);
  assert.equal(fs.existsSync(fresh), false);
}));

test('layout: ambiguous names ask for --layout or --map; a mapping file names layers, order and orientation', withTmp('topolens-import-', async (tmp) => {
  const src = path.join(tmp, 'src');
  fs.mkdirSync(src);
  for (const s of [0, 5]) {
    fs.writeFileSync(path.join(src, `s${s}.safetensors`), safetensorsBytes({
      'enc.w': { dtype: 'F32', shape: [2, 3], bytes: f32Bytes([1, 2, 3, 4, 5, 6].map((x) => x + s)) }, // [out=2, in=3]
      'head.w': { dtype: 'F32', shape: [2, 4], bytes: f32Bytes([1, 2, 3, 4, 5, 6, 7, 8]) }, // [in=2, out=4]
    }));
  }
  const runs = path.join(tmp, 'runs');
  await assert.rejects(importCheckpoints({ dir: src, name: 'x', runsRoot: runs }), /s0\.safetensors: cannot tell the layout .* pass --layout torch\|keras or a mapping file with --map/);
  const map = path.join(tmp, 'map.json');
  fs.writeFileSync(map, JSON.stringify({ layers: [{ name: 'encoder', kernel: 'enc.w', orientation: 'out-in' }, { name: 'head', kernel: 'head.w', orientation: 'in-out', activation: 'linear' }] }));
  const { runDir, run } = await importCheckpoints({ dir: src, name: 'mapped', runsRoot: runs, mapFile: map });
  assert.equal(run.source.layout, 'map');
  const t = readCheckpoint(checkpointPath(runDir, 5));
  assert.deepEqual(t['encoder/kernel'].shape, [3, 2]);
  assert.deepEqual(Array.from(t['encoder/kernel'].data), [6, 9, 7, 10, 8, 11]); // transpose of [[6,7,8],[9,10,11]]
  assert.deepEqual(Array.from(t['head/kernel'].data), [1, 2, 3, 4, 5, 6, 7, 8]);
  fs.writeFileSync(map, JSON.stringify({ layers: [{ name: 'encoder', kernel: 'enc.weight' }] }));
  await assert.rejects(importCheckpoints({ dir: src, name: 'x', runsRoot: runs, mapFile: map }), /the mapping names tensor "enc\.weight" \(kernel of encoder\), which is not in this checkpoint/);
}));

test('real files from NumPy and torch: .npz state_dicts (PyTorch layout) and .npy step folders (Keras layout, Fortran order)', withTmp('topolens-import-', async (tmp, t) => {
  const npz = path.join(tmp, 'npz');
  const npyDirs = path.join(tmp, 'npy');
  const py = runPython(`
import numpy as np, torch, json, os
torch.manual_seed(3)
net = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 2))
os.makedirs('${npz}'); os.makedirs('${npyDirs}')
out = {}
for step in (0, 100):
    sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    np.savez_compressed(f'${npz}/ckpt-{step:06d}.npz', **sd)
    d = f'${npyDirs}/epoch_{step}'
    os.makedirs(d)
    for k, v in sd.items():
        name = k.replace('.weight', '/kernel').replace('.bias', '/bias').replace('/', '__')
        np.save(f'{d}/{name}.npy', np.asfortranarray(v.T) if v.ndim == 2 else v)
    out[step] = {k: v.T.ravel().tolist() if v.ndim == 2 else v.ravel().tolist() for k, v in sd.items()}
    with torch.no_grad():
        for p in net.parameters(): p.mul_(1.5)
print(json.dumps(out))
`, ['numpy', 'torch']);
  if (!py.ok) return t.skip(py.reason);
  const want = JSON.parse(py.stdout) as Record<string, Record<string, number[]>>;
  const runs = path.join(tmp, 'runs');
  const a = await importCheckpoints({ dir: npz, name: 'npz', runsRoot: runs });
  assert.equal(a.run.source.format, 'npz');
  assert.deepEqual(a.run.source.layers.map((l) => [l.name, l.shape]), [['0', [4, 6]], ['2', [6, 2]]]);
  for (const s of [0, 100]) {
    const k = readCheckpoint(checkpointPath(a.runDir, s));
    assert.deepEqual(Array.from(k['0/kernel'].data), want[s]['0.weight'].map(Math.fround), `npz step ${s}`);
    assert.deepEqual(Array.from(k['2/bias'].data), want[s]['2.bias'].map(Math.fround));
  }
  // npy folders named like Keras weights ("0__kernel" = [in, out], saved Fortran-ordered): keras layout, no transpose.
  const b = await importCheckpoints({ dir: npyDirs, name: 'npy', runsRoot: runs, mapFile: undefined, layout: undefined, format: 'npy' }).catch((e: Error) => e);
  assert.ok(b instanceof Error && /cannot tell the layout/.test(b.message), 'names without "/kernel" are not guessed');
  const map = path.join(tmp, 'map.json');
  fs.writeFileSync(map, JSON.stringify({ layout: 'keras', layers: [{ name: 'hidden', kernel: '0__kernel', bias: '0__bias' }, { name: 'out', kernel: '2__kernel', bias: '2__bias' }] }));
  const c = await importCheckpoints({ dir: npyDirs, name: 'npy', runsRoot: runs, mapFile: map });
  for (const s of [0, 100]) {
    const k = readCheckpoint(checkpointPath(c.runDir, s));
    assert.deepEqual(Array.from(k['hidden/kernel'].data), want[s]['0.weight'].map(Math.fround), `npy step ${s}`);
    assert.deepEqual(k['out/kernel'].shape, [6, 2]);
  }
}));

test('run.json: schema-1 files read as trained; imported runs need no config; trained ones still do', withTmp('topolens-import-', (tmp) => {
  const dir = path.join(tmp, 'r');
  fs.mkdirSync(dir);
  const now = new Date().toISOString();
  const base = { id: 'r', name: 'r', createdAt: now, status: 'completed', backend: 'cpu', timings: { startedAt: now } };
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...base, schemaVersion: 1, config: getPreset('quick').config }));
  const v1 = readRun(dir);
  assert.equal(v1.problem, undefined);
  assert.equal(v1.run?.source, undefined);
  assert.equal(v1.run?.config?.model.kind, 'mlp');
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...base, schemaVersion: 2 }));
  assert.match(readRun(dir).problem ?? '', /run\.json: not a valid TopoLens run\.json \(config: Required \(a trained run records its config/);
  const source = { kind: 'imported', format: 'npz', dir: '/x', files: [], importedAt: now, layout: 'torch', layers: [] };
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...base, schemaVersion: 2, source }));
  assert.equal(readRun(dir).run?.source?.kind, 'imported');
}));

test('TF.js step folders (Keras names, [in, out]) with logits + --softmax, JSONL metrics and TensorBoard scalars', withTmp('topolens-import-', async (tmp) => {
  const src = path.join(tmp, 'tfjs');
  const kernel = [0.5, -1, 2, 4, 8, -16]; // [3, 2]
  for (const s of [1, 2]) {
    const d = path.join(src, `epoch-${s}`);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'w.bin'), Buffer.concat([Buffer.from(f32Bytes(kernel.map((x) => x * s))), Buffer.from(f32Bytes([0, s]))]));
    fs.writeFileSync(path.join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['w.bin'], weights: [
      { name: 'dense_Dense1/kernel', shape: [3, 2], dtype: 'float32' }, { name: 'dense_Dense1/bias', shape: [2], dtype: 'float32' },
    ] }] }));
  }
  const pred = path.join(tmp, 'logits');
  fs.mkdirSync(pred);
  for (const s of [1, 2]) fs.writeFileSync(path.join(pred, `logits_${s}.npy`), npyBytes('<f4', [2, 2], f32Bytes([0, 0, Math.log(3), 0])));
  const labels = path.join(tmp, 'y.npy');
  fs.writeFileSync(labels, npyBytes('|u1', [2], Uint8Array.from([0, 1])));
  fs.writeFileSync(path.join(src, 'metrics.jsonl'), '{"epoch": 1, "loss": 0.9, "val_accuracy": 0.6}\n{"epoch": 2, "loss": 0.4, "val_accuracy": 0.8}\n{"epoch": 3, "lo');
  const { EventFileWriter } = await import('../../../analysis/tensorboard/write');
  fs.mkdirSync(path.join(src, 'logs'));
  const tb = new EventFileWriter(path.join(src, 'logs'));
  tb.add(1, [['Learning Rate', 0.01]]);
  tb.add(2, [['Learning Rate', 0.005]]);
  await tb.flush();
  const runs = path.join(tmp, 'runs');
  await assert.rejects(importCheckpoints({ dir: src, name: 'k', runsRoot: runs, predictionsDir: pred, labelsFile: labels }), /logits_1\.npy: .*pass --softmax/);
  const { runDir, run, warnings } = await importCheckpoints({ dir: src, name: 'k', runsRoot: runs, predictionsDir: pred, labelsFile: labels, softmax: true });
  assert.deepEqual([run.source.format, run.source.layout, run.source.layers.map((l) => l.name)], ['tfjs', 'keras', ['dense_Dense1']]);
  const t = readCheckpoint(checkpointPath(runDir, 2));
  assert.deepEqual(Array.from(t['dense_Dense1/kernel'].data), kernel.map((x) => x * 2));
  Array.from(t['probe/probs'].data).forEach((p, i) => assert.ok(Math.abs(p - [0.5, 0.5, 0.75, 0.25][i]) < 1e-6, `softmax ${i}: ${p}`));
  assert.ok(warnings.some((w) => /epochs are the steps/.test(w)));
  const curves = Object.fromEntries(computeRunCurves({ runDirs: [runDir] }).series.map((s) => [s.key, [s.steps, s.values]]));
  assert.deepEqual(curves.trainLoss, [[1, 2], [0.9, 0.4]]);
  assert.deepEqual(curves.testAccuracy, [[1, 2], [0.6, 0.8]]);
  assert.deepEqual(curves.lr, [[1, 2], [0.01, 0.005].map(Math.fround)]);
}));
