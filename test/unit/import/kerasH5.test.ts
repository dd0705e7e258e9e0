/**
 * Keras HDF5 weights (`--format keras-h5`) against files written by an independent writer, h5py, in the
 * layouts Keras writes: Keras 3 `save_weights("x.weights.h5")` (`layers/<layer>/vars/<i>`) and Keras 2
 * `save_weights("x.h5")` / `model.save("x.h5")` (`[model_weights/]<layer>/<layer>/kernel:0`, `layer_names`
 * and `weight_names` attributes). The same network saved with np.savez is the reference: both imports must
 * give identical float32 checkpoints. Skipped, saying why, where /usr/bin/python3 lacks h5py.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as path from 'node:path';
import { importCheckpoints } from '../../../analysis/import/importRun';
import { kerasLayerName } from '../../../analysis/import/kerasH5';
import { readCheckpoint } from '../../../analysis/store/runStore';
import { checkpointPath } from '../../../analysis/store/runLayout';
import { runPython } from './writers';
import { withTmp } from './withTmp';

const STEPS = [0, 10, 20];
/** conv2d [kh, kw, in, out], then an MLP 8-5-3: kernels as Keras stores them, [in, out]. */
const LAYERS = [
  { name: 'conv2d', kshape: [3, 3, 1, 2] },
  { name: 'dense', kshape: [8, 5] },
  { name: 'dense_1', kshape: [5, 3] },
];
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** Known float32 weights: element j of layer l's kernel (C order) and bias at step s. */
const kernelValue = (l: number, j: number, s: number) => Math.fround(Math.sin(0.37 * j + 1.1 * l + 0.05 * s) * (1 + 0.01 * s));
const biasValue = (l: number, j: number, s: number) => Math.fround(Math.cos(0.5 * j + l + 0.03 * s));
function weights(s: number) {
  return LAYERS.map((L, l) => ({
    ...L,
    kernel: Array.from({ length: size(L.kshape) }, (_, j) => kernelValue(l, j, s)),
    bias: Array.from({ length: L.kshape[L.kshape.length - 1] }, (_, j) => biasValue(l, j, s)),
  }));
}

/** Python helpers that write each layout with h5py (and the .npz reference with NumPy). */
const PY_WRITERS = String.raw`
import h5py, numpy as np, json, os, sys

def arr(values, shape, dtype='f4'):
    return np.array(values, dtype='f8').reshape(shape).astype(dtype)

def keras3(path, layers, dtypes={}, extra=None, track_order=False):
    # Keras 3 saving_lib.H5IOStore: a "vars" group per saveable, variables numbered in the layer's order.
    with h5py.File(path, 'w', track_order=track_order) as f:
        f.create_group('vars')
        g = f.create_group('layers', track_order=track_order)
        for L in layers:
            v = g.create_group(L['name'], track_order=track_order).create_group('vars')
            v.create_dataset('0', data=arr(L['kernel'], L['kshape'], dtypes.get('kernel', 'f4')))
            v.create_dataset('1', data=arr(L['bias'], [len(L['bias'])], dtypes.get('bias', 'f4')))
            if L['name'] == 'conv2d':
                g.create_group('flatten').create_group('vars')
        if extra: extra(f)

def keras2(path, layers, whole_model=False):
    # Keras 2 legacy h5 format: layer_names in model order, a group per layer with weight_names.
    with h5py.File(path, 'w') as f:
        root = f.create_group('model_weights') if whole_model else f
        if whole_model:
            f.attrs['model_config'] = json.dumps({'class_name': 'Sequential'})
            f.create_dataset('optimizer_weights/Adam/m/dense/kernel:0', data=np.zeros((8, 5), 'f4'))
            f.create_dataset('optimizer_weights/Adam/iterations:0', data=np.int64(7))
        names = []
        for L in layers:
            names.append(L['name'])
            if L['name'] == 'conv2d':
                names.append('flatten')
                root.create_group('flatten').attrs['weight_names'] = np.asarray([])  # what Keras writes for no weights
        root.attrs['layer_names'] = np.asarray([n.encode() for n in names])
        root.attrs['backend'] = b'tensorflow'
        for L in layers:
            g = root.create_group(L['name'])
            g.attrs['weight_names'] = np.asarray([f"{L['name']}/kernel:0".encode(), f"{L['name']}/bias:0".encode()])
            g.create_dataset(f"{L['name']}/kernel:0", data=arr(L['kernel'], L['kshape']))
            g.create_dataset(f"{L['name']}/bias:0", data=arr(L['bias'], [len(L['bias'])]))

def npz(path, layers, dtypes={}):
    np.savez(path, **{k: v for L in layers for k, v in [
        (L['name'] + '/kernel', arr(L['kernel'], L['kshape'], dtypes.get('kernel', 'f4')).astype('f4')),
        (L['name'] + '/bias', arr(L['bias'], [len(L['bias'])], dtypes.get('bias', 'f4')).astype('f4'))]})
`;

function python(t: TestContext, body: string): boolean {
  const r = runPython(`${PY_WRITERS}\n${body}`, ['h5py', 'numpy']);
  if (!r.ok) t.skip(`h5py fixtures need /usr/bin/python3 with h5py (apt python3-h5py): ${r.reason}`);
  return r.ok;
}

const spec = (s: number) => JSON.stringify(weights(s));
/** Writes one folder per layout for every step: k3, k2, k2model (whole-model file), npz (reference). */
function writeLayouts(tmp: string, t: TestContext): boolean {
  return python(t, STEPS.map((s) => `
layers = json.loads('${spec(s)}')
for d in ['k3', 'k2', 'k2model', 'npz']: os.makedirs(os.path.join(${JSON.stringify(tmp)}, d), exist_ok=True)
def bn(f):
    for i in range(4): f.create_dataset(f'layers/batch_normalization/vars/{i}', data=np.ones(5, 'f4'))
keras3(os.path.join(${JSON.stringify(tmp)}, 'k3', 'step-${s}.weights.h5'), layers, extra=bn)
keras2(os.path.join(${JSON.stringify(tmp)}, 'k2', 'ckpt_${String(s).padStart(4, '0')}.h5'), layers)
keras2(os.path.join(${JSON.stringify(tmp)}, 'k2model', 'weights.${String(s).padStart(2, '0')}-0.83.hdf5'), layers, whole_model=True)
npz(os.path.join(${JSON.stringify(tmp)}, 'npz', 'step-${s}.npz'), layers)
`).join('\n'));
}

test('Keras 3 .weights.h5 and Keras 2 .h5 (weights-only and whole-model) import into exactly the checkpoints of the same .npz', withTmp('topolens-kerash5-', async (tmp, t) => {
  if (!writeLayouts(tmp, t)) return;
  const runs = path.join(tmp, 'runs');
  const ref = await importCheckpoints({ dir: path.join(tmp, 'npz'), name: 'npz', runsRoot: runs });
  for (const layout of ['k3', 'k2', 'k2model']) {
    const { runDir, run, warnings } = await importCheckpoints({ dir: path.join(tmp, layout), name: layout, runsRoot: runs });
    assert.equal(run.source.format, 'keras-h5', layout);
    assert.equal(run.source.layout, 'keras', layout);
    assert.deepEqual(run.source.layers.map((l) => [l.name, l.type, l.shape]), LAYERS.map((L, l) => [L.name, l === 0 ? 'conv2d' : 'dense', L.kshape]), layout);
    assert.deepEqual(run.source.files.map((f) => f.step), STEPS, layout);
    for (const s of STEPS) {
      const got = readCheckpoint(checkpointPath(runDir, s));
      const want = readCheckpoint(checkpointPath(ref.runDir, s));
      assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${layout} step ${s}`);
      for (const name of Object.keys(want)) {
        assert.deepEqual(got[name].shape, want[name].shape, `${layout} ${name}`);
        assert.deepEqual(got[name].data, want[name].data, `${layout} ${name} step ${s}: exact float32`);
      }
      // And against the known values themselves (kernels stay [in, out] / [kh, kw, in, out]).
      LAYERS.forEach((L, l) => {
        assert.deepEqual(Array.from(got[`${L.name}/kernel`].data), weights(s)[l].kernel, `${layout} ${L.name} step ${s}`);
      });
    }
    if (layout === 'k3') {
      assert.equal(run.source.layers[1].kernel, 'layers/dense/vars/0');
      assert.match(warnings.join('\n'), /left out 4 tensors .*layers\/batch_normalization\/vars\/0/);
    } else {
      const prefix = layout === 'k2model' ? 'model_weights/' : '';
      assert.equal(run.source.layers[1].kernel, `${prefix}dense/dense/kernel:0`);
      assert.equal(run.source.layers[1].bias, `${prefix}dense/dense/bias:0`);
      assert.equal(warnings.length, 0, `${layout}: optimizer_weights are not weights (${warnings.join('; ')})`);
    }
  }
}));

test('every HDF5 numeric dtype becomes float32 as NumPy casts it: f2, f8, big-endian, ints, bool, Keras bfloat16', withTmp('topolens-kerash5-', async (tmp, t) => {
  const cases: [string, string, string][] = [
    // [folder, kernel dtype, bias dtype]
    ['f2-f8', 'f2', 'f8'],
    ['be', '>f4', '>f8'],
    ['ints', 'i2', 'u1'],
    ['f8-i8', 'f8', 'i8'],
  ];
  // Integer and bool kernels hold their values scaled up, so the cast has something to keep.
  const scaled = (s: number) => JSON.stringify(weights(s).map((L) => ({ ...L, kernel: L.kernel.map((x) => Math.round(x * 100)), bias: L.bias.map((x) => Math.round(Math.abs(x) * 100)) })));
  const ok = python(t, cases.flatMap(([dir, k, b]) => STEPS.map((s) => `
d = os.path.join(${JSON.stringify(tmp)}, '${dir}'); os.makedirs(d + '-h5', exist_ok=True); os.makedirs(d + '-npz', exist_ok=True)
layers = json.loads('${dir === 'ints' ? scaled(s) : spec(s)}')
keras3(os.path.join(d + '-h5', 'step-${s}.weights.h5'), layers, {'kernel': '${k}', 'bias': '${b}'})
npz(os.path.join(d + '-npz', 'step-${s}.npz'), layers, {'kernel': '${k}', 'bias': '${b}'})
`)).join('\n') + `
# Keras 3 writes a bfloat16 variable as ml_dtypes.bfloat16, which h5py stores as 2-byte opaque, marked dtype=bfloat16.
d = os.path.join(${JSON.stringify(tmp)}, 'bf16'); os.makedirs(d + '-h5'); os.makedirs(d + '-npz')
for s in (0, 1):
    layers = json.loads('${spec(0)}')
    with h5py.File(os.path.join(d + '-h5', f'step-{s}.weights.h5'), 'w') as f:
        for L in layers:
            k32 = arr(L['kernel'], L['kshape'])
            bits = (k32.view('<u4') >> 16).astype('<u2')  # truncation: the reference below holds the same bits
            ds = f.create_dataset(f"layers/{L['name']}/vars/0", data=bits.view('V2'))
            ds.attrs['dtype'] = 'bfloat16'
            # h5py writes numpy bool as an enum; the last layer's bias is one (3 units).
            b = np.array([True, False, s == 1]) if L['name'] == 'dense_1' else np.array(L['bias'], 'f4')
            f.create_dataset(f"layers/{L['name']}/vars/1", data=b)
            L['kernel'] = (bits.astype('<u4') << 16).view('<f4').ravel().tolist()
            L['bias'] = b.astype('f4').tolist()
        np.savez(os.path.join(d + '-npz', f'step-{s}.npz'), **{k: v for L in layers for k, v in [
            (L['name'] + '/kernel', np.array(L['kernel'], 'f4').reshape(L['kshape'])), (L['name'] + '/bias', np.array(L['bias'], 'f4'))]})
`);
  if (!ok) return;
  const runs = path.join(tmp, 'runs');
  for (const dir of [...cases.map((c) => c[0]), 'bf16']) {
    const h5 = await importCheckpoints({ dir: path.join(tmp, `${dir}-h5`), name: dir, runsRoot: runs });
    const ref = await importCheckpoints({ dir: path.join(tmp, `${dir}-npz`), name: `${dir}-ref`, runsRoot: runs });
    for (const s of dir === 'bf16' ? [0, 1] : STEPS) {
      const got = readCheckpoint(checkpointPath(h5.runDir, s));
      const want = readCheckpoint(checkpointPath(ref.runDir, s));
      for (const name of Object.keys(want)) assert.deepEqual(got[name].data, want[name].data, `${dir} ${name} step ${s}`);
    }
    if (dir === 'f2-f8') {
      // The cast really happened: the f2 kernel differs from the float32 values that were written.
      const k = readCheckpoint(checkpointPath(h5.runDir, 10))['dense/kernel'].data;
      assert.notDeepEqual(Array.from(k), weights(10)[1].kernel);
      assert.ok(Array.from(k).every((x, j) => Math.abs(x - weights(10)[1].kernel[j]) <= 2 ** -10));
    }
  }
}));

test('layer order and names: Keras 2 layer_names, creation order when tracked, else numbers as numbers; nested models; --map with dataset paths', withTmp('topolens-kerash5-', async (tmp, t) => {
  const ok = python(t, `
T = ${JSON.stringify(tmp)}
def dense(shape, seed): return np.random.default_rng(seed).standard_normal(shape).astype('f4')
for s in (1, 2):
    # Eleven chained layers named as Keras 3 names them: HDF5 lists dense_10 before dense_2.
    os.makedirs(f'{T}/many', exist_ok=True)
    with h5py.File(f'{T}/many/step-{s}.weights.h5', 'w') as f:
        for i in range(11):
            n = 'dense' if i == 0 else f'dense_{i}'
            f.create_dataset(f'layers/{n}/vars/0', data=dense((2, 2), i))
            f.create_dataset(f'layers/{n}/vars/1', data=dense((2,), i))
    # Nested functional model and an LSTM cell (vars/1 is its recurrent kernel, not a bias).
    os.makedirs(f'{T}/nested', exist_ok=True)
    with h5py.File(f'{T}/nested/step-{s}.weights.h5', 'w') as f:
        f.create_dataset('layers/functional/layers/dense/vars/0', data=dense((6, 4), 1))
        f.create_dataset('layers/functional/layers/dense/vars/1', data=dense((4,), 2))
        f.create_dataset('layers/lstm/cell/vars/0', data=dense((4, 8), 3))
        f.create_dataset('layers/lstm/cell/vars/1', data=dense((2, 8), 4))
        f.create_dataset('layers/lstm/cell/vars/2', data=dense((8,), 5))
    # A file that tracks creation order: the layers were created head-first.
    os.makedirs(f'{T}/tracked', exist_ok=True)
    with h5py.File(f'{T}/tracked/step-{s}.weights.h5', 'w', track_order=True) as f:
        g = f.create_group('layers', track_order=True)
        g.create_dataset('dense_1/vars/0', data=dense((3, 4), 1))
        g.create_dataset('dense/vars/0', data=dense((4, 2), 2))
    # Keras 2: layer_names is the model order, whatever the names.
    os.makedirs(f'{T}/k2order', exist_ok=True)
    with h5py.File(f'{T}/k2order/step-{s}.h5', 'w') as f:
        f.attrs['layer_names'] = np.asarray([b'zeta', b'alpha'])
        for n, shape in (('zeta', (3, 4)), ('alpha', (4, 2))):
            g = f.create_group(n)
            g.attrs['weight_names'] = np.asarray([f'{n}/kernel:0'.encode(), f'{n}/bias:0'.encode()])
            g.create_dataset(f'{n}/kernel:0', data=dense(shape, s))
            g.create_dataset(f'{n}/bias:0', data=dense(shape[1:], s))
`);
  if (!ok) return;
  const runs = path.join(tmp, 'runs');
  const names = async (dir: string, mapFile?: string) => (await importCheckpoints({ dir: path.join(tmp, dir), name: dir, runsRoot: runs, mapFile })).run.source.layers.map((l) => l.name);
  assert.deepEqual(await names('many'), ['dense', ...Array.from({ length: 10 }, (_, i) => `dense_${i + 1}`)]);
  const nested = await importCheckpoints({ dir: path.join(tmp, 'nested'), name: 'nested', runsRoot: runs });
  assert.deepEqual(nested.run.source.layers.map((l) => [l.name, l.kernel, l.bias ?? null]), [
    ['functional.dense', 'layers/functional/layers/dense/vars/0', 'layers/functional/layers/dense/vars/1'],
    ['lstm.cell', 'layers/lstm/cell/vars/0', null],
  ]);
  assert.match(nested.warnings.join('\n'), /left out 2 tensors .*layers\/lstm\/cell\/vars\/1, layers\/lstm\/cell\/vars\/2/);
  assert.deepEqual(await names('tracked'), ['dense_1', 'dense']);
  assert.deepEqual(await names('k2order'), ['zeta', 'alpha']);
  // A mapping file names HDF5 dataset paths, and sets names and order.
  const map = path.join(tmp, 'map.json');
  fs.writeFileSync(map, JSON.stringify({ layers: [{ name: 'head', kernel: 'layers/dense/vars/0' }, { name: 'body', kernel: 'layers/dense_1/vars/0' }] }));
  const mapped = await importCheckpoints({ dir: path.join(tmp, 'tracked'), name: 'mapped', runsRoot: runs, mapFile: map });
  assert.equal(mapped.run.source.layout, 'map');
  assert.deepEqual(mapped.run.source.layers.map((l) => [l.name, l.shape]), [['head', [4, 2]], ['body', [3, 4]]]);
  assert.equal(kerasLayerName('model_weights/dense/dense', false), 'dense');
  assert.equal(kerasLayerName('model_weights/model_1/dense_2', false), 'model_1.dense_2');
  assert.equal(kerasLayerName('', true), 'model');
}));

test('bad Keras files fail naming file and dataset, print no HDF5 error stack, and leave the runs folder as it was', withTmp('topolens-kerash5-', async (tmp, t) => {
  const bad = (name: string, damage: string) => `
d = os.path.join(${JSON.stringify(tmp)}, '${name}'); os.makedirs(d)
for s in (0, 10):
    layers = json.loads('${spec(0)}')
    keras3(os.path.join(d, f'step-{s}.weights.h5'), layers)
s = 10; p = os.path.join(d, 'step-10.weights.h5')
${damage}
`;
  const ok = python(t, [
    bad('not-hdf5', "open(p, 'wb').write(b'PK\\x03\\x04 this is a zip, not HDF5' * 20)"),
    bad('truncated', "b = open(p, 'rb').read(); open(p, 'wb').write(b[:len(b) - 700])"),
    bad('nan', "f = h5py.File(p, 'r+'); k = f['layers/dense/vars/0'][...]; k.flat[7] = np.nan; f['layers/dense/vars/0'][...] = k; f.close()"),
    bad('shape', "f = h5py.File(p, 'r+'); del f['layers/dense_1/vars/0']; f['layers/dense_1/vars/0'] = np.zeros((5, 4), 'f4'); f.close()"),
    bad('complex', "f = h5py.File(p, 'r+'); del f['layers/dense/vars/0']; f['layers/dense/vars/0'] = np.zeros((8, 5), 'c8'); f.close()"),
  ].join('\n'));
  if (!ok) return;
  const runs = path.join(tmp, 'runs');
  fs.mkdirSync(runs);
  fs.mkdirSync(path.join(runs, 'earlier-run'));
  const snapshot = fs.readdirSync(runs);
  const cases: [string, RegExp][] = [
    ['not-hdf5', /not-hdf5\/step-10\.weights\.h5: not an HDF5 file \(no HDF5 signature\)/],
    ['truncated', /truncated\/step-10\.weights\.h5: truncated: the file holds \d+ bytes but its HDF5 superblock says \d+/],
    ['nan', /nan\/step-10\.weights\.h5: tensor "layers\/dense\/vars\/0" holds NaN at element 7 \(step 10\)/],
    ['shape', /shape\/step-10\.weights\.h5: tensor "layers\/dense_1\/vars\/0" has shape \[5, 4\] at step 10 but \[5, 3\] at step 0 .*shapes must not change across steps/],
    ['complex', /complex\/step-10\.weights\.h5: dataset "layers\/dense\/vars\/0" holds HDF5 type class 6 .*which TopoLens cannot read/],
  ];
  // HDF5 writes its error stack to fd 2 itself; the reader must turn it into the message instead.
  const stderr: string[] = [];
  const writeSync = fs.writeSync;
  const write = process.stderr.write;
  fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd === 2) stderr.push(String(data));
    return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
  }) as typeof fs.writeSync;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    stderr.push(String(chunk));
    return (write as (...a: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    for (const [name, re] of cases) {
      await assert.rejects(importCheckpoints({ dir: path.join(tmp, name), name, runsRoot: runs }), re, name);
      assert.deepEqual(fs.readdirSync(runs), snapshot, `${name}: runs folder unchanged (no run, no temp folder)`);
    }
  } finally {
    fs.writeSync = writeSync;
    process.stderr.write = write;
  }
  assert.deepEqual(stderr.filter((s) => /HDF5-DIAG|#00\d/.test(s)), []);
}));
