/**
 * `npm run bench -- training [--quick]`: training throughput per backend and the cost of checkpoints.
 *
 * - samples/s for the MLP 784-128-10 (ReLU) and the small CNN conv3x3x16-pool-conv3x3x32-pool-dense10,
 *   batch 128, plain SGD, through trainRun itself (the loop the worker runs: batch gathering, loss read-back
 *   every step, cancellation checks), on every backend that loads here;
 * - checkpoint overhead: the time to record one checkpoint (weights, probe predictions, train/test
 *   evaluation, atomic writes) as a percentage of the training time between two checkpoints, for the
 *   Gabella schedule (every 210 steps) and for the quick preset's schedule;
 * - PyTorch CPU on the same two models and batch, with the same thread count as our backends (1: tfjs'
 *   wasm and cpu backends are single-threaded in Node), when `python3 -c "import torch"` works; also
 *   PyTorch with all cores for reference. Ratios are ours / PyTorch (higher is better for us). PyTorch
 *   trains on random tensors of MNIST's shape: the arithmetic is the same.
 *
 * Each measurement is repeated and the median reported; repeats are interleaved across backends so a
 * busy machine slows all of them alike.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { trainRun } from '../analysis/training/train';
import { parseTrainConfig, type TrainConfigInput } from '../analysis/training/config';
import { getPreset } from '../analysis/training/presets';
import { readRun } from '../analysis/store/runStore';
import { checkpointSteps } from '../analysis/training/schedules';
import type { BackendPreference } from '../analysis/training/backend';

const BATCH = 128;
const MODELS: Record<'mlp' | 'cnn', TrainConfigInput['model']> = {
  mlp: { kind: 'mlp', hidden: [128], activation: 'relu' },
  cnn: { kind: 'cnn', layers: [{ type: 'conv2d', filters: 16, kernelSize: 3 }, { type: 'maxpool', size: 2 }, { type: 'conv2d', filters: 32, kernelSize: 3 }, { type: 'maxpool', size: 2 }], hidden: [] },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function throughputConfig(model: 'mlp' | 'cnn', steps: number) {
  return parseTrainConfig({
    dataset: { kind: 'mnist', trainSize: 12800, testSize: 200 },
    model: MODELS[model], optimizer: { kind: 'sgd', lr: 0.01 }, batchSize: BATCH, steps,
    checkpoints: { kind: 'every', steps: 10 ** 9 }, probe: { size: 100 }, evaluation: { trainSize: 100, testSize: 100 },
  }, `bench ${model}`);
}

/** samples/s of the training loop alone (the two checkpoints at step 0 and the end are excluded). */
async function measureThroughput(root: string, backend: BackendPreference, model: 'mlp' | 'cnn', steps: number): Promise<{ samplesPerSec: number; backend: string }> {
  const r = await trainRun({ config: throughputConfig(model, steps), runsRoot: root, name: `tp-${model}`, backend, isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
  if (r.status !== 'completed') throw new Error(`bench run ${backend}/${model} ${r.status}: ${r.error?.message}`);
  const run = readRun(r.runDir).run!;
  const t = run.timings;
  // checkpointSeconds includes step 0's checkpoint, taken before the loop; loop time = trainSeconds.
  const perCheckpoint = (t.checkpointSeconds ?? 0) / 2;
  const loop = (t.trainSeconds ?? 0) - perCheckpoint;
  return { samplesPerSec: (steps * BATCH) / loop, backend: run.backend };
}

/** Cost of one checkpoint vs the training time between checkpoints, with the given preset's recording settings. */
async function measureCheckpointOverhead(root: string, backend: BackendPreference, stepsPerSec: number, presetId: string, model: 'mlp' | 'cnn'): Promise<object> {
  const preset = getPreset(presetId).config;
  const total = 60;
  const config = parseTrainConfig({
    ...throughputConfig(model, total), dataset: { kind: 'mnist', trainSize: 12800, testSize: 2000 },
    checkpoints: { kind: 'every', steps: 20 }, probe: preset.probe, evaluation: preset.evaluation,
  }, 'bench checkpoint');
  const r = await trainRun({ config, runsRoot: root, name: 'ckpt', backend, isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
  const run = readRun(r.runDir);
  const n = run.checkpoints.length;
  const perCheckpointMs = ((run.run!.timings.checkpointSeconds ?? 0) / n) * 1000;
  const bytes = fs.statSync(run.checkpoints[n - 1].file).size;
  // The preset's own spacing of checkpoints, in steps.
  const presetTotal = presetId.startsWith('gabella') ? 42000 : 282;
  const spacing = presetTotal / (checkpointSteps(preset.checkpoints, presetTotal).length - 1);
  const betweenMs = (spacing / stepsPerSec) * 1000;
  return {
    schedule: `${presetId}: one checkpoint every ${round(spacing, 0)} steps`,
    recording: `probe ${preset.probe.size}, eval train ${preset.evaluation.trainSize} / test ${preset.evaluation.testSize}`,
    perCheckpointMs: round(perCheckpointMs, 2),
    checkpointFileKB: round(bytes / 1024, 0),
    overheadPercent: round((100 * perCheckpointMs) / betweenMs, 2),
  };
}

const TORCH_SCRIPT = String.raw`
import json, sys, time, torch, torch.nn as nn
threads, steps_mlp, steps_cnn, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
torch.manual_seed(0)
def mlp(): return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
def cnn(): return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
def bench(make, steps):
    m = make(); opt = torch.optim.SGD(m.parameters(), lr=0.01); loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(12800, 1, 28, 28); y = torch.randint(0, 10, (12800,))
    out = []
    for r in range(reps + 1):
        t = time.perf_counter()
        for s in range(steps):
            i = (s * 128) % 12800
            opt.zero_grad(); l = loss_fn(m(x[i:i + 128]), y[i:i + 128]); l.backward(); opt.step(); l.item()
        if r > 0: out.append(steps * 128 / (time.perf_counter() - t))
    out.sort(); return out[len(out) // 2]
print(json.dumps({"torch": torch.__version__, "threads": threads, "mlp": bench(mlp, steps_mlp), "cnn": bench(cnn, steps_cnn)}))
`;

/** The first Python that imports torch: $TOPOLENS_PYTHON, python3 on PATH (may be a pyenv shim without
 *  Debian's packages), then the system /usr/bin/python3 where Debian's python3-torch lives. */
function findTorchPython(): string | undefined {
  for (const py of [process.env.TOPOLENS_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p)) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function runTorch(py: string, threads: number, stepsMlp: number, stepsCnn: number, reps: number): { mlp: number; cnn: number; torch: string } {
  const r = spawnSync(py, ['-c', TORCH_SCRIPT, String(threads), String(stepsMlp), String(stepsCnn), String(reps)], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`PyTorch benchmark failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

export async function run(args: string[]): Promise<object> {
  const quick = args.includes('--quick');
  const reps = quick ? 1 : 3;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-bench-training-'));
  // Steps per measurement, sized so each takes about a second or two on 2 cores.
  const plan: { backend: BackendPreference; steps: Record<'mlp' | 'cnn', number> }[] = [
    { backend: 'wasm', steps: { mlp: quick ? 100 : 300, cnn: quick ? 10 : 30 } },
    // The pure-JS cpu backend needs tens of seconds per CNN step: one step, measured once.
    { backend: 'cpu', steps: { mlp: quick ? 5 : 15, cnn: 1 } },
  ];
  for (const native of ['gpu', 'native'] as const) {
    try {
      await trainRun({ config: throughputConfig('mlp', 1), runsRoot: root, backend: native, isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
      plan.unshift({ backend: native, steps: { mlp: 300, cnn: 100 } });
      break;
    } catch {
      // not installed here: measured only where it loads
    }
  }
  const samples: Record<string, number[]> = {};
  const names: Record<string, string> = {};
  // Warm-up: loads MNIST, compiles wasm, fills caches.
  for (const p of plan) await measureThroughput(root, p.backend, 'mlp', 2);
  for (let rep = 0; rep < reps; rep++) {
    for (const p of plan) {
      for (const model of ['mlp', 'cnn'] as const) {
        if (p.backend === 'cpu' && model === 'cnn' && rep > 0) continue;
        const m = await measureThroughput(root, p.backend, model, p.steps[model]);
        names[p.backend] = m.backend;
        (samples[`${p.backend}/${model}`] ??= []).push(m.samplesPerSec);
      }
    }
  }
  const throughput: Record<string, Record<string, number>> = {};
  for (const [key, xs] of Object.entries(samples)) {
    const [backend, model] = key.split('/');
    (throughput[names[backend]] ??= {})[`${model}SamplesPerSec`] = round(median(xs), 0);
  }

  const wasmMlpStepsPerSec = median(samples['wasm/mlp']) / BATCH;
  const checkpointOverhead = [
    await measureCheckpointOverhead(root, 'wasm', wasmMlpStepsPerSec, 'gabella-zero', 'mlp'),
    await measureCheckpointOverhead(root, 'wasm', wasmMlpStepsPerSec, 'quick', 'mlp'),
  ];

  const py = findTorchPython();
  let pytorch: object = { skipped: 'no python3 can import torch (Debian: apt install python3-torch)' };
  let ratios: object | undefined;
  if (py) {
    const t1 = runTorch(py, 1, quick ? 100 : 300, quick ? 10 : 40, reps);
    const tAll = runTorch(py, os.cpus().length, quick ? 100 : 300, quick ? 10 : 40, reps);
    pytorch = { python: py, version: t1.torch, threads1: { mlpSamplesPerSec: round(t1.mlp, 0), cnnSamplesPerSec: round(t1.cnn, 0) }, [`threads${os.cpus().length}`]: { mlpSamplesPerSec: round(tAll.mlp, 0), cnnSamplesPerSec: round(tAll.cnn, 0) } };
    ratios = Object.fromEntries(Object.entries(throughput).map(([b, v]) => [b, { mlpVsPyTorch1Thread: round(v.mlpSamplesPerSec / t1.mlp, 2), cnnVsPyTorch1Thread: round(v.cnnSamplesPerSec / t1.cnn, 2) }]));
  }
  fs.rmSync(root, { recursive: true, force: true });
  return {
    setup: { batch: BATCH, optimizer: 'SGD lr 0.01', models: { mlp: '784-128-10 ReLU', cnn: 'conv3x3x16-pool-conv3x3x32-pool-dense10' }, threads: 'tfjs wasm/cpu: 1 (single-threaded in Node)', repeats: reps, load: os.loadavg().map((x) => round(x, 2)) },
    throughput,
    checkpointOverhead,
    pytorch,
    ...(ratios ? { oursOverPyTorch: ratios } : {}),
  };
}
