import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { requireNativeTfjs, selectBackend } from '../../../analysis/training/backend';

/**
 * The native backends cannot be installed here, so these tests build module folders that fail exactly as
 * the real package does: absent (MODULE_NOT_FOUND), addon missing (tfjs-node's own "native addon module
 * ... can not be found" error), and a broken shared library (a real dlopen failure, ERR_DLOPEN_FAILED).
 */
function fakeInstall(pkg: string, indexJs: string, extra: Record<string, string | Buffer> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-fake-tfjs-'));
  const dir = path.join(root, 'node_modules', '@tensorflow', pkg);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `@tensorflow/${pkg}`, version: '4.22.0', main: 'index.js' }));
  fs.writeFileSync(path.join(dir, 'index.js'), indexJs);
  for (const [name, content] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return root;
}

// What tfjs-node/dist/index.js does when the binding was never downloaded.
const ADDON_MISSING = `
const path = require('path'), fs = require('fs');
const bindingPath = path.join(__dirname, 'lib', 'napi-v8', 'tfjs_binding.node');
if (!fs.existsSync(bindingPath)) throw new Error('The Node.js native addon module (tfjs_binding.node) can not be found at path: ' + bindingPath + '. \\nPlease run command \\'npm rebuild @tensorflow/tfjs-node build-addon-from-source\\' to rebuild the native addon module.');
`;
// A present but unloadable shared library: Node's real dlopen error.
const DLOPEN_FAILS = `require('./lib/napi-v8/tfjs_binding.node');`;

const log = () => undefined;
const log2: string[] = [];

test('absent package: a clear "not installed" reason, and auto falls through to wasm', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-empty-'));
  assert.throws(() => requireNativeTfjs('gpu', empty), /@tensorflow\/tfjs-node-gpu is not installed in .*topolens-empty-/);
  const r = await selectBackend('auto', { tfjsNodePath: empty, log: (m) => log2.push(m) });
  assert.equal(r.backend, 'wasm');
  assert.equal(r.tried.length, 2);
  assert.match(r.tried[0], /^gpu: .*not installed/);
  assert.match(r.tried[1], /^native: .*tfjs-node is not installed/);
  assert.equal(tf.getBackend(), 'wasm');
  assert.ok(log2.some((m) => /gpu unavailable/.test(m)));
  assert.ok(log2.some((m) => /using wasm/.test(m)));
});

test('addon missing: classified, and an explicit gpu choice explains how to fix it', async () => {
  const root = fakeInstall('tfjs-node-gpu', ADDON_MISSING);
  assert.throws(() => requireNativeTfjs('gpu', root), /the native addon is missing/);
  await assert.rejects(selectBackend('gpu', { tfjsNodePath: root, log }), (e: Error) => /GPU backend unavailable: gpu: .*native addon is missing/.test(e.message) && /CUDA 11\.2/.test(e.message) && /TFJS_NODE_BASE_URI/.test(e.message));
});

test('dlopen failure: the real loader error is reported as a native library failure', async () => {
  const root = fakeInstall('tfjs-node', DLOPEN_FAILS, { 'lib/napi-v8/tfjs_binding.node': Buffer.from('this is not an ELF shared object') });
  assert.throws(() => requireNativeTfjs('native', root), /tfjs-node: its native library failed to load/);
  await assert.rejects(selectBackend('native', { tfjsNodePath: root, log }), /native backend unavailable: native: .*failed to load/);
});

test('tfjsNodePath may name the package folder itself; a working package is selected and runs ops', async () => {
  // A stand-in native package: registers a "tensorflow" backend that runs the cpu backend's kernels.
  const cpuPath = require.resolve('@tensorflow/tfjs-backend-cpu');
  const tfPath = require.resolve('@tensorflow/tfjs');
  const WORKING = `
const tf = require(${JSON.stringify(tfPath)});
const { MathBackendCPU } = require(${JSON.stringify(cpuPath)});
for (const k of tf.getKernelsForBackend('cpu')) if (!tf.getKernel(k.kernelName, 'tensorflow')) tf.registerKernel({ ...k, backendName: 'tensorflow' });
tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
module.exports = tf;
`;
  const root = fakeInstall('tfjs-node', WORKING);
  const r = await selectBackend('native', { tfjsNodePath: path.join(root, 'node_modules', '@tensorflow', 'tfjs-node'), log });
  assert.equal(r.backend, 'tensorflow');
  assert.equal(r.tf.getBackend(), 'tensorflow');
  assert.deepEqual(Array.from(r.tf.matMul(r.tf.tensor2d([[1, 2]]), r.tf.tensor2d([[3], [4]])).dataSync()), [11]);
  await tf.setBackend('cpu');
  assert.equal((await selectBackend('cpu', { log })).backend, 'cpu');
});
