import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c, maskCrc, maskedCrc32c } from '../../../analysis/tensorboard/crc32c';
import { frameRecord, readRecords } from '../../../analysis/tensorboard/tfrecord';
import { crc32cBitwise, mask, record, unmask } from './wire';

const ascii = (s: string) => new TextEncoder().encode(s);

test('CRC-32C: the check value and the RFC 3720 (iSCSI) test vectors', () => {
  assert.equal(crc32c(ascii('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  // a sub-range is the CRC of those bytes alone
  const text = ascii('xx123456789yy');
  assert.equal(crc32c(text, 2, 11), 0xe3069283);
});

test('CRC-32C agrees with a bit-by-bit implementation on random data; the mask is TensorFlow\'s (unmask inverts it)', () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  for (let n = 0; n < 300; n += 7) {
    const bytes = Uint8Array.from({ length: n }, rand);
    assert.equal(crc32c(bytes), crc32cBitwise(bytes));
    assert.equal(maskedCrc32c(bytes), mask(crc32cBitwise(bytes)));
    assert.equal(unmask(maskCrc(crc32c(bytes))), crc32c(bytes));
  }
  // rotate right by 15 then add 0xa282ead8, modulo 2^32: worked by hand for crc = 1 (1 rotated is 2^17)
  assert.equal(maskCrc(1), (0x20000 + 0xa282ead8) >>> 0);
  assert.equal(maskCrc(0xffffffff), (0xffffffff + 0xa282ead8) % 2 ** 32);
});

test('TFRecord framing: byte for byte what an independent framer writes, and read back', () => {
  for (const data of [new Uint8Array(0), ascii('brain.Event:2'), Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff)]) {
    assert.deepEqual(Array.from(frameRecord(data)), record(data));
  }
  const file = Uint8Array.from([...record(ascii('a')), ...record(ascii('bc'))]);
  const { records, truncated } = readRecords(file, 'f');
  assert.equal(truncated, undefined);
  assert.deepEqual(records.map((r) => [r.offset, new TextDecoder().decode(r.data)]), [[0, 'a'], [17, 'bc']]);
});
