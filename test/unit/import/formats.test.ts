/**
 * The import readers against bytes written from the formats' specifications (writers.ts) and by NumPy
 * itself: every dtype converted to float32 with known values, C and Fortran order, .npz stored and
 * deflated, TF.js shards with quantization, header-only reads of a file too large to load, and clear errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeSafetensors } from '../../../analysis/store/safetensors';
import { readSafetensorsHeader, readSafetensorsTensors } from '../../../analysis/store/safetensorsFile';
import { decodeNpy, fortranToC } from '../../../analysis/import/npy';
import { ZipReader, crc32 } from '../../../analysis/import/zip';
import { readTfjsGroup, readTfjsManifest, tfjsWeightValues } from '../../../analysis/import/tfjs';
import { scanCheckpointFolder, stepFromName } from '../../../analysis/import/sources';
import { bf16Bits, f32Bytes, f64Bytes, i64Bytes, npyBytes, runPython, safetensorsBytes, u16Bytes } from './writers';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-import-fmt-'));

test('safetensors: F64, F16, BF16, I64, I32, U8 and BOOL become exact float32 values', () => {
  const i32 = Buffer.alloc(8);
  i32.writeInt32LE(-7, 0);
  i32.writeInt32LE(123456, 4);
  const bytes = safetensorsBytes({
    f64: { dtype: 'F64', shape: [3], bytes: f64Bytes([0.1, -2.5, 1e10]) },
    // 0.5, -2, 1.25, 65504 (largest half), 2^-24 (smallest subnormal), -0
    f16: { dtype: 'F16', shape: [2, 3], bytes: u16Bytes([0x3800, 0xc000, 0x3d00, 0x7bff, 0x0001, 0x8000]) },
    bf16: { dtype: 'BF16', shape: [3], bytes: u16Bytes(bf16Bits([1.5, -3.25, 2 ** 100])) },
    i64: { dtype: 'I64', shape: [2], bytes: i64Bytes([-3, 9]) },
    i32: { dtype: 'I32', shape: [2], bytes: new Uint8Array(i32) },
    u8: { dtype: 'U8', shape: [2], bytes: Uint8Array.from([0, 255]) },
    flag: { dtype: 'BOOL', shape: [3], bytes: Uint8Array.from([1, 0, 1]) },
  });
  const { tensors } = decodeSafetensors(bytes, 'mem');
  assert.deepEqual(Array.from(tensors.f64.data), [Math.fround(0.1), -2.5, Math.fround(1e10)]);
  assert.deepEqual(Array.from(tensors.f16.data), [0.5, -2, 1.25, 65504, 2 ** -24, -0]);
  assert.deepEqual(tensors.f16.shape, [2, 3]);
  assert.deepEqual(Array.from(tensors.bf16.data), [1.5, -3.25, 2 ** 100]);
  assert.deepEqual(Array.from(tensors.i64.data), [-3, 9]);
  assert.deepEqual(Array.from(tensors.i32.data), [-7, 123456]);
  assert.deepEqual(Array.from(tensors.u8.data), [0, 255]);
  assert.deepEqual(Array.from(tensors.flag.data), [1, 0, 1]);
});

test('safetensors header is read through a file handle: a 5 GB file (sparse) is inspected and one tensor read', () => {
  const dir = tmp();
  try {
    const file = path.join(dir, 'big.safetensors');
    const big = 5 * 2 ** 30;
    const head = safetensorsBytes({ small: { dtype: 'F32', shape: [2], bytes: f32Bytes([3, 4]) } });
    // Declare a second, 5 GB tensor after the small one and make the file that long without writing it.
    const json = JSON.stringify({ __metadata__: { step: '7' }, small: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, huge: { dtype: 'U8', shape: [big], data_offsets: [8, 8 + big] } });
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    fs.writeFileSync(file, Buffer.concat([len, Buffer.from(json), Buffer.from(head.subarray(head.length - 8))]));
    fs.truncateSync(file, 8 + json.length + 8 + big);
    const h = readSafetensorsHeader(file);
    assert.deepEqual(h.entries.map((e) => [e.name, e.dtype, e.shape]), [['small', 'F32', [2]], ['huge', 'U8', [big]]]);
    assert.equal(h.metadata.step, '7');
    assert.deepEqual(Array.from(readSafetensorsTensors(file, ['small']).tensors.small.data), [3, 4]);
    assert.throws(() => fs.readFileSync(file), /greater than 2 GiB|ERR_FS_FILE_TOO_LARGE|too large/i, 'the whole-file route would fail on it');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('safetensors errors name the file and tensor: unknown dtype, truncated data, header length beyond the file', () => {
  const dir = tmp();
  try {
    const good = safetensorsBytes({ 'fc.weight': { dtype: 'F32', shape: [2, 2], bytes: f32Bytes([1, 2, 3, 4]) } });
    const cases: [string, Uint8Array, RegExp][] = [
      ['dtype.safetensors', safetensorsBytes({ 'fc.weight': { dtype: 'F8_E4M3', shape: [4], bytes: new Uint8Array(4) } }), /dtype\.safetensors: .*tensor "fc\.weight" has dtype F8_E4M3, which TopoLens cannot read/],
      ['cut.safetensors', good.subarray(0, good.length - 5), /cut\.safetensors: .*tensor "fc\.weight" ends at byte 16 but the data section has 11 bytes \(truncated\?\)/],
      ['len.safetensors', safetensorsBytes({ 'fc.weight': { dtype: 'F32', shape: [2, 2], bytes: f32Bytes([1, 2, 3, 4]) } }, undefined, { headerLengthDelta: 1000 }), /len\.safetensors: .*header says \d+ bytes of JSON but the file has \d+ after the length/],
      ['tiny.safetensors', Uint8Array.from([1, 2, 3]), /tiny\.safetensors: .*only 3 bytes/],
    ];
    for (const [name, bytes, re] of cases) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      assert.throws(() => readSafetensorsHeader(file), re, name);
      assert.throws(() => decodeSafetensors(bytes, file), re, `${name} (in memory)`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('.npy: float16/32/64 in both byte orders, ints, bf16 as <V2, C and Fortran order', () => {
  const v = [1, -2, 3.5, 4, 5, -6];
  const be = Buffer.alloc(48);
  v.forEach((x, i) => be.writeDoubleBE(x, i * 8));
  assert.deepEqual(Array.from(decodeNpy(npyBytes('<f4', [2, 3], f32Bytes(v)), 'a.npy').data), v);
  assert.deepEqual(Array.from(decodeNpy(npyBytes('>f8', [2, 3], new Uint8Array(be)), 'a.npy').data), v);
  assert.deepEqual(Array.from(decodeNpy(npyBytes('<f2', [2], u16Bytes([0x3800, 0xc000])), 'a.npy').data), [0.5, -2]);
  assert.deepEqual(Array.from(decodeNpy(npyBytes('<i8', [2], i64Bytes([-5, 6])), 'a.npy').data), [-5, 6]);
  assert.deepEqual(Array.from(decodeNpy(npyBytes('<V2', [2], u16Bytes(bf16Bits([1.5, -0.25]))), 'a.npy').data), [1.5, -0.25]);
  // Fortran order: the 2x3 matrix [[1,-2,3.5],[4,5,-6]] stored column by column.
  const f = decodeNpy(npyBytes('<f4', [2, 3], f32Bytes([1, 4, -2, 5, 3.5, -6]), true), 'a.npy');
  assert.deepEqual(f.shape, [2, 3]);
  assert.deepEqual(Array.from(f.data), v);
  // Rank 3 against a brute-force index formula.
  const shape = [2, 3, 4];
  const fort = Float32Array.from({ length: 24 }, (_, k) => k);
  const c = fortranToC(fort, shape);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) assert.equal(c[(i * 3 + j) * 4 + k], i + 2 * (j + 3 * k));
});

test('.npy errors name the file: bad magic, unknown dtype, truncated data, structured arrays', () => {
  assert.throws(() => decodeNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'x.npy'), /x\.npy: not a NumPy \.npy file/);
  assert.throws(() => decodeNpy(npyBytes('<c8', [1], new Uint8Array(8)), 'x.npy'), /x\.npy: dtype '<c8' is not one TopoLens reads/);
  assert.throws(() => decodeNpy(npyBytes('<f4', [3], f32Bytes([1, 2])), 'x.npy'), /x\.npy: the data holds 8 bytes, the shape \(3\) of <f4 needs 12 \(truncated\?\)/);
  assert.throws(() => decodeNpy(npyBytes("[('a', '<f4'), ('b', '<i4')]", [1], new Uint8Array(8)), 'x.npy'), /x\.npy: a structured array/);
});

test('.npz written by NumPy (savez and savez_compressed, C and Fortran arrays) reads back exactly; CRC damage is caught', (t) => {
  const dir = tmp();
  try {
    const py = runPython(`
import numpy as np, json
a = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
b = np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3) - 2.5)
c = np.array([1, -2, 3], dtype=np.int64)
d = np.arange(4, dtype=np.float16) / 4
np.savez('${dir}/plain.npz', a=a, b=b, c=c, d=d)
np.savez_compressed('${dir}/packed.npz', a=a, b=b, c=c, d=d)
print(json.dumps({k: v.astype(np.float64).ravel(order='C').tolist() for k, v in dict(a=a, b=b, c=c, d=d).items()}))
`, ['numpy']);
    if (!py.ok) return t.skip(py.reason);
    const want = JSON.parse(py.stdout) as Record<string, number[]>;
    for (const name of ['plain.npz', 'packed.npz']) {
      const zip = new ZipReader(path.join(dir, name));
      try {
        assert.deepEqual(zip.entries.map((e) => e.name), ['a.npy', 'b.npy', 'c.npy', 'd.npy']);
        if (name === 'packed.npz') assert.ok(zip.entries.every((e) => e.method === 8), 'savez_compressed deflates');
        for (const e of zip.entries) {
          const arr = decodeNpy(zip.read(e), e.name);
          assert.deepEqual(Array.from(arr.data), want[e.name.slice(0, -4)].map(Math.fround), `${name}:${e.name}`);
        }
      } finally {
        zip.close();
      }
    }
    // Flip one byte inside the stored data of a.npy: the CRC-32 check names the entry.
    const bytes = fs.readFileSync(path.join(dir, 'plain.npz'));
    bytes[200] ^= 0xff;
    fs.writeFileSync(path.join(dir, 'bad.npz'), bytes);
    const bad = new ZipReader(path.join(dir, 'bad.npz'));
    try {
      assert.throws(() => bad.read(bad.entries[0]), /bad\.npz: .*entry "a\.npy" fails its CRC-32 check/);
    } finally {
      bad.close();
    }
    fs.writeFileSync(path.join(dir, 'cut.npz'), bytes.subarray(0, 100));
    assert.throws(() => new ZipReader(path.join(dir, 'cut.npz')), /cut\.npz: not a readable zip archive \(\.npz\): no end-of-central-directory record/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('TF.js model.json: float32, int32, quantized uint8 and float16 weights across two shards', () => {
  const dir = tmp();
  try {
    const kernel = [0.5, -1, 2, 4, 8, -16]; // [3, 2]
    const bias = [1, 2];
    const shard1 = Buffer.concat([Buffer.from(f32Bytes(kernel)), Buffer.from(f32Bytes(bias)).subarray(0, 4)]);
    const shard2 = Buffer.concat([Buffer.from(f32Bytes(bias)).subarray(4), Buffer.from([0, 10, 255]), Buffer.from(u16Bytes([0x3800, 0xc000]))]);
    fs.writeFileSync(path.join(dir, 'group1-shard1of2.bin'), shard1);
    fs.writeFileSync(path.join(dir, 'group1-shard2of2.bin'), shard2);
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
      modelTopology: {},
      weightsManifest: [{
        paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
        weights: [
          { name: 'dense_Dense1/kernel', shape: [3, 2], dtype: 'float32' },
          { name: 'dense_Dense1/bias', shape: [2], dtype: 'float32' },
          { name: 'q8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
          { name: 'h', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
        ],
      }],
    }));
    const m = readTfjsManifest(path.join(dir, 'model.json'));
    const group = readTfjsGroup(m, 0);
    const values = Object.fromEntries(m.weights.map((w) => [w.name, Array.from(tfjsWeightValues(m, w, group))]));
    assert.deepEqual(values, { 'dense_Dense1/kernel': kernel, 'dense_Dense1/bias': bias, q8: [-1, 4, 126.5], h: [0.5, -2] });
    fs.writeFileSync(path.join(dir, 'group1-shard2of2.bin'), shard2.subarray(0, 3));
    assert.throws(() => tfjsWeightValues(m, m.weights[3], readTfjsGroup(m, 0)), /model\.json: weight "h" needs bytes .* \(truncated shard\?\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('steps come from "step" in the name, else the last whole number; safetensors __metadata__ wins', async () => {
  assert.equal(stepFromName('step-0000120.safetensors'), 120);
  assert.equal(stepFromName('epoch=3-step=1200.safetensors'), 1200);
  assert.equal(stepFromName('model_global_step42.npz'), 42);
  assert.equal(stepFromName('ckpt_epoch_7'), 7);
  assert.equal(stepFromName('final.npz'), undefined);
  // Keras ModelCheckpoint names: the metric after the epoch has a decimal point and is not the step.
  assert.equal(stepFromName('weights.07-0.83.hdf5'), 7);
  assert.equal(stepFromName('ckpt-epoch_12-val_loss_1.25e-3.weights.h5'), 12);
  assert.equal(stepFromName('model_300.weights.h5'), 300);
  const dir = tmp();
  try {
    const t = { w: { dtype: 'F32', shape: [1], bytes: f32Bytes([1]) } };
    fs.writeFileSync(path.join(dir, 'a-1.safetensors'), safetensorsBytes(t, { step: '500' }));
    fs.writeFileSync(path.join(dir, 'b-2.safetensors'), safetensorsBytes(t));
    assert.deepEqual((await scanCheckpointFolder(dir)).checkpoints.map((c) => c.step), [2, 500]);
    fs.writeFileSync(path.join(dir, 'final.safetensors'), safetensorsBytes(t));
    await assert.rejects(scanCheckpointFolder(dir), /final\.safetensors: cannot tell which training step/);
    fs.rmSync(path.join(dir, 'final.safetensors'));
    fs.writeFileSync(path.join(dir, 'c-500.safetensors'), safetensorsBytes(t));
    await assert.rejects(scanCheckpointFolder(dir), /two checkpoints at step 500/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
