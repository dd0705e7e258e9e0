/**
 * `npm run bench -- lossBarcode [--reps 3] [--quick]`: the loss barcode's cost, against PyTorch in the same run.
 *
 * - Minima: K = 4 runs per architecture (MLP 784-16-10 and 784-64-10, 2,000 MNIST digits, 5 epochs, wasm
 *   backend): minima per second of training.
 * - One pair, interleaved repetitions, medians: our path optimisation (in-process, one thread) against the
 *   same algorithm in PyTorch (bench/lossBarcodePath.py: same endpoints, data, minibatch order, points,
 *   iterations, midpoint insertion and final evaluation; all points batched) with 2 threads and with 1.
 * - Both cores: the 6 pairs of the K = 4 barcode on 2 pair threads, wall time / 6 (thread start-up and data
 *   loading included) against PyTorch's time per pair, with 2 threads and with its better setting.
 * - `topolens sublevel` (SPEC B step 5) on 100,000 three-hump-camel samples, k = 6, CSV parsing included,
 *   against scikit-learn NearestNeighbors + union-find (bench/sublevelReference.py, after loading), and the
 *   high-dimensional exact path on 4,000 samples in R^64.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { trainRun } from '../analysis/training/train';
import { parseTrainConfig } from '../analysis/spec/trainConfig';
import { computeLossBarcode } from '../analysis/analyses/lossBarcode/analysis';
import { prepareBarcode } from '../analysis/analyses/lossBarcode/prepare';
import { minibatchOrder } from '../analysis/analyses/lossBarcode/networkObjective';
import { runSublevel } from '../analysis/cli/commands/sublevel';
import { knnSublevelBarcode } from '../analysis/analyses/lossBarcode/knnSublevel';
import { mulberry32 } from '../analysis/linalg/random';

const PYTHON = process.env.TOPOLENS_PYTHON ?? '/usr/bin/python3';
const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function pythonHas(module: string): boolean {
  try {
    execFileSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A persistent PyTorch process: one JSON job path per line in, one JSON result per line out. */
function torchServer() {
  const proc = spawn(PYTHON, [path.join(__dirname, 'lossBarcodePath.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: proc.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  return {
    run(job: string): Promise<{ ms: number; barrier: number; straight: number; points: number }> {
      return new Promise((resolve) => { waiting.push((l) => resolve(JSON.parse(l))); proc.stdin.write(`${job}\n`); });
    },
    close: () => proc.stdin.end(),
  };
}

async function trainMinima(root: string, hidden: number[], k: number): Promise<{ dirs: string[]; seconds: number }> {
  const dirs: string[] = [];
  const t = Date.now();
  for (let s = 1; s <= k; s++) {
    const config = parseTrainConfig({
      dataset: { kind: 'mnist', subset: 'stratified', trainSize: 2000, testSize: 1000 },
      model: { kind: 'mlp', hidden, activation: 'relu', bias: true }, init: { kind: 'he-normal' },
      optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 }, batchSize: 100, epochs: 5, seeds: { init: s, shuffle: s },
      checkpoints: { kind: 'log', count: 4 }, probe: { size: 100, split: 'test' }, evaluation: { trainSize: 'all', testSize: 'all' },
    }, 'bench');
    const r = await trainRun({ config, runsRoot: root, name: `bench-${hidden.join('x')}-s${s}`, backend: 'wasm', isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
    if (r.status !== 'completed') throw new Error(`bench: training failed: ${r.error?.message}`);
    dirs.push(r.runDir);
  }
  return { dirs, seconds: (Date.now() - t) / 1000 };
}

/** Files and the job description the PyTorch script reads for pair (0, 1) of `dirs`. */
function writeTorchJob(dir: string, runDirs: string[], threads: number): string {
  const prep = prepareBarcode(runDirs.slice(0, 2), {});
  const s = prep.settings;
  const f = (name: string, data: ArrayBufferView) => { const file = path.join(dir, name); fs.writeFileSync(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)); return file; };
  const order = minibatchOrder(prep.data.train.n, s.batchSize, s.seed);
  const batches = new Int32Array(s.iterations * s.batchSize);
  for (let it = 0; it < s.iterations; it++) batches.set(order(it), it * s.batchSize);
  const job = {
    D: prep.set.layers[0].inUnits, classes: prep.set.layers[prep.set.layers.length - 1].units, threads,
    trainX: f('trainX.f32', prep.data.train.x), trainY: f('trainY.i32', prep.data.train.y),
    evalX: f('evalX.f32', prep.evalSet.x), evalY: f('evalY.i32', prep.evalSet.y), batches: f('batches.i32', batches),
    thetaA: f('thetaA.f32', Float32Array.from(prep.thetas[0])), thetaB: f('thetaB.f32', Float32Array.from(prep.thetas[1])),
    layers: prep.set.layers.map((l) => [l.inUnits, l.units, l.bias, l.activation]),
    points: s.points, iterations: s.iterations, lr: s.lr, batch: s.batchSize, insertEvery: s.insertEvery, insertCount: s.insertCount, maxPoints: s.maxPoints, interpolate: s.interpolate,
  };
  const file = path.join(dir, `job-${threads}.json`);
  fs.writeFileSync(file, JSON.stringify(job));
  return file;
}

function camelCsv(file: string, n: number): void {
  const rand = mulberry32(2024);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = 4 * rand() - 2;
    const y = 4 * rand() - 2;
    lines.push(`${x},${y},${2 * x * x - 1.05 * x ** 4 + x ** 6 / 6 + x * y + y * y}`);
  }
  fs.writeFileSync(file, lines.join('\n'));
}

export async function run(args: string[]): Promise<object> {
  const reps = Number(args[args.indexOf('--reps') + 1]) || 3;
  const quick = args.includes('--quick');
  const torch = pythonHas('torch');
  const sklearn = pythonHas('sklearn');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-bench-lossbarcode-'));
  try {
    const architectures = quick ? [[16]] : [[16], [64]];
    const pairs: object[] = [];
    const server = torch ? torchServer() : undefined;
    for (const hidden of architectures) {
      const K = 4;
      const { dirs, seconds } = await trainMinima(root, hidden, K);
      const pairCount = (K * (K - 1)) / 2;
      const jobDir = fs.mkdtempSync(path.join(root, 'job-'));
      const job2 = torch ? writeTorchJob(jobDir, dirs, 2) : '';
      const job1 = torch ? writeTorchJob(jobDir, dirs, 1) : '';
      const ours1: number[] = [];
      const ours2: number[] = [];
      const torch2: number[] = [];
      const torch1: number[] = [];
      let check: object = {};
      for (let r = 0; r < reps; r++) {
        const one = await computeLossBarcode({ runDirs: dirs.slice(0, 2), threads: 1, force: true });
        ours1.push(one.pairs[0].computeMs);
        const t = Date.now();
        await computeLossBarcode({ runDirs: dirs, threads: 2, force: true });
        ours2.push((Date.now() - t) / pairCount);
        if (server) {
          const a = await server.run(job2);
          torch2.push(a.ms);
          torch1.push((await server.run(job1)).ms);
          check = { oursBarrier: one.pairs[0].barrier, torchBarrier: a.barrier, oursStraight: one.pairs[0].straightBarrier, torchStraight: a.straight, oursPoints: one.pairs[0].points, torchPoints: a.points };
        }
      }
      pairs.push({
        architecture: `784-${hidden.join('-')}-10`, minimaPerSecond: round(K / seconds, 3),
        msPerPair: { ours1Thread: round(median(ours1)), ours2ThreadsPerPair: round(median(ours2)), torch2Threads: torch ? round(median(torch2)) : null, torch1Thread: torch ? round(median(torch1)) : null },
        ratio: torch ? { ours2ThreadsVsTorch2Threads: round(median(ours2) / median(torch2), 2), ours2ThreadsVsTorchBest: round(median(ours2) / Math.min(median(torch1), median(torch2)), 2), ours1VsTorch1: round(median(ours1) / median(torch1), 2), ours1VsTorch2: round(median(ours1) / median(torch2), 2) } : null,
        samples: { ours1, ours2, torch2, torch1 },
        sameResult: check,
      });
    }
    server?.close();

    // topolens sublevel: 100,000 samples in 2-D, and the exact high-dimensional path.
    const csv = path.join(root, 'camel.csv');
    camelCsv(csv, 100_000);
    const subl: number[] = [];
    const ref: { ms: number; knnMs: number; bars: number }[] = [];
    let barsOurs = 0;
    for (let r = 0; r < reps; r++) {
      const t = Date.now();
      barsOurs = runSublevel(csv, 6).length;
      subl.push(Date.now() - t);
      if (sklearn) ref.push(JSON.parse(execFileSync(PYTHON, [path.join(__dirname, 'sublevelReference.py'), csv, '6'], { encoding: 'utf8' })) as { ms: number; knnMs: number; bars: number });
    }
    const rand = mulberry32(3);
    const hd = Float64Array.from({ length: 4000 * 64 }, () => rand());
    const hv = Float64Array.from({ length: 4000 }, () => rand());
    const th = Date.now();
    knnSublevelBarcode(hd, hv, 4000, 64, 6);
    return {
      settings: 'pairs: 13 points, 200 iterations, midpoints every 40 (2 each, up to 25 points), 3 interpolated points per segment, batch 100, 2,000 eval samples',
      reference: torch ? `PyTorch ${execFileSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim()} CPU via ${PYTHON}` : 'PyTorch unavailable',
      reps,
      pairs,
      sublevel: {
        samples: 100_000, k: 6, bars: barsOurs,
        oursMs: round(median(subl)), sklearnUnionFindMs: sklearn ? round(median(ref.map((x) => x.ms))) : null, sklearnKnnOnlyMs: sklearn ? round(median(ref.map((x) => x.knnMs))) : null,
        sklearnBars: sklearn ? ref[0].bars : null, ratio: sklearn ? round(median(subl) / median(ref.map((x) => x.ms)), 2) : null,
        highDimensionalExact: { samples: 4000, dim: 64, k: 6, ms: Date.now() - th, method: 'exact brute force keeping the k best per point (no sort)' },
      },
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
