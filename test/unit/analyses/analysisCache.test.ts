/** The analysis cache: keys follow name, version, parameters (in any order) and the inputs' size and mtime. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheKey, cacheSlot } from '../../../analysis/analyses/cache';

function withDir(body: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-cache-'));
  try {
    body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('equal requests share a key; any change of name, version, parameter or input gives another', () => withDir((dir) => {
  const input = path.join(dir, 'step-0000010.safetensors');
  fs.writeFileSync(input, 'abc');
  const spec = { dir, inputs: [input] };
  const key = cacheKey('weightBarcode', 2, { layer: 'dense1', step: 10 }, spec);
  assert.equal(cacheKey('weightBarcode', 2, { step: 10, layer: 'dense1' }, spec), key, 'parameter order does not matter');
  assert.equal(cacheKey('weightBarcode', 2, { step: 10, layer: 'dense1', force: true, workDoneToken: 'x', runDirs: ['/elsewhere'] }, spec), key, 'request plumbing is not part of the key');
  assert.notEqual(cacheKey('weightBarcode', 3, { layer: 'dense1', step: 10 }, spec), key, 'version');
  assert.notEqual(cacheKey('weightTrees', 2, { layer: 'dense1', step: 10 }, spec), key, 'name');
  assert.notEqual(cacheKey('weightBarcode', 2, { layer: 'dense2', step: 10 }, spec), key, 'parameter');
  assert.notEqual(cacheKey('weightBarcode', 2, { layer: 'dense1', step: 10, nested: { a: 1 } }, spec), key, 'added parameter');
  fs.writeFileSync(input, 'abcd');
  assert.notEqual(cacheKey('weightBarcode', 2, { layer: 'dense1', step: 10 }, spec), key, 'input rewritten (size)');
  const again = cacheKey('weightBarcode', 2, { layer: 'dense1', step: 10 }, spec);
  fs.utimesSync(input, new Date(), new Date(Date.now() + 5000));
  assert.notEqual(cacheKey('weightBarcode', 2, { layer: 'dense1', step: 10 }, spec), again, 'input touched (mtime)');
}));

test('a slot stores and serves a result; force, another version and a corrupt file recompute', () => withDir((dir) => {
  const spec = { dir, inputs: [] };
  const first = cacheSlot<{ bars: number[] }>('series', 1, { a: 1 }, spec);
  assert.equal(first.hit, undefined);
  first.store({ bars: [1, 2] });
  assert.deepEqual(cacheSlot('series', 1, { a: 1 }, spec).hit, { bars: [1, 2] });
  assert.equal(cacheSlot('series', 1, { a: 1 }, spec, true).hit, undefined, 'force ignores the stored result');
  const folder = path.join(dir, 'analysis', 'series');
  const [file] = fs.readdirSync(folder);
  fs.writeFileSync(path.join(folder, file), '{"name":"series","version":1,"res');
  assert.equal(cacheSlot('series', 1, { a: 1 }, spec).hit, undefined, 'a torn cache file is a miss, not an error');
  assert.equal(cacheSlot('series', 1, { a: 1 }, undefined).hit, undefined, 'no spec: never cached');
  assert.equal(fs.readdirSync(folder).filter((f) => f.endsWith('.tmp')).length, 0, 'no temporary files left');
}));
