import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../../../analysis/store/safetensors';

const f32 = (shape: number[], values: number[]): NamedTensor => ({ dtype: 'F32', shape, data: Float32Array.from(values) });

test('encodes the exact safetensors byte layout (u64 LE length, space-padded JSON, contiguous LE data sorted by name)', () => {
  const bytes = encodeSafetensors({ b: f32([2], [1, -2]), a: f32([1, 1], [0.5]) }, { step: '7' });
  const header = '{"__metadata__":{"step":"7"},"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}';
  const padded = header + ' '.repeat((8 - ((8 + header.length) % 8)) % 8);
  const n = Buffer.alloc(8);
  n.writeBigUInt64LE(BigInt(padded.length));
  const data = Buffer.alloc(12);
  data.writeFloatLE(0.5, 0);
  data.writeFloatLE(1, 4);
  data.writeFloatLE(-2, 8);
  assert.deepEqual(Buffer.from(bytes), Buffer.concat([n, Buffer.from(padded, 'utf8'), data]));
  assert.equal((8 + padded.length) % 8, 0, 'tensor data starts 8-byte aligned');
});

test('round-trips tensors and metadata, including empty and scalar shapes', () => {
  const tensors = { 'dense1/kernel': f32([3, 2], [1, 2, 3, 4, 5, 6]), 'dense1/bias': f32([2], [0.25, -0.125]), scalar: f32([], [Math.PI]), empty: f32([0, 4], []) };
  const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors, { a: 'x', b: 'y' }), 'mem');
  assert.deepEqual(metadata, { a: 'x', b: 'y' });
  for (const [k, t] of Object.entries(tensors)) {
    assert.deepEqual(back[k].shape, t.shape);
    assert.deepEqual(Array.from(back[k].data), Array.from(new Float32Array(t.data)));
  }
});

test('decoded arrays are copies, never views of the file buffer', () => {
  const bytes = encodeSafetensors({ w: f32([2], [1, 2]) });
  const { tensors } = decodeSafetensors(bytes, 'mem');
  bytes.fill(0);
  assert.deepEqual(Array.from(tensors.w.data), [1, 2]);
});

test('corrupt input gives a clear error naming the file', () => {
  const good = encodeSafetensors({ w: f32([4], [1, 2, 3, 4]) });
  const cases: [Uint8Array, RegExp][] = [
    [good.subarray(0, 5), /ckpt\.safetensors: .*truncated/],
    [good.subarray(0, good.length - 3), /ckpt\.safetensors: .*(truncated|ends at byte)/],
    [Uint8Array.from([...good, 0, 0, 0, 0]), /ckpt\.safetensors: .*trailing bytes/],
    [(() => { const b = good.slice(); b[8] = 0x41; return b; })(), /ckpt\.safetensors: .*not JSON/],
  ];
  for (const [bytes, re] of cases) assert.throws(() => decodeSafetensors(bytes, 'ckpt.safetensors'), re);
});

test('rejects unknown dtypes (naming the tensor) and gaps between tensors', () => {
  const mk = (header: object, dataLen: number) => {
    const json = Buffer.from(JSON.stringify(header));
    const n = Buffer.alloc(8);
    n.writeBigUInt64LE(BigInt(json.length));
    return new Uint8Array(Buffer.concat([n, json, Buffer.alloc(dataLen)]));
  };
  assert.throws(() => decodeSafetensors(mk({ x: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }, 4), 'f'), /^Error: f: .*tensor "x" has dtype F8_E4M3, which TopoLens cannot read/);
  assert.throws(() => decodeSafetensors(mk({ x: { dtype: 'F16', shape: [2], data_offsets: [0, 8] } }, 8), 'f'), /tensor "x" spans 8 bytes but its shape \[2\] of F16 needs 4/);
  assert.throws(() => decodeSafetensors(mk({ x: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), 'f'), /contiguous/);
  assert.throws(() => encodeSafetensors({ x: f32([3], [1, 2]) }), /shape \[3\]/);
});
