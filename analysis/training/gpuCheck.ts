import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { execFile } from 'node:child_process';
import { GPU_HELP } from './backend';
import type { GpuCheckItem, GpuCheckReport } from '../worker/protocol/system';

/**
 * "TopoLens: Set Up GPU Backend": checks, one by one, everything tfjs-node-gpu needs and says exactly what
 * is missing. The addon is loaded in a separate Node process, so a crashing native library (a wrong CUDA
 * build can abort the process) cannot take the worker down.
 *
 * tfjs-node-gpu 4.x links libtensorflow 2.9 built for CUDA 11.2 and cuDNN 8.1 (Linux/Windows x64 only).
 */
const PKG = '@tensorflow/tfjs-node-gpu';
const CUDA_LIBS_LINUX = ['libcudart.so.11.0', 'libcublas.so.11', 'libcublasLt.so.11', 'libcufft.so.10', 'libcurand.so.10', 'libcusolver.so.11', 'libcusparse.so.11', 'libcudnn.so.8'];
const CUDA_LIBS_WINDOWS = ['cudart64_110.dll', 'cublas64_11.dll', 'cufft64_10.dll', 'curand64_10.dll', 'cusolver64_11.dll', 'cusparse64_11.dll', 'cudnn64_8.dll'];

function run(cmd: string, args: string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, env: env ?? process.env, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, stdout: String(stdout), stderr: String(stderr), error: e?.message });
    });
  });
}

/** Folders the dynamic loader searches (roughly): LD_LIBRARY_PATH / PATH, the CUDA defaults, ldconfig's cache. */
async function findLibraries(names: string[]): Promise<Map<string, string | undefined>> {
  const found = new Map<string, string | undefined>(names.map((n) => [n, undefined]));
  const win = process.platform === 'win32';
  const dirs = [
    ...(process.env[win ? 'PATH' : 'LD_LIBRARY_PATH'] ?? '').split(path.delimiter).filter(Boolean),
    ...(win ? [] : ['/usr/local/cuda/lib64', '/usr/local/cuda-11.2/lib64', '/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib']),
  ];
  for (const n of names) {
    const dir = dirs.find((d) => fs.existsSync(path.join(d, n)));
    if (dir) found.set(n, path.join(dir, n));
  }
  if (!win && [...found.values()].some((v) => v === undefined)) {
    const r = await run('/sbin/ldconfig', ['-p'], 10_000);
    for (const line of r.stdout.split('\n')) {
      const m = /^\s*(\S+)\s.*=>\s*(\S+)/.exec(line);
      if (m && found.has(m[1]) && found.get(m[1]) === undefined) found.set(m[1], m[2]);
    }
  }
  return found;
}

/** Script run in a child Node: load the package, select its backend, multiply two matrices. */
const PROBE_SCRIPT = `
const { createRequire } = require('module');
const req = createRequire(process.argv[1]);
const out = {};
try {
  const t0 = Date.now();
  const tf = req(${JSON.stringify(PKG)});
  out.loadMs = Date.now() - t0;
  tf.setBackend('tensorflow').then(() => {
    const b = tf.backend();
    out.gpu = b.isUsingGpuDevice !== false;
    const t1 = Date.now();
    const a = tf.randomNormal([512, 512]);
    const c = tf.matMul(a, a).sum().dataSync()[0];
    out.matmulMs = Date.now() - t1;
    out.ok = Number.isFinite(c);
    out.version = tf.version && tf.version['tfjs-core'];
    process.stdout.write('@@' + JSON.stringify(out));
  }, (e) => { out.error = String(e && e.message || e); process.stdout.write('@@' + JSON.stringify(out)); });
} catch (e) {
  out.error = (e.code ? e.code + ': ' : '') + String(e.message).split('\\n')[0];
  process.stdout.write('@@' + JSON.stringify(out));
}
`;

export async function checkGpuSetup(tfjsNodePath?: string): Promise<GpuCheckReport> {
  const checks: GpuCheckItem[] = [];
  const hints: string[] = [];
  const platform = `${process.platform}-${process.arch}`;
  const supported = (process.platform === 'linux' || process.platform === 'win32') && process.arch === 'x64';
  checks.push({ name: 'Platform', ok: supported, detail: supported ? platform : `${platform}: tfjs-node-gpu only exists for Linux and Windows on x64` });

  const smi = await run(process.platform === 'win32' ? 'nvidia-smi.exe' : 'nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], 15_000);
  const gpus = smi.code === 0 ? smi.stdout.trim() : '';
  checks.push({ name: 'NVIDIA driver', ok: gpus.length > 0, detail: gpus ? gpus.split('\n').join('; ') : `nvidia-smi did not run (${(smi.error ?? smi.stderr).split('\n')[0].trim() || 'not found'})` });
  if (!gpus) hints.push('Install the NVIDIA driver (nvidia-smi must list your GPU).');

  const libs = await findLibraries(process.platform === 'win32' ? CUDA_LIBS_WINDOWS : CUDA_LIBS_LINUX);
  const missing = [...libs].filter(([, p]) => !p).map(([n]) => n);
  checks.push({ name: 'CUDA 11.2 / cuDNN 8.1 libraries', ok: missing.length === 0, detail: missing.length ? `not found: ${missing.join(', ')}` : [...libs.values()].join(', ') });
  if (missing.length) hints.push(`Install CUDA 11.2 and cuDNN 8.1 and put their lib folders on ${process.platform === 'win32' ? 'PATH' : 'LD_LIBRARY_PATH'} (missing: ${missing.join(', ')}).`);

  let pkgDir: string | undefined;
  const base = tfjsNodePath ? path.resolve(tfjsNodePath) : undefined;
  if (!base) {
    checks.push({ name: 'topolens.tfjsNodePath', ok: false, detail: 'not set' });
    hints.push('Create a folder, run `npm install @tensorflow/tfjs-node-gpu` in it, and set "topolens.tfjsNodePath" to that folder.');
  } else {
    for (const from of [base, path.resolve(base, '..', '..', '..')]) {
      try {
        pkgDir = path.dirname(createRequire(path.join(from, 'noop.js')).resolve(`${PKG}/package.json`));
        break;
      } catch {
        // try the next form of the setting
      }
    }
    const version = pkgDir ? (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version?: string }).version : undefined;
    checks.push({ name: `${PKG} package`, ok: !!pkgDir, detail: pkgDir ? `${pkgDir} (version ${version})` : `not installed in ${base}` });
    if (!pkgDir) hints.push(`Run \`npm install @tensorflow/tfjs-node-gpu\` in ${base}.`);
  }

  if (pkgDir) {
    const addon = findAddon(pkgDir);
    checks.push({ name: 'Native addon (tfjs_binding.node)', ok: !!addon, detail: addon ?? `missing under ${path.join(pkgDir, 'lib')}: the install did not download libtensorflow` });
    if (!addon) hints.push('Reinstall tfjs-node-gpu with access to storage.googleapis.com, or set TFJS_NODE_BASE_URI / npm_config_tfjs_binding_binary_host_mirror to a mirror, then `npm rebuild @tensorflow/tfjs-node-gpu`.');
    const r = await run(process.execPath, ['-e', PROBE_SCRIPT, path.join(base!, 'noop.js')], 180_000, { ...process.env, ELECTRON_RUN_AS_NODE: '1' });
    const at = r.stdout.lastIndexOf('@@');
    const res = at >= 0 ? (JSON.parse(r.stdout.slice(at + 2)) as { ok?: boolean; gpu?: boolean; error?: string; matmulMs?: number; loadMs?: number }) : { error: `the check process exited with code ${r.code}: ${(r.stderr || r.error || '').split('\n').slice(-3).join(' ').trim()}` };
    checks.push({ name: 'Addon loads', ok: !res.error, detail: res.error ?? `loaded in ${res.loadMs} ms` });
    if (!res.error) {
      checks.push({ name: 'GPU visible to TensorFlow', ok: !!res.gpu, detail: res.gpu ? 'yes' : 'no: TensorFlow fell back to the CPU (CUDA/cuDNN not loadable)' });
      checks.push({ name: 'Tiny matmul (512x512)', ok: !!res.ok, detail: res.ok ? `ran in ${res.matmulMs} ms` : 'did not produce a finite result' });
    } else {
      hints.push(/DLOPEN|cannot open shared object|\.so/i.test(res.error) ? `The native library failed to load: ${res.error}. Usually a missing or mismatched CUDA/cuDNN.` : `Loading failed: ${res.error}`);
    }
  }
  const ok = checks.every((c) => c.ok);
  if (!ok) hints.push(GPU_HELP);
  return { ok, platform, tfjsNodePath, checks, hints };
}

function findAddon(pkgDir: string): string | undefined {
  const lib = path.join(pkgDir, 'lib');
  if (!fs.existsSync(lib)) return undefined;
  for (const d of fs.readdirSync(lib)) {
    const f = path.join(lib, d, 'tfjs_binding.node');
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}
