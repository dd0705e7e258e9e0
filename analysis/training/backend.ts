import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import * as tfjs from '@tensorflow/tfjs';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { registerWasmConvGradKernels } from './wasmKernels';
import type { Tf } from './tf';

/**
 * Choosing a TensorFlow.js backend. `auto` tries, in order, tfjs-node-gpu (CUDA), tfjs-node (native CPU),
 * wasm (XNNPACK, SIMD) and the pure-JS cpu backend; each failure is logged with its reason and the next
 * is tried. An explicit choice that cannot load is an error saying why and how to fix it.
 *
 * The native packages cannot ship in a VSIX (platform- and CUDA-specific, they download libtensorflow at
 * install time), so they are loaded from `tfjsNodePath`: a folder where the user ran
 * `npm install @tensorflow/tfjs-node-gpu` (or the package folder itself); failing that, from wherever Node
 * resolves them (a source checkout).
 */
import type { BackendPreference } from '../worker/protocol/training';

export type { BackendPreference };
export const BACKEND_PREFERENCES: BackendPreference[] = ['auto', 'gpu', 'native', 'wasm', 'cpu'];

type Candidate = 'gpu' | 'native' | 'wasm' | 'cpu';

export const GPU_HELP =
  'tfjs-node-gpu needs Linux or Windows x64, an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 libraries on the library path, ' +
  'and a successful `npm install @tensorflow/tfjs-node-gpu` in a folder of your choice (the install downloads libtensorflow from Google storage; ' +
  'without access to it set TFJS_NODE_BASE_URI or npm_config_tfjs_binding_binary_host_mirror to a mirror). ' +
  'Then set "topolens.tfjsNodePath" to that folder and run "TopoLens: Set Up GPU Backend" to check it.';
export const NATIVE_HELP =
  'tfjs-node needs `npm install @tensorflow/tfjs-node` in a folder of your choice (it downloads libtensorflow at install time; ' +
  'TFJS_NODE_BASE_URI or npm_config_tfjs_binding_binary_host_mirror point it at a mirror); then set "topolens.tfjsNodePath" to that folder.';

const PACKAGE: Record<'gpu' | 'native', string> = { gpu: '@tensorflow/tfjs-node-gpu', native: '@tensorflow/tfjs-node' };

/** Loads a native tfjs package; throws an Error whose message classifies the failure. */
export function requireNativeTfjs(kind: 'gpu' | 'native', tfjsNodePath: string | undefined): { module: Tf; from: string } {
  const pkg = PACKAGE[kind];
  const requirers: NodeRequire[] = [];
  if (tfjsNodePath) {
    if (!fs.existsSync(tfjsNodePath)) throw new Error(`${pkg}: topolens.tfjsNodePath "${tfjsNodePath}" does not exist`);
    requirers.push(createRequire(path.join(path.resolve(tfjsNodePath), 'noop.js')));
    // The folder may also be the package folder itself (…/node_modules/@tensorflow/tfjs-node-gpu).
    const parent = path.resolve(tfjsNodePath, '..', '..', '..');
    requirers.push(createRequire(path.join(parent, 'noop.js')));
  } else {
    requirers.push(createRequire(__filename));
  }
  let notFound: Error | undefined;
  for (const req of requirers) {
    let resolved: string;
    try {
      resolved = req.resolve(pkg);
    } catch (e) {
      notFound ??= e as Error;
      continue;
    }
    try {
      return { module: req(resolved) as Tf, from: path.dirname(resolved) };
    } catch (e) {
      throw new Error(describeLoadFailure(pkg, e as NodeJS.ErrnoException));
    }
  }
  const where = tfjsNodePath ? `in ${tfjsNodePath}` : '(topolens.tfjsNodePath is not set)';
  throw new Error(`${pkg} is not installed ${where}${notFound ? ` (${notFound.message.split('\n')[0]})` : ''}`);
}

function describeLoadFailure(pkg: string, e: NodeJS.ErrnoException): string {
  const first = String(e.message).split('\n')[0];
  if (e.code === 'ERR_DLOPEN_FAILED') return `${pkg}: its native library failed to load (${first}); usually a missing or wrong-version CUDA/cuDNN or libtensorflow`;
  if (/native addon module|tfjs_binding\.node/i.test(first)) return `${pkg}: the native addon is missing (${first}); the install did not download/build libtensorflow`;
  if (e.code === 'MODULE_NOT_FOUND') return `${pkg}: a dependency is missing (${first})`;
  return `${pkg}: failed to load (${e.code ? e.code + ': ' : ''}${first})`;
}

/** Folder of the tfjs wasm binaries: dist/wasm beside the bundle, else the npm package. Trailing slash kept. */
export function wasmBinaryDir(): string {
  const bundled = path.join(__dirname, 'wasm');
  if (fs.existsSync(path.join(bundled, 'tfjs-backend-wasm-simd.wasm'))) return bundled + path.sep;
  // createRequire: resolved at run time (a source checkout), not by the bundler.
  return path.join(path.dirname(createRequire(__filename).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

const BACKEND_NAME: Record<Candidate, string> = { gpu: 'tensorflow', native: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };
let wasmPathsSet = false;

async function tryCandidate(c: Candidate, tfjsNodePath: string | undefined): Promise<Tf> {
  const tf = tfjs as unknown as Tf;
  if (c === 'gpu' || c === 'native') {
    const { module } = requireNativeTfjs(c, tfjsNodePath);
    const native = typeof module.setBackend === 'function' ? module : tf;
    if (!(await native.setBackend('tensorflow'))) throw new Error(`${PACKAGE[c]} loaded but the "tensorflow" backend did not initialise`);
    if (c === 'gpu' && !isGpuBackend(native)) throw new Error(`${PACKAGE[c]} loaded but TensorFlow sees no GPU (CUDA device not found)`);
    return native;
  }
  if (c === 'wasm') {
    if (!wasmPathsSet) {
      tfWasm.setWasmPaths(wasmBinaryDir());
      wasmPathsSet = true;
    }
    registerWasmConvGradKernels(tf);
    if (!(await tf.setBackend('wasm'))) throw new Error(`wasm backend did not initialise (binaries looked up in ${wasmBinaryDir()})`);
    return tf;
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend did not initialise');
  return tf;
}

/** tfjs-node-gpu silently falls back to CPU when CUDA is absent; its backend reports GPU use via isUsingGpuDevice. */
function isGpuBackend(tf: Tf): boolean {
  const b = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
  return b.isUsingGpuDevice !== false;
}

export async function selectBackend(
  pref: BackendPreference,
  opts: { tfjsNodePath?: string; log: (msg: string) => void },
): Promise<{ tf: Tf; backend: string; tried: string[] }> {
  const order: Candidate[] = pref === 'auto' ? ['gpu', 'native', 'wasm', 'cpu'] : [pref];
  const tried: string[] = [];
  for (const c of order) {
    try {
      const tf = await tryCandidate(c, opts.tfjsNodePath);
      const backend = c === 'gpu' ? 'tensorflow-gpu' : c === 'native' ? 'tensorflow' : c;
      opts.log(`backend: using ${backend}${tried.length ? ` (after: ${tried.join('; ')})` : ''}`);
      return { tf, backend, tried };
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0];
      tried.push(`${c}: ${reason}`);
      if (pref === 'auto') opts.log(`backend: ${c} unavailable: ${reason}`);
      // A failed init can leave the engine pointing at a dead backend; drop it so later ops do not throw.
      const tf = tfjs as unknown as Tf;
      const name = BACKEND_NAME[c];
      if (name === 'tensorflow' && tf.findBackendFactory(name) && tf.getBackend() !== name) tf.removeBackend(name);
    }
  }
  if (pref === 'gpu') throw new Error(`GPU backend unavailable: ${tried.join('; ')}. ${GPU_HELP}`);
  if (pref === 'native') throw new Error(`native backend unavailable: ${tried.join('; ')}. ${NATIVE_HELP}`);
  throw new Error(`no TensorFlow.js backend could be loaded: ${tried.join('; ')}`);
}
