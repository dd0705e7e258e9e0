/**
 * `npm run bench -- manifold [--sizes 500,2000] [--repeats 3] [--no-reference]`
 *
 * The prediction manifold's cost (issue 10): Bhattacharyya distances between m checkpoints on a 1,000-sample,
 * 10-class probe set, then InPCA (double centring + top-10 eigenpairs by |lambda|), for m = 500 and 2,000.
 * Reference in the same run, on the same .npy file: NumPy (the authors' stack: float32 batched matmul of the
 * square roots over sample chunks as in their utils/distance.py `dbhat`, -log, the same clamps, then
 * numpy.linalg.eigh of the float64 W). Every measurement runs in a fresh child process (its own peak RSS),
 * ours and NumPy's interleaved; medians and ratios (NumPy / ours) of wall and CPU time (all threads; on a
 * shared machine CPU time is the steadier number). The top eigenvalues of both are compared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32, gaussianSource } from '../analysis/linalg/random';

const PYTHON = '/usr/bin/python3';
const N = 1000;
const C = 10;
const K = 10;

/**
 * Checkpoint-like probability models: `runs` trajectories, each a softmax of logits s(t) A_r + B (a shared
 * start, a run-specific direction, growing confidence), so distances span the range real studies have.
 */
function trajectoryProbs(m: number, seed: number): Float32Array {
  const g = gaussianSource(mulberry32(seed));
  const runs = 10;
  const B = Float64Array.from({ length: N * C }, () => 0.3 * g());
  const A = Array.from({ length: runs }, () => Float64Array.from({ length: N * C }, () => g()));
  const out = new Float32Array(m * N * C);
  const logits = new Float64Array(C);
  for (let p = 0; p < m; p++) {
    const r = p % runs;
    const t = Math.floor(p / runs) / Math.max(1, Math.ceil(m / runs) - 1);
    const s = 4 * Math.log1p(9 * t);
    for (let n = 0; n < N; n++) {
      let max = -Infinity;
      for (let c = 0; c < C; c++) {
        logits[c] = s * A[r][n * C + c] + B[n * C + c];
        max = Math.max(max, logits[c]);
      }
      let sum = 0;
      for (let c = 0; c < C; c++) sum += (logits[c] = Math.exp(logits[c] - max));
      for (let c = 0; c < C; c++) out[(p * N + n) * C + c] = logits[c] / sum;
    }
  }
  return out;
}

function npy(data: Float32Array, shape: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

const NUMPY_SCRIPT = `
import json, resource, sys, time
import numpy as np
a = np.load(sys.argv[1])
t0 = time.perf_counter(); c0 = time.process_time()
m, N, C = a.shape
s = np.sqrt(a).transpose(1, 0, 2).copy()           # [N, m, C], square roots once
D = np.zeros((m, m))
chunk = max(1, int(2**25 // (m * m)))                 # ~128 MB of float32 per chunk of samples
for i in range(0, N, chunk):
    w = -np.log(np.matmul(s[i:i+chunk], s[i:i+chunk].transpose(0, 2, 1)))
    w[w == np.inf] = 100
    w[w < 0] = 0
    D += w.sum(0)
D /= N
np.fill_diagonal(D, 0)
t1 = time.perf_counter()
L = np.eye(m) - 1.0 / m
W = -0.5 * L @ D @ L
vals, vecs = np.linalg.eigh(W)
order = np.argsort(-np.abs(vals))[:${K}]
t2 = time.perf_counter()
print(json.dumps({"distanceMs": 1000 * (t1 - t0), "eigenMs": 1000 * (t2 - t1), "totalMs": 1000 * (t2 - t0), "cpuMs": 1000 * (time.process_time() - c0),
                  "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "eigenvalues": vals[order].tolist()}))
`;

interface Measurement { distanceMs: number; eigenMs: number; totalMs: number; cpuMs: number; maxRssMB: number; eigenvalues: number[]; kernel?: string; method?: string }

/** Our side, in a fresh process: read the .npy, distances, InPCA. */
async function child(file: string): Promise<void> {
  const { parseNpy } = await import('../analysis/analyses/predictionManifold/npy');
  const { bhattacharyyaMatrix } = await import('../analysis/analyses/predictionManifold/bhattacharyya');
  const { inpca } = await import('../analysis/analyses/predictionManifold/inpca');
  const { shape, data } = parseNpy(readFileSync(file), file);
  const [m, samples, classes] = shape;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { D, kernel } = bhattacharyyaMatrix({ data, m, samples, classes });
  const t1 = performance.now();
  const e = inpca(D, m, { components: K });
  const t2 = performance.now();
  const out: Measurement = {
    distanceMs: t1 - t0, eigenMs: t2 - t1, totalMs: t2 - t0, cpuMs: cpuMs(process.cpuUsage(c0)), maxRssMB: process.resourceUsage().maxRSS / 1024,
    eigenvalues: Array.from(e.eigenvalues), kernel, method: e.method,
  };
  console.log(JSON.stringify(out));
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

function measure(cmd: string, args: string[]): Measurement {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Measurement;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const round = (x: number, d = 3): number => Number(x.toFixed(d));

export async function run(args: string[]): Promise<object> {
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const sizes = (opt('--sizes') ?? '500,2000').split(',').map(Number);
  const repeats = Number(opt('--repeats') ?? 3);
  const reference = !args.includes('--no-reference');
  const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-manifold-'));
  const cases = [];
  try {
    const py = join(dir, 'numpy_manifold.py');
    writeFileSync(py, NUMPY_SCRIPT);
    for (const m of sizes) {
      const file = join(dir, `probs-${m}.npy`);
      writeFileSync(file, npy(trajectoryProbs(m, m), [m, N, C]));
      const ours: Measurement[] = [];
      const theirs: Measurement[] = [];
      for (let r = 0; r < repeats; r++) {
        ours.push(measure(process.execPath, ['--import', 'tsx', __filename, '--child', file]));
        if (reference) theirs.push(measure(PYTHON, [py, file]));
      }
      const summary = (ms: Measurement[]) => ({
        totalSeconds: round(median(ms.map((x) => x.totalMs)) / 1000),
        cpuSeconds: round(median(ms.map((x) => x.cpuMs)) / 1000),
        distanceSeconds: round(median(ms.map((x) => x.distanceMs)) / 1000),
        eigenSeconds: round(median(ms.map((x) => x.eigenMs)) / 1000),
        peakRssMB: round(median(ms.map((x) => x.maxRssMB)), 0),
        runsSeconds: ms.map((x) => round(x.totalMs / 1000)),
      });
      const o = summary(ours);
      const entry: Record<string, unknown> = { m, samples: N, classes: C, components: K, ours: { ...o, kernel: ours[0].kernel, method: ours[0].method } };
      if (reference) {
        const t = summary(theirs);
        const lo = ours[0].eigenvalues;
        const hi = theirs[0].eigenvalues;
        entry.numpy = t;
        entry.ratio = { total: round(t.totalSeconds / o.totalSeconds, 2), cpu: round(t.cpuSeconds / o.cpuSeconds, 2), distances: round(t.distanceSeconds / o.distanceSeconds, 2), eigen: round(t.eigenSeconds / o.eigenSeconds, 2) };
        entry.eigenvalueMaxRelDiff = Number((Math.max(...lo.map((x, i) => Math.abs(x - hi[i]))) / Math.abs(hi[0])).toExponential(2));
      }
      cases.push(entry);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    note: 'medians of fresh processes, ours and NumPy interleaved; ratio = NumPy / ours (> 1: we are faster); goal: m = 2000 under 3 s and ahead of NumPy',
    numpy: spawnSync(PYTHON, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' }).stdout.trim(),
    loadavgAtEnd: loadavg().map((x) => round(x, 2)),
    repeats,
    cases,
  };
}

if (require.main === module && process.argv.includes('--child')) {
  child(process.argv[process.argv.indexOf('--child') + 1]).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
