/**
 * `npm run bench -- training [--quick]`: training throughput per backend, against PyTorch CPU measured
 * interleaved in the same run, and the cost of checkpoints.
 *
 * - samples/s for the MLP 784-128-10 (ReLU) and the small CNN conv3x3x16-pool-conv3x3x32-pool-dense10,
 *   batch 128, plain SGD lr 0.01, through trainRun itself (the loop the worker runs: shuffled MNIST batch
 *   gathering, loss and accuracy read back every step, cancellation checks), for: wasm with the fused
 *   SIMD step (what runs), wasm through tfjs ops and autodiff (the previous path, for reference), and
 *   the pure-JS cpu backend (once: very slow).
 * - PyTorch CPU (when a python3 imports torch): the same two models, batch, optimizer and number of steps,
 *   data already in memory (random tensors of MNIST's shape: the same arithmetic), loss read back with
 *   .item() every step, torch.set_num_threads(1) = our thread count (tfjs-backend-wasm runs
 *   single-threaded in Node: its threaded build is switched off there). One long-lived Python process
 *   runs a measurement right after each of ours, so both see the same machine load; each repeat gives a
 *   ratio ours / PyTorch (higher is better for us) and the median of the ratios is reported with the
 *   medians of the samples/s. PyTorch with all cores is measured once for reference.
 * - checkpoint overhead (`--checkpoints`: only this part): the preset's own model, data and recording
 *   settings (gabella-zero: one checkpoint every 210 steps; quick: every 19), what one checkpoint costs
 *   the training thread in % of the training time between two (its probe predictions and evaluation run
 *   on the evaluator thread), and end to end against the same run without checkpoints (see overheadSample).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { trainRun } from '../analysis/training/train';
import { parseTrainConfig, type TrainConfigInput } from '../analysis/spec/trainConfig';
import { getPreset } from '../analysis/training/presets';
import { readRun } from '../analysis/store/runStore';
import { checkpointSteps } from '../analysis/training/schedules';
import type { BackendPreference } from '../analysis/training/backend';

const BATCH = 128;
type Model = 'mlp' | 'cnn';
const MODELS: Record<Model, TrainConfigInput['model']> = {
  mlp: { kind: 'mlp', hidden: [128], activation: 'relu' },
  cnn: { kind: 'cnn', layers: [{ type: 'conv2d', filters: 16, kernelSize: 3 }, { type: 'maxpool', size: 2 }, { type: 'conv2d', filters: 32, kernelSize: 3 }, { type: 'maxpool', size: 2 }], hidden: [] },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function throughputConfig(model: Model, steps: number) {
  return parseTrainConfig({
    dataset: { kind: 'mnist', trainSize: 12800, testSize: 200 },
    model: MODELS[model], optimizer: { kind: 'sgd', lr: 0.01 }, batchSize: BATCH, steps,
    checkpoints: { kind: 'every', steps: 10 ** 9 }, probe: { size: 100 }, evaluation: { trainSize: 100, testSize: 100 },
  }, `bench ${model}`);
}

interface Variant { key: string; backend: BackendPreference; fused: boolean; steps: Record<Model, number> }

/** samples/s of the training loop alone (the two checkpoints at step 0 and the end are excluded). */
async function measureThroughput(root: string, v: Variant, model: Model): Promise<number> {
  const steps = v.steps[model];
  const r = await trainRun({ config: throughputConfig(model, steps), runsRoot: root, name: `tp-${model}`, backend: v.backend, fusedWasmStep: v.fused, isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
  if (r.status !== 'completed') throw new Error(`bench run ${v.key}/${model} ${r.status}: ${r.error?.message}`);
  const t = readRun(r.runDir).run!.timings;
  // trainSeconds holds the last checkpoint (step 0's is taken before the loop): the training thread's
  // part of it and the wait for its evaluation and files.
  const c = r.checkpointCost!;
  const loop = (t.trainSeconds ?? 0) - c.finalWaitSeconds - (c.snapshotSeconds + c.backPressureSeconds + c.recordSeconds) / c.count;
  fs.rmSync(r.runDir, { recursive: true, force: true });
  return (steps * BATCH) / loop;
}

interface OverheadSample {
  perCheckpointMs: number;
  /** Share of the checkpoints the training thread evaluated itself (the evaluator thread was behind). */
  evaluatedHere: number;
  stepMs: number;
  endToEndPercent: number;
  inLoopPercent: number;
  finalWaitMs: number;
  bytes: number;
  evaluator: string;
}

/**
 * One repeat: the preset's recording every `spacing` steps for `intervals` intervals (run A), and the same
 * steps with no checkpoint inside the loop (run B: only step 0 and the last step, like A's ends). Gives
 * - the training thread's own time per checkpoint (A's CheckpointCost: copying the weights out, handing
 *   them to the evaluator, taking the scores it sends back; and evaluating the checkpoints it takes over
 *   when the evaluator thread is behind) over the training time between two checkpoints: the overhead
 *   the issue asks about;
 * - end to end: (loop time of A - loop time of B) per extra checkpoint over the training time between
 *   two, whatever the cause (the evaluator thread or the disk competing for the cores), with ('endToEnd')
 *   and without ('inLoop') the waits at the end of the run for the last evaluations and the disk.
 */
async function overheadSample(root: string, presetId: string, spacing: number, intervals: number): Promise<OverheadSample> {
  const preset = getPreset(presetId).config;
  const steps = spacing * intervals;
  const base = {
    ...preset, dataset: { ...preset.dataset, trainSize: Math.min(12000, Number(preset.dataset.trainSize) || 12000) } as TrainConfigInput['dataset'],
    epochs: undefined, steps,
  };
  const train = async (every: number) => {
    const config = parseTrainConfig({ ...base, checkpoints: { kind: 'every', steps: every } }, `bench ${presetId}`);
    const r = await trainRun({ config, runsRoot: root, name: 'ckpt', backend: 'wasm', isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
    if (r.status !== 'completed') throw new Error(`checkpoint bench ${presetId} ${r.status}: ${r.error?.message}`);
    const run = readRun(r.runDir);
    const loop = run.run!.timings.trainSeconds ?? 0;
    const n = run.checkpoints.length;
    const bytes = fs.statSync(run.checkpoints[n - 1].file).size;
    fs.rmSync(r.runDir, { recursive: true, force: true });
    const c = r.checkpointCost!;
    const perCheckpoint = (c.snapshotSeconds + c.backPressureSeconds + c.recordSeconds) / c.count;
    return { loop, n, perCheckpoint, evaluatedHere: c.evaluatedHere / c.count, finalWait: c.finalWaitSeconds, bytes, evaluator: c.evaluator };
  };
  const a = await train(spacing);
  const b = await train(10 ** 9);
  const stepSeconds = (b.loop - b.finalWait - b.perCheckpoint) / steps;
  const perExtra = (x: number) => (100 * x) / ((a.n - b.n) * spacing * stepSeconds);
  return {
    perCheckpointMs: a.perCheckpoint * 1000,
    evaluatedHere: a.evaluatedHere,
    stepMs: stepSeconds * 1000,
    endToEndPercent: perExtra(a.loop - b.loop),
    inLoopPercent: perExtra(a.loop - a.finalWait - (b.loop - b.finalWait)),
    finalWaitMs: a.finalWait * 1000,
    bytes: a.bytes,
    evaluator: a.evaluator,
  };
}

/** Checkpoint overhead with the preset's own model, data and recording; medians over repeats. */
async function measureCheckpointOverhead(root: string, presetId: string, presetTotalSteps: number, intervals: number, reps: number): Promise<object> {
  const preset = getPreset(presetId).config;
  const spacing = Math.round(presetTotalSteps / (checkpointSteps(preset.checkpoints, presetTotalSteps).length - 1));
  await overheadSample(root, presetId, spacing, 2); // warm-up: data, kernels, the evaluator's first start
  const samples: OverheadSample[] = [];
  for (let i = 0; i < reps; i++) samples.push(await overheadSample(root, presetId, spacing, intervals));
  const med = (f: (s: OverheadSample) => number, d: number) => round(median(samples.map(f)), d);
  const range = (f: (s: OverheadSample) => number, d: number) => `${round(Math.min(...samples.map(f)), d)} to ${round(Math.max(...samples.map(f)), d)}`;
  const perCheckpointMs = median(samples.map((s) => s.perCheckpointMs));
  const stepMs = median(samples.map((s) => s.stepMs));
  return {
    schedule: `${presetId}: one checkpoint every ${spacing} steps (batch ${preset.batchSize}), ${intervals} intervals, ${reps} repeats`,
    recording: `probe ${preset.probe.size}, eval train ${preset.evaluation.trainSize} / test ${preset.evaluation.testSize}`,
    evaluator: samples[0].evaluator,
    trainingThreadMsPerCheckpoint: round(perCheckpointMs, 3),
    trainingThreadMsRange: range((s) => s.perCheckpointMs, 3),
    evaluatedOnTrainingThreadShare: med((s) => s.evaluatedHere, 2),
    stepMs: round(stepMs, 3),
    checkpointFileKB: round(samples[0].bytes / 1024, 0),
    overheadPercent: round((100 * perCheckpointMs) / (spacing * stepMs), 2),
    endToEndInLoopPercent: med((s) => s.inLoopPercent, 1),
    endToEndInLoopRange: range((s) => s.inLoopPercent, 1),
    endToEndPercent: med((s) => s.endToEndPercent, 1),
    endToEndRange: range((s) => s.endToEndPercent, 1),
    finalWaitMs: med((s) => s.finalWaitMs, 1),
  };
}

/** A long-lived PyTorch process: one line "model steps" in, one line of samples/s out. */
const TORCH_SERVER = String.raw`
import json, sys, time, torch, torch.nn as nn
torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(0)
def mlp(): return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
def cnn(): return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
x = torch.rand(12800, 1, 28, 28); y = torch.randint(0, 10, (12800,))
models = {}
def run(name, steps):
    if name not in models:
        m = mlp() if name == 'mlp' else cnn()
        models[name] = (m, torch.optim.SGD(m.parameters(), lr=0.01), nn.CrossEntropyLoss())
    m, opt, loss_fn = models[name]
    t = time.perf_counter()
    for s in range(steps):
        i = (s * 128) % 12800
        opt.zero_grad(); l = loss_fn(m(x[i:i + 128]), y[i:i + 128]); l.backward(); opt.step(); l.item()
    return steps * 128 / (time.perf_counter() - t)
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    name, steps = line.split()
    print(json.dumps({"samplesPerSec": run(name, int(steps))}), flush=True)
`;

class TorchServer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  version = '';

  constructor(python: string, threads: number) {
    // torch.set_num_threads does not reach OpenBLAS, which otherwise starts one thread per core.
    const threadEnv = { OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    this.proc = spawn(python, ['-c', TORCH_SERVER, String(threads)], { env: { ...process.env, ...threadEnv } });
    this.lines = readline.createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }

  private async next(): Promise<Record<string, unknown>> {
    const r = await this.lines.next();
    if (r.done) throw new Error('the PyTorch benchmark process exited');
    return JSON.parse(r.value);
  }

  async start(): Promise<void> {
    this.version = String((await this.next()).torch);
  }

  async run(model: Model, steps: number): Promise<number> {
    this.proc.stdin.write(`${model} ${steps}\n`);
    return Number((await this.next()).samplesPerSec);
  }

  close(): void {
    this.proc.stdin.end();
  }
}

/** The first Python that imports torch: $TOPOLENS_PYTHON, python3 on PATH (may be a pyenv shim without
 *  Debian's packages), then the system /usr/bin/python3 where Debian's python3-torch lives. */
function findTorchPython(): string | undefined {
  for (const py of [process.env.TOPOLENS_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p)) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}

/** Checkpoint overhead on gabella-zero and quick (`--checkpoints`: only this part of the benchmark). */
async function checkpointOverheads(root: string, quick: boolean): Promise<object[]> {
  const reps = quick ? 3 : 7;
  return [
    await measureCheckpointOverhead(root, 'gabella-zero', 42000, quick ? 3 : 5, reps),
    await measureCheckpointOverhead(root, 'quick', 282, quick ? 20 : 40, reps),
  ];
}

export async function run(args: string[]): Promise<object> {
  const quick = args.includes('--quick');
  const reps = quick ? 3 : 7;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-bench-training-'));
  if (args.includes('--checkpoints')) {
    const checkpointOverhead = await checkpointOverheads(root, quick);
    fs.rmSync(root, { recursive: true, force: true });
    return { load: os.loadavg().map((x) => round(x, 2)), checkpointOverhead };
  }
  // Steps per measurement: about a second or two each on 2 busy cores.
  const variants: Variant[] = [
    { key: 'wasm', backend: 'wasm', fused: true, steps: { mlp: quick ? 200 : 500, cnn: quick ? 15 : 40 } },
    { key: 'wasm-tfjs-ops', backend: 'wasm', fused: false, steps: { mlp: quick ? 100 : 200, cnn: quick ? 5 : 12 } },
  ];
  const py = findTorchPython();
  const torch = py ? new TorchServer(py, 1) : undefined;
  await torch?.start();

  const samples: Record<string, number[]> = {};
  const ratios: Record<string, number[]> = {};
  const push = (rec: Record<string, number[]>, key: string, v: number) => (rec[key] ??= []).push(v);
  // Warm-up: loads MNIST, compiles wasm and the generated kernels, starts PyTorch's allocator.
  for (const v of variants) for (const model of ['mlp', 'cnn'] as const) await measureThroughput(root, { ...v, steps: { mlp: 3, cnn: 2 } }, model);
  await torch?.run('mlp', 20);
  await torch?.run('cnn', 3);
  for (let rep = 0; rep < reps; rep++) {
    for (const model of ['mlp', 'cnn'] as const) {
      const ours: Record<string, number> = {};
      for (const v of variants) {
        if (v.key === 'wasm-tfjs-ops' && rep >= Math.ceil(reps / 2)) continue; // the old path: fewer repeats
        ours[v.key] = await measureThroughput(root, v, model);
        push(samples, `${v.key}/${model}`, ours[v.key]);
      }
      if (torch) {
        const t = await torch.run(model, variants[0].steps[model]);
        push(samples, `pytorch/${model}`, t);
        for (const [k, s] of Object.entries(ours)) push(ratios, `${k}/${model}`, s / t);
      }
    }
  }
  torch?.close();
  // The pure-JS cpu backend needs tens of seconds per CNN step: measured once, one CNN step.
  for (const model of ['mlp', 'cnn'] as const) push(samples, `cpu/${model}`, await measureThroughput(root, { key: 'cpu', backend: 'cpu', fused: false, steps: { mlp: quick ? 5 : 15, cnn: 1 } }, model));

  let allCores: object | undefined;
  if (py && os.cpus().length > 1) {
    const t = new TorchServer(py, os.cpus().length);
    await t.start();
    await t.run('mlp', 20);
    allCores = { threads: os.cpus().length, mlpSamplesPerSec: round(await t.run('mlp', variants[0].steps.mlp), 0), cnnSamplesPerSec: round(await t.run('cnn', variants[0].steps.cnn), 0) };
    t.close();
  }

  const throughput: Record<string, Record<string, number>> = {};
  for (const [key, xs] of Object.entries(samples)) {
    const [backend, model] = key.split('/');
    (throughput[backend] ??= {})[`${model}SamplesPerSec`] = round(median(xs), 0);
  }
  const oursOverPyTorch: Record<string, Record<string, number | string>> = {};
  for (const [key, xs] of Object.entries(ratios)) {
    const [backend, model] = key.split('/');
    (oursOverPyTorch[backend] ??= {})[`${model}MedianRatio`] = round(median(xs), 2);
    oursOverPyTorch[backend][`${model}RatioRange`] = `${round(Math.min(...xs), 2)}-${round(Math.max(...xs), 2)}`;
  }

  const checkpointOverhead = await checkpointOverheads(root, quick);
  fs.rmSync(root, { recursive: true, force: true });
  return {
    setup: {
      batch: BATCH, optimizer: 'SGD lr 0.01', models: { mlp: '784-128-10 ReLU', cnn: 'conv3x3x16-pool-conv3x3x32-pool-dense10' },
      threads: 'ours 1 (tfjs wasm/cpu are single-threaded in Node); PyTorch set_num_threads(1), interleaved with ours',
      repeats: reps, load: os.loadavg().map((x) => round(x, 2)),
    },
    throughput,
    ...(torch ? { pytorch: { python: py, version: torch.version, ...(allCores ? { allCores } : {}) }, oursOverPyTorch } : { pytorch: { skipped: 'no python3 can import torch (Debian: apt install python3-torch)' } }),
    checkpointOverhead,
    notes: [
      'wasm = the fused SIMD step (analysis/training/simd); wasm-tfjs-ops = the same backend through tfjs ops and autodiff (the path before it, still used for user model files).',
      'PyTorch links OpenBLAS (AVX2 + FMA, 256-bit: 32 flop/cycle); wasm SIMD is 128-bit without FMA (16 flop/cycle on this CPU), so dense layers cannot reach PyTorch on one thread; our GEMM runs at 22-30 GFLOP/s (XNNPACK in tfjs: 26 with cached weights, ~16 when it repacks them every step).',
      'Checkpoint evaluation runs on the evaluator thread (analysis/training/checkpointEvaluator.ts), which needs a spare core: gabella-zero evaluates 2,000 samples (probe + eval train) per 21,000 trained (about 6% of a core next to training); quick evaluates 1,500 per 1,216 trained (about 60%). When the thread falls behind (2 checkpoints out), the training thread evaluates the next checkpoint itself: evaluatedOnTrainingThreadShare near 0 means a spare core, near 0.5 a busy machine (trainingThreadMs then approaches the inline cost). The endToEnd figures are the loop time against the same run without checkpoints; they are noisy (the machine load changes between runs) and only meaningful for quick.',
    ],
  };
}
