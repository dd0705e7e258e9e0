/**
 * `npm run bench -- geometry [--runs DIR] [--repeats N] [--sizes 256,1024] [--no-reference]`
 *
 * Grid evaluation + region count (SPEC D): class map, max-probability map and the number of distinct
 * activation patterns per depth, over a size x size grid of the data plane, for the final checkpoints of the
 * regions-moons (2-16-16-2) and regions-spirals (2-32-32-3) presets, trained here with the CLI unless
 * `--runs` names a folder that already holds them. TopoLens: the exact row walk (default) and a forward
 * pass per cell. References in the same run, on the same weights and grid: NumPy (float64 matmuls, bit
 * packing, np.unique) and PyTorch 1.13 CPU (float64, torch.unique), both /usr/bin/python3, each timed
 * inside its process (import and weight loading excluded). Medians of wall and CPU time (process, all
 * threads: on a machine shared with other work the CPU ratio is the steadier one); ratios are reference / TopoLens.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDenseNet, type DenseNet } from '../analysis/analyses/decisionGeometry/denseNet';
import { evaluateGrid } from '../analysis/analyses/decisionGeometry/grid';
import { openRun, trainingSplit } from '../analysis/analyses/decisionGeometry/runData';
import { boundingDomain, type Domain } from '../analysis/analyses/decisionGeometry/plane';
import type { TrainedRunJson } from '../analysis/spec/runFormat';
import { listRuns } from '../analysis/store/runStore';

const PYTHON = '/usr/bin/python3';
const PRESETS = ['regions-moons', 'regions-spirals'];

const PY_SCRIPT = String.raw`
import json, sys, time
import numpy as np
spec = json.load(open(sys.argv[1]))
repeats = spec['repeats']
def grid_points(d, n):
    u = d['uMin'] + (np.arange(n) + 0.5) * (d['uMax'] - d['uMin']) / n
    v = d['vMax'] - (np.arange(n) + 0.5) * (d['vMax'] - d['vMin']) / n
    U, V = np.meshgrid(u, v)
    return np.stack([U.ravel(), V.ravel()], 1)
def words_np(bits):
    # pack each row's bits into int64 words of 62 bits
    n, m = bits.shape
    out = []
    for s in range(0, m, 62):
        chunk = bits[:, s:s + 62].astype(np.int64)
        out.append(chunk @ (np.int64(1) << np.arange(chunk.shape[1], dtype=np.int64)))
    return np.stack(out, 1)
def run_numpy(layers, X):
    h = X
    bits = []
    counts = []
    for k, l in enumerate(layers):
        z = h @ l['W'] + l['b']
        if k < len(layers) - 1:
            on = z > 0
            bits.append(on)
            w = words_np(np.concatenate(bits, 1))
            counts.append(len(np.unique(w[:, 0])) if w.shape[1] == 1 else len(np.unique(w, axis=0)))
            h = np.where(on, z, 0.0)
        else:
            m = z.max(1, keepdims=True)
            e = np.exp(z - m)
            conf = 1.0 / e.sum(1)
            cls = z.argmax(1).astype(np.uint8)
    return cls, conf.astype(np.float32), counts
def run_torch(torch, layers, X):
    h = X
    bits = []
    counts = []
    for k, l in enumerate(layers):
        z = h @ l['W'] + l['b']
        if k < len(layers) - 1:
            on = z > 0
            bits.append(on)
            allb = torch.cat(bits, 1)
            ws = []
            for s in range(0, allb.shape[1], 62):
                c = allb[:, s:s + 62].to(torch.int64)
                ws.append((c * (torch.ones(1, dtype=torch.int64) << torch.arange(c.shape[1], dtype=torch.int64))).sum(1))
            w = torch.stack(ws, 1)
            counts.append(int(torch.unique(w[:, 0]).numel()) if w.shape[1] == 1 else int(torch.unique(w, dim=0).shape[0]))
            h = torch.where(on, z, torch.zeros((), dtype=z.dtype))
        else:
            conf = torch.softmax(z, 1).max(1).values.to(torch.float32)
            cls = z.argmax(1).to(torch.uint8)
    return cls, conf, counts
def median(xs):
    s = sorted(xs); n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
out = []
import torch
torch.set_num_threads(int(spec['threads']))
for case in spec['cases']:
    layers = [{'W': np.array(l['w'], dtype=np.float64).reshape(l['inDim'], l['outDim']), 'b': np.array(l['b'], dtype=np.float64)} for l in case['layers']]
    tl = [{'W': torch.from_numpy(l['W']), 'b': torch.from_numpy(l['b'])} for l in layers]
    X = grid_points(case['domain'], case['size'])
    XT = torch.from_numpy(X)
    tn, tt, cn, ct = [], [], [], []
    for r in range(repeats):
        t0 = time.perf_counter(); c0 = time.process_time(); cls, conf, counts = run_numpy(layers, X); tn.append(1000 * (time.perf_counter() - t0)); cn.append(1000 * (time.process_time() - c0))
        t0 = time.perf_counter(); c0 = time.process_time(); tcls, tconf, tcounts = run_torch(torch, tl, XT); tt.append(1000 * (time.perf_counter() - t0)); ct.append(1000 * (time.process_time() - c0))
    out.append({'numpyMs': median(tn), 'torchMs': median(tt), 'numpyCpuMs': median(cn), 'torchCpuMs': median(ct), 'numpyRegions': counts, 'torchRegions': tcounts,
                'classOnes': [int((cls == c).sum()) for c in range(layers[-1]['W'].shape[1])]})
print(json.dumps({'numpy': np.__version__, 'torch': torch.__version__, 'cases': out}))
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function round(x: number, digits = 2): number {
  return Number(x.toFixed(digits));
}

/** Wall and CPU milliseconds of f (CPU: this process, all threads; the fairer number on a shared machine). */
function timed(f: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

/** The runs of the regions presets: from `--runs`, or trained now with the CLI into a temporary folder. */
function presetRuns(runsArg: string | undefined): { root: string; dirs: Map<string, string>; trained: boolean } {
  const root = runsArg ? path.resolve(runsArg) : fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-bench-decision-'));
  const dirs = new Map<string, string>();
  for (const preset of PRESETS) {
    const found = listRuns(root).find((r) => r.run?.status === 'completed' && r.run.name === preset);
    if (found) { dirs.set(preset, found.dir); continue; }
    const cli = path.join(__dirname, '..', 'analysis', 'cli', 'main.ts');
    const res = spawnSync(process.execPath, ['--import', 'tsx', cli, 'train', '--preset', preset, '--runs', root, '--name', preset], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`training ${preset} failed: ${res.stderr}`);
    const made = listRuns(root).find((r) => r.run?.name === preset && r.run.status === 'completed');
    if (!made) throw new Error(`training ${preset}: no completed run in ${root}`);
    dirs.set(preset, made.dir);
  }
  return { root, dirs, trained: !runsArg };
}

/** The view the analysis opens with: the training data's box plus 10 %. */
function dataDomain(run: TrainedRunJson): Domain {
  return boundingDomain(trainingSplit(run).x, 0.1);
}

export async function run(args: string[]): Promise<object> {
  const opt = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const repeats = Number(opt('--repeats') ?? 7);
  const sizes = (opt('--sizes') ?? '256,1024').split(',').map(Number);
  const withReference = !args.includes('--no-reference');
  const { root, dirs, trained } = presetRuns(opt('--runs'));
  const cases: { preset: string; size: number; net: DenseNet; domain: Domain }[] = [];
  for (const [preset, dir] of dirs) {
    const h = openRun(dir);
    const net = loadDenseNet(h.run, h.checkpoints[h.checkpoints.length - 1].file, h.runJsonFile);
    const domain = dataDomain(h.run);
    for (const size of sizes) cases.push({ preset, size, net, domain });
  }
  const results = cases.map((c) => {
    // warm up both paths once, then alternate so load changes hit both alike
    evaluateGrid(c.net, c.domain, c.size);
    evaluateGrid(c.net, c.domain, c.size, { method: 'cells' });
    const walk: { wall: number; cpu: number }[] = [];
    const cells: { wall: number; cpu: number }[] = [];
    let regions: number[] = [];
    let classCounts: number[] = [];
    for (let r = 0; r < repeats; r++) {
      walk.push(timed(() => {
        const g = evaluateGrid(c.net, c.domain, c.size);
        regions = g.regionsByLayer;
        classCounts = Array.from({ length: c.net.classes }, (_, k) => g.classMap.reduce((a, x) => a + (x === k ? 1 : 0), 0));
      }));
      if (r < Math.max(3, Math.ceil(repeats / 2))) cells.push(timed(() => evaluateGrid(c.net, c.domain, c.size, { method: 'cells' })));
    }
    return { preset: c.preset, size: c.size, layers: c.net.layers.map((l) => `${l.inDim}x${l.outDim}`).join(' '), topolensWalkMs: round(median(walk.map((t) => t.wall))), topolensCellsMs: round(median(cells.map((t) => t.wall))),
      topolensWalkCpuMs: round(median(walk.map((t) => t.cpu))), topolensCellsCpuMs: round(median(cells.map((t) => t.cpu))), regions, classCounts };
  });
  let reference: { numpy: string; torch: string; cases: { numpyMs: number; torchMs: number; numpyCpuMs: number; torchCpuMs: number; numpyRegions: number[]; torchRegions: number[]; classOnes: number[] }[] } | undefined;
  if (withReference) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-bench-decision-py-'));
    try {
      const specFile = path.join(dir, 'spec.json');
      const script = path.join(dir, 'grid.py');
      fs.writeFileSync(script, PY_SCRIPT);
      fs.writeFileSync(specFile, JSON.stringify({
        repeats, threads: os.cpus().length,
        cases: cases.map((c) => ({ size: c.size, domain: c.domain, layers: c.net.layers.map((l) => ({ inDim: l.inDim, outDim: l.outDim, w: Array.from(l.w), b: Array.from(l.b) })) })),
      }));
      const res = spawnSync(PYTHON, [script, specFile], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (res.status !== 0) throw new Error(`${PYTHON} reference failed: ${res.stderr}`);
      reference = JSON.parse(res.stdout) as typeof reference;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (trained) fs.rmSync(root, { recursive: true, force: true });
  return {
    what: 'grid evaluation + region count per depth (class map, max-probability map, distinct activation patterns), float64, medians of wall time and of process CPU time (all threads)',
    repeats,
    loadAverage: os.loadavg().map((x) => round(x)),
    reference: reference ? { numpy: reference.numpy, torch: reference.torch, python: PYTHON } : 'skipped (--no-reference)',
    cases: results.map((r, i) => {
      const ref = reference?.cases[i];
      return {
        ...r,
        ...(ref ? {
          numpyMs: round(ref.numpyMs), torchMs: round(ref.torchMs), numpyCpuMs: round(ref.numpyCpuMs), torchCpuMs: round(ref.torchCpuMs),
          numpyOverWalk: round(ref.numpyMs / r.topolensWalkMs), torchOverWalk: round(ref.torchMs / r.topolensWalkMs),
          numpyOverWalkCpu: round(ref.numpyCpuMs / r.topolensWalkCpuMs), torchOverWalkCpu: round(ref.torchCpuMs / r.topolensWalkCpuMs),
          numpyOverCellsCpu: round(ref.numpyCpuMs / r.topolensCellsCpuMs),
          sameRegions: JSON.stringify(ref.numpyRegions) === JSON.stringify(r.regions) && JSON.stringify(ref.torchRegions) === JSON.stringify(r.regions),
          sameClassCounts: JSON.stringify(ref.classOnes) === JSON.stringify(r.classCounts),
          referenceRegions: ref.numpyRegions,
        } : {}),
      };
    }),
  };
}
