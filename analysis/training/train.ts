import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { selectBackend, type BackendPreference } from './backend';
import { configWarnings, parseTrainConfig, type TrainConfig } from '../spec/trainConfig';
import { buildNetwork, resolveLayers, type Network } from './network';
import { evaluate, gatherBatch, gatherBatchInto, meanAccuracy, meanCrossEntropy, predictProbabilities, scoreProbabilities } from './objective';
import { Optimizer } from './optimizers';
import { checkpointSteps, learningRate } from './schedules';
import { checkpointPaths, resumeStatePath, snapshotWeights, writeProbeFile } from './recorder';
import { recordCheckpoint, recordFromScores, type CheckpointSnapshot, type EvaluationSets } from './checkpointRecord';
import { InlineEvaluator, storeInline, ThreadEvaluator, type CheckpointEvaluator, type PendingCheckpoint } from './checkpointEvaluator';
import type { EngineSpec } from './evaluatorProtocol';
import { CheckpointPipeline } from './checkpointPipeline';
import { MetricsLog } from './metricsLog';
import { BufferPool } from './bufferPool';
import { buildUserNetwork, loadModelModule } from './userModel';
import { maxStepsStop, PlateauDetector } from './stopping';
import type { Tf } from './tf';
import type { NamedTensor } from '../store/safetensors';
import type { CheckpointCost, TrainProgress, TrainResult } from '../worker/protocol/training';
import { SimdTrainer } from './simd/trainer';
import { loadDataset } from '../data/load';
import { prepareData, type PreparedData } from '../data/prepare';
import { deriveSeed, permutation } from '../data/random';
import { sampleSize } from '../data/dataset';
import { RUN_SCHEMA_VERSION, isImportedRun, type TrainedRunJson, type RunStatus, type RunStop } from '../spec/runFormat';
import { parseMetrics } from '../store/metrics';
import { HEARTBEAT_INTERVAL_MS, isWriterAlive, listCheckpoints, readRunJson, readSafetensorsFile, writeRunJson, type CheckpointRef } from '../store/runStore';
import { AtomicWriteQueue, writeFileAtomic } from '../store/atomic';
import { checkpointFileName, makeRunId, METRICS_JSONL, RUN_JSON } from '../store/runLayout';

/**
 * trainRun: the one entry point the worker and the CLI call. It creates (or resumes) a run folder, trains,
 * records checkpoints on the configured schedule and leaves the folder consistent whatever happens:
 * completed, interrupted (cancelled; resumable from its last checkpoint) or failed (bad data, divergence,
 * any error, with the message and the step).
 *
 * Step numbering: step s is the state after s updates; step 0 is the initialisation. Update k (1-based)
 * uses batch (k-1) mod stepsPerEpoch of epoch floor((k-1) / stepsPerEpoch), whose order is a permutation
 * seeded by (seeds.shuffle, epoch); the last batch of an epoch may be smaller. Everything is a function of
 * the config, so a resumed run replays exactly what an uninterrupted one would have done.
 */

export interface TrainRequest {
  config: TrainConfig;
  runsRoot: string;
  name?: string;
  backend: BackendPreference;
  tfjsNodePath?: string;
  /** Continue this run from its latest checkpoint (its stored config is used; `config` is ignored). */
  resumeRunDir?: string;
  /** The study this run is a member of: recorded in run.json (study.json itself is the study store's). */
  study?: { id: string; member: string };
  isCancelled: () => boolean;
  /**
   * On the wasm backend, train built-in networks with the fused SIMD step (simd/trainer.ts) instead of
   * tfjs ops and autodiff (default true; false measures or checks the tfjs path).
   */
  fusedWasmStep?: boolean;
  /**
   * Where the fused step's checkpoints are evaluated and written (probe predictions, scores, files): on
   * a worker thread (default; inline when none can start, with the reason in the log) or 'inline' on the
   * training thread. Both give the same bytes.
   */
  checkpointEvaluator?: 'thread' | 'inline';
  onProgress: (p: TrainProgress) => void;
  onRunCreated?: (runId: string, runDir: string) => void;
  log: (msg: string) => void;
}

/**
 * run.json carries the latest checkpoint's scores (summary), rewritten at most this often while training
 * (each write is an fsynced file: once per checkpoint was a third of the disk traffic of frequent ones).
 */
const SUMMARY_BEAT_MS = 1000;

/**
 * Checkpoints out on the evaluator thread at once (each holds one weight snapshot); with that many out,
 * the training thread evaluates the next one itself instead of waiting.
 */
const MAX_PENDING_CHECKPOINTS = 2;

const PROGRESS_INTERVAL_MS = 100;
/** Yield to the event loop this often so the worker can receive "cancel" while the backend is synchronous. */
const YIELD_INTERVAL_MS = 20;

export async function trainRun(req: TrainRequest): Promise<TrainResult> {
  const { tf, backend } = await selectBackend(req.backend, { tfjsNodePath: req.tfjsNodePath, log: req.log });
  const opened = req.resumeRunDir ? openForResume(req.resumeRunDir, backend) : createRun(req, backend);
  const { runDir, run } = opened;
  req.onRunCreated?.(run.id, runDir);
  const session = new TrainingSession(tf, req, runDir, run, opened.resumeStep);
  try {
    return await session.run();
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    req.log(`run ${run.id} failed: ${message}`);
    await session.finish('failed', { message, step: session.step });
    return { runId: run.id, runDir, status: 'failed', error: run.error, summary: run.summary, checkpointCost: session.cost };
  } finally {
    await session.dispose();
  }
}

function createRun(req: TrainRequest, backend: string): { runDir: string; run: TrainedRunJson; resumeStep?: number } {
  const name = req.name ?? 'run';
  const now = new Date();
  fs.mkdirSync(req.runsRoot, { recursive: true });
  let id = makeRunId(name, now);
  while (fs.existsSync(path.join(req.runsRoot, id))) id = makeRunId(name, now);
  const runDir = path.join(req.runsRoot, id);
  fs.mkdirSync(runDir);
  const warnings = configWarnings(req.config);
  const run: TrainedRunJson = {
    schemaVersion: RUN_SCHEMA_VERSION, id, name, createdAt: now.toISOString(), status: 'running', backend, config: req.config,
    pid: process.pid, host: os.hostname(), timings: { startedAt: now.toISOString(), heartbeatAt: now.toISOString() },
    ...(warnings.length ? { warnings } : {}),
    ...(req.study ? { study: { id: req.study.id, member: req.study.member } } : {}),
  };
  writeRunJson(runDir, run);
  for (const w of warnings) req.log(`warning: ${w}`);
  return { runDir, run };
}

function openForResume(runDir: string, backend: string): { runDir: string; run: TrainedRunJson; resumeStep: number } {
  const run = readRunJson(runDir);
  if (isImportedRun(run)) throw new Error(`${runDir}: the run was imported from ${run.source.dir}, not trained by TopoLens; there is no training to resume`);
  if (run.status === 'completed') throw new Error(`${runDir}: the run is already completed; nothing to resume`);
  if (run.status === 'running' && isWriterAlive(run)) throw new Error(`${runDir}: the run is still being trained by process ${run.pid}`);
  run.config = parseTrainConfig(run.config, path.join(runDir, 'run.json'));
  const stateFile = resumeStatePath(runDir);
  if (!fs.existsSync(stateFile)) throw new Error(`${stateFile}: missing, so the run cannot be resumed (no checkpoint was completed)`);
  const { metadata } = readSafetensorsFile(stateFile);
  const step = Number(metadata.step);
  if (!Number.isInteger(step) || step < 0) throw new Error(`${stateFile}: no valid "step" in its metadata`);
  if (!listCheckpoints(runDir).some((c) => c.step === step)) throw new Error(`${runDir}: the resume state is at step ${step} but checkpoints/${checkpointFileName(step)} is missing`);
  // Forget whatever was recorded after the resume point: it is about to be recomputed identically.
  for (const c of listCheckpoints(runDir)) if (c.step > step) fs.rmSync(c.file, { force: true });
  const metricsFile = path.join(runDir, METRICS_JSONL);
  if (fs.existsSync(metricsFile)) {
    const kept = parseMetrics(fs.readFileSync(metricsFile, 'utf8'), metricsFile).filter((m) => m.step <= step);
    writeFileAtomic(metricsFile, kept.map((m) => JSON.stringify(m) + '\n').join(''));
  }
  const now = new Date().toISOString();
  run.status = 'running';
  run.backend = backend;
  run.pid = process.pid;
  run.host = os.hostname();
  run.timings = { ...run.timings, heartbeatAt: now, endedAt: undefined };
  delete run.error;
  run.resumedAt = [...(run.resumedAt ?? []), step];
  writeRunJson(runDir, run);
  return { runDir, run, resumeStep: step };
}

function buildNet(tf: Tf, config: TrainConfig, data: PreparedData, userModule: Awaited<ReturnType<typeof loadModelModule>> | undefined): Network {
  const m = config.model;
  if (m.kind === 'file') return buildUserNetwork(tf, userModule!, data.inputShape, data.classes, m.path);
  return buildNetwork(tf, resolveLayers(m, data.inputShape, data.classes), data.inputShape, config.init, config.seeds.init);
}

class TrainingSession {
  step = 0;
  private net?: Network;
  private optimizer?: Optimizer;
  private lastBeat = Date.now();
  /** run.summary changed since run.json was last written. */
  private summaryStale = false;
  private trainSeconds = 0;
  private readonly writes = new AtomicWriteQueue();
  private thread?: ThreadEvaluator;
  private pipeline?: CheckpointPipeline;
  private metrics?: MetricsLog;
  readonly cost: CheckpointCost = { evaluator: 'tfjs', count: 0, evaluatedHere: 0, snapshotSeconds: 0, backPressureSeconds: 0, recordSeconds: 0, initialWaitSeconds: 0, finalWaitSeconds: 0 };

  constructor(
    private readonly tf: Tf,
    private readonly req: TrainRequest,
    private readonly runDir: string,
    private readonly record: TrainedRunJson,
    private readonly resumeStep: number | undefined,
  ) {}

  async run(): Promise<TrainResult> {
    const { tf, req, runDir } = this;
    const run = this.record;
    const config = run.config;
    const t0 = Date.now();
    const fused = run.backend === 'wasm' && config.model.kind !== 'file' && req.fusedWasmStep !== false;
    // Started first, so that the thread's start-up overlaps loading the data.
    const thread = fused && req.checkpointEvaluator !== 'inline' ? (this.thread = ThreadEvaluator.spawn()) : undefined;
    const ds = config.dataset;
    const data = prepareData(loadDataset(ds), {
      trainSize: ds.trainSize, testSize: ds.testSize, subset: ds.subset, normalize: ds.normalize,
      probeSize: config.probe.size, probeSplit: config.probe.split, probeSeed: config.seeds.probe,
      evalTrainSize: config.evaluation.trainSize, evalTestSize: config.evaluation.testSize,
    });
    const userModule = config.model.kind === 'file' ? await loadModelModule(config.model.path) : undefined;
    const net = (this.net = buildNet(tf, config, data, userModule));
    const optimizer = (this.optimizer = new Optimizer(tf, config.optimizer, net.params));
    const d = sampleSize(data.inputShape);
    const batch = config.batchSize;
    const stepsPerEpoch = Math.ceil(data.train.n / batch);
    const totalSteps = config.steps ?? (config.epochs ?? 1) * stepsPerEpoch;
    const ckptSteps = checkpointSteps(config.checkpoints, totalSteps);
    const ckptSet = new Set(ckptSteps);
    const logEvery = config.logEvery ?? Math.max(1, Math.round(totalSteps / 500));
    req.log(`run ${run.id}: ${data.name} (${data.train.n} train / ${data.test.n} test, ${data.classes} classes), ${net.params.length} weight tensors, ${totalSteps} steps, ${ckptSteps.length} checkpoints, backend ${run.backend}`);

    run.shape = {
      dataset: data.name, trainSize: data.train.n, testSize: data.test.n, classes: data.classes, classNames: data.classNames,
      inputShape: data.inputShape, probeSize: data.probe.n, totalSteps, stepsPerEpoch, layers: net.layers,
    };
    const baseMeta: Record<string, string> = { runId: run.id, layers: JSON.stringify(net.layers), classes: String(data.classes) };

    if (this.resumeStep !== undefined) {
      this.restore(this.resumeStep);
      this.step = this.resumeStep;
    } else {
      writeProbeFile(runDir, data);
    }
    this.beat(0);

    // The fused wasm step keeps weights and optimiser slots in its own memory (the tf variables keep the
    // initial or restored values); checkpoints copy them out of it.
    const simdLayers = fused && config.model.kind !== 'file' ? resolveLayers(config.model, data.inputShape, data.classes) : undefined;
    const simd = simdLayers ? new SimdTrainer(simdLayers, data.inputShape, data.classes, config.optimizer, batch) : undefined;
    if (simd) {
      simd.importState(new Map(net.params.map((p) => [p.name, new Float32Array(p.variable.dataSync())])), optimizer.slotArrays(), optimizer.iterations);
      req.log(`run ${run.id}: fused SIMD training step on wasm`);
    }
    const sets: EvaluationSets = { classes: data.classes, probe: data.probe, evalTrain: data.evalTrain, evalTest: data.evalTest === data.probe ? 'probe' : data.evalTest };
    // After the trainer's engine is built: both compile kernels at set-up, with a process-wide V8 flag.
    const evaluator = simd ? await this.openEvaluator(thread, { layers: simdLayers!, inputShape: data.inputShape, classes: data.classes, optimizer: config.optimizer, batchSize: batch }, sets, simd) : undefined;
    this.cost.evaluator = evaluator?.kind ?? 'tfjs';
    const snapshots = simd ? new BufferPool(simd.stateBytes, MAX_PENDING_CHECKPOINTS + 1) : undefined;
    const labels = new Int32Array(batch);

    // A TensorBoard copy of the metrics; a resumed run's file drops the old files' points it recomputes.
    const tensorBoard = { purgeFromStep: this.resumeStep === undefined ? undefined : this.resumeStep + 1 };
    const metrics = (this.metrics = new MetricsLog(path.join(runDir, METRICS_JSONL), { tensorBoard, warn: (m) => req.log(`run ${run.id}: warning: ${m}`) }));
    /** The latest checkpoint whose files are on disk, and the step of the last one announced through onProgress. */
    let written: CheckpointRef | undefined;
    let announced = -1;
    const pipeline = (this.pipeline = new CheckpointPipeline({
      runDir, metrics, maxPending: MAX_PENDING_CHECKPOINTS,
      onScored: (step, { train, test }) => {
        run.summary = { step, trainLoss: train.loss, trainAccuracy: train.accuracy, testLoss: test?.loss, testAccuracy: test?.accuracy };
        this.summaryStale = true;
        this.beat(SUMMARY_BEAT_MS);
      },
      onWritten: (ref) => (written = !written || written.step < ref.step ? ref : written),
    }));
    const named = (values: ReadonlyMap<string, Float32Array>): Record<string, NamedTensor> =>
      Object.fromEntries(net.params.map((p) => [p.name, { dtype: 'F32' as const, shape: [...p.shape], data: values.get(p.name)! }]));

    /**
     * The training thread's part of a checkpoint: with the fused step, a copy of the weights and optimiser
     * slots handed to the evaluator; on the tfjs path, the whole record (its forward passes need the
     * backend this thread owns).
     */
    const saveCheckpoint = async (step: number): Promise<void> => {
      // The evaluator thread is behind (no spare core): rather than wait, evaluate here with the trainer's
      // engine, which holds these very weights (inline mode's cost; waiting cost more); the thread still
      // writes the files, after the earlier ones.
      const here = evaluator instanceof ThreadEvaluator && pipeline.full;
      const w0 = performance.now();
      await pipeline.ready(here);
      const c0 = performance.now();
      this.cost.backPressureSeconds += (c0 - w0) / 1000;
      const epoch = step / stepsPerEpoch;
      const metadata = { ...baseMeta, epoch: String(epoch) };
      const paths = checkpointPaths(runDir, step);
      let pending: PendingCheckpoint;
      if (simd) {
        const { weights, slots } = simd.exportInto(snapshots!.take());
        const snapshot: CheckpointSnapshot = { step, weights: named(weights), optimizerState: optimizer.namedState(slots), iterations: simd.iterations, metadata };
        if (here) {
          pending = (evaluator as ThreadEvaluator).store(recordCheckpoint((x, n) => simd.logits(x, n), sets, snapshot), paths);
          this.cost.evaluatedHere++;
        } else {
          pending = evaluator!.record(snapshot, paths);
        }
        void pending.scored.then((s) => snapshots!.give(s.snapshotStorage), () => undefined);
      } else {
        const snap: CheckpointSnapshot = { step, weights: await snapshotWeights(net), optimizerState: await optimizer.state(), iterations: optimizer.iterations, metadata };
        const probs = await predictProbabilities(tf, net, data.probe, data.classes, d);
        const tr = await evaluate(tf, net, data.evalTrain, data.classes, d);
        const te = data.evalTest === data.probe ? scoreProbabilities(probs, data.probe.y, data.classes) : data.evalTest.n > 0 ? await evaluate(tf, net, data.evalTest, data.classes, d) : undefined;
        pending = storeInline(recordFromScores(snap, { dtype: 'F32', shape: [data.probe.n, data.classes], data: probs }, tr, te), paths, this.writes);
      }
      pipeline.submit(step, epoch, paths.checkpoint, pending);
      this.cost.snapshotSeconds += (performance.now() - c0) / 1000;
    };
    /** Waits until every checkpoint so far is on disk (then the latest is announced with the next report). */
    const settle = async (wait: 'initialWaitSeconds' | 'finalWaitSeconds'): Promise<void> => {
      const w0 = performance.now();
      try {
        await pipeline.drain();
        await Promise.all([this.writes.drain(), metrics.drain()]);
      } finally {
        this.cost[wait] += (performance.now() - w0) / 1000;
      }
      if (pipeline.lastScored && pipeline.lastScored.step > announced) written = pipeline.lastScored;
    };
    const announce = (): CheckpointRef | undefined => {
      const c = written && written.step > announced ? written : undefined;
      written = undefined;
      if (c) announced = c.step;
      return c;
    };

    if (this.resumeStep === undefined) {
      await saveCheckpoint(0);
      await settle('initialWaitSeconds');
      req.onProgress({ runId: run.id, runDir, step: 0, totalSteps, epoch: 0, loss: NaN, samplesPerSec: 0, checkpoint: announce() });
    }

    const vars = net.params.map((p) => p.variable);
    let perm: Int32Array | undefined;
    let permEpoch = -1;
    let windowLoss = 0;
    let windowAcc = 0;
    let windowSteps = 0;
    let lastProgress = 0;
    let lastYield = performance.now();
    let rateSamples = 0;
    let rateStart = performance.now();
    let samplesPerSec = 0;
    const plateau = config.stopping ? new PlateauDetector(config.stopping) : undefined;
    let epochLoss = 0;
    let epochSteps = 0;
    let stop: RunStop | undefined;
    const loopStart = performance.now();

    while (this.step < totalSteps) {
      if (performance.now() - lastYield > YIELD_INTERVAL_MS) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
      if (req.isCancelled()) {
        this.trainSeconds += (performance.now() - loopStart) / 1000;
        req.log(`run ${run.id}: cancelled at step ${this.step}`);
        await this.finish('interrupted', { message: `cancelled at step ${this.step}; resumable from the last checkpoint`, step: this.step });
        return { runId: run.id, runDir, status: run.status, summary: run.summary, error: run.error, checkpointCost: this.cost };
      }
      const k = this.step + 1;
      const epochIdx = Math.floor((k - 1) / stepsPerEpoch);
      if (epochIdx !== permEpoch) {
        perm = permutation(data.train.n, deriveSeed(config.seeds.shuffle, 'epoch', epochIdx));
        permEpoch = epochIdx;
      }
      const j = (k - 1) % stepsPerEpoch;
      const from = j * batch;
      const to = Math.min(data.train.n, from + batch);
      const lr = learningRate(config.optimizer.lr, config.lrSchedule, k, totalSteps);

      let loss: number;
      let acc: number;
      if (simd) {
        const y = labels.subarray(0, to - from);
        gatherBatchInto(data.train, perm!, from, to, d, simd.input(to - from), y);
        ({ loss, accuracy: acc } = simd.step(to - from, y, lr, config.weightDecay));
      } else {
        const { x, y } = gatherBatch(data.train, perm!, from, to, d);
        let accT: tfjs.Scalar | undefined;
        const lossT = tf.tidy(() => {
          const xb = tf.tensor2d(x, [to - from, d]);
          const yb = tf.tensor1d(y, 'int32');
          const { value, grads } = tf.variableGrads(() => {
            const out = net.forward(xb);
            accT = tf.keep(meanAccuracy(tf, out, yb));
            return meanCrossEntropy(tf, out, yb, data.classes, net.outputIsProbabilities);
          }, vars);
          const byName = new Map(net.params.map((p) => [p.name, grads[p.variable.name]]));
          optimizer.apply(byName, lr, config.weightDecay);
          return value;
        });
        loss = (await lossT.data())[0];
        acc = (await accT!.data())[0];
        lossT.dispose();
        accT!.dispose();
      }
      this.step = k;

      if (!Number.isFinite(loss)) {
        this.trainSeconds += (performance.now() - loopStart) / 1000;
        const message = `training diverged: the loss became ${loss} at step ${k} (try a smaller learning rate)`;
        req.log(`run ${run.id}: ${message}`);
        await this.finish('failed', { message, step: k });
        return { runId: run.id, runDir, status: 'failed', summary: run.summary, error: run.error, checkpointCost: this.cost };
      }

      windowLoss += loss;
      windowAcc += acc;
      windowSteps++;
      epochLoss += loss;
      epochSteps++;
      if (k % stepsPerEpoch === 0) {
        if (plateau?.observeEpoch(epochLoss / epochSteps) && k < totalSteps) stop = plateau.describe(k, k / stepsPerEpoch);
        epochLoss = epochSteps = 0;
      }
      const last = stop !== undefined || k === totalSteps;
      rateSamples += to - from;
      const now = performance.now();
      if (now - rateStart > 500) {
        samplesPerSec = (rateSamples * 1000) / (now - rateStart);
        rateSamples = 0;
        rateStart = now;
      } else if (samplesPerSec === 0 && now > rateStart) {
        samplesPerSec = (rateSamples * 1000) / (now - rateStart);
      }
      if (k % logEvery === 0 || last) {
        metrics.append({ kind: 'train', step: k, epoch: k / stepsPerEpoch, loss: windowLoss / windowSteps, accuracy: windowAcc / windowSteps, lr, samplesPerSec: Math.round(samplesPerSec) });
        windowLoss = windowAcc = windowSteps = 0;
      }
      if (ckptSet.has(k) || last) await saveCheckpoint(k);
      else this.beat(this.summaryStale ? SUMMARY_BEAT_MS : HEARTBEAT_INTERVAL_MS / 2);
      if (last) await settle('finalWaitSeconds');
      if ((written && written.step > announced) || last || now - lastProgress > PROGRESS_INTERVAL_MS) {
        const checkpoint = announce();
        lastProgress = now;
        const stepsPerSec = samplesPerSec / batch;
        req.onProgress({
          runId: run.id, runDir, step: k, totalSteps, epoch: k / stepsPerEpoch, loss, accuracy: acc, samplesPerSec,
          etaSeconds: stepsPerSec > 0 && !last ? (totalSteps - k) / stepsPerSec : undefined, checkpoint,
        });
      }
      if (stop) break;
    }
    this.trainSeconds += (performance.now() - loopStart) / 1000;
    run.stop = stop ?? maxStepsStop(this.step, this.step / stepsPerEpoch, config.stopping);
    if (stop) req.log(`run ${run.id}: stopped at step ${stop.step} of ${totalSteps} (epoch ${stop.epoch}): ${stop.reason}`);
    req.log(`run ${run.id}: completed ${this.step} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s (checkpoints: ${this.checkpointSeconds().toFixed(2)} s of the training thread, evaluated ${this.cost.evaluator === 'thread' ? `on a worker thread${this.cost.evaluatedHere ? `, ${this.cost.evaluatedHere} by the training thread while it was behind` : ''}` : 'in line'})`);
    await this.finish('completed');
    return { runId: run.id, runDir, status: run.status, summary: run.summary, error: run.error, checkpointCost: this.cost };
  }

  /**
   * The fused step's checkpoint evaluator: the worker thread when it starts (its engine built, the sets
   * handed over), else the training thread's own engine.
   */
  private async openEvaluator(thread: ThreadEvaluator | undefined, engine: EngineSpec, sets: EvaluationSets, simd: SimdTrainer): Promise<CheckpointEvaluator> {
    const id = this.record.id;
    if (thread) {
      try {
        await thread.init(engine, sets);
        this.req.log(`run ${id}: checkpoints evaluated on a worker thread`);
        return thread;
      } catch (e) {
        this.req.log(`run ${id}: checkpoints evaluated on the training thread: ${(e as Error).message}`);
        await thread.close();
      }
    }
    return new InlineEvaluator((x, n) => simd.logits(x, n), sets, this.writes);
  }

  private checkpointSeconds(): number {
    const c = this.cost;
    return c.snapshotSeconds + c.backPressureSeconds + c.recordSeconds + c.initialWaitSeconds + c.finalWaitSeconds;
  }

  /** Loads the checkpoint and optimiser state at `step` into the freshly built network. */
  private restore(step: number): void {
    const { tf, runDir, net, optimizer } = this;
    const ckpt = listCheckpoints(runDir).find((c) => c.step === step)!;
    const { tensors } = readSafetensorsFile(ckpt.file);
    for (const p of net!.params) {
      const t = tensors[p.name];
      if (!t) throw new Error(`${ckpt.file}: no tensor "${p.name}"; the checkpoint does not match the run's model`);
      if (t.shape.join(',') !== p.shape.join(',')) throw new Error(`${ckpt.file}: "${p.name}" has shape [${t.shape.join(', ')}], the model needs [${p.shape.join(', ')}]`);
      tf.tidy(() => p.variable.assign(tf.tensor(t.data, p.shape)));
    }
    const stateFile = resumeStatePath(runDir);
    const state = readSafetensorsFile(stateFile);
    optimizer!.restore(state.tensors, Number(state.metadata.iterations), stateFile);
    this.req.log(`run ${this.record.id}: resumed from step ${step}`);
  }

  /** Writes run.json (heartbeat, summary) if `minIntervalMs` have passed since it was last written. */
  private beat(minIntervalMs: number): void {
    const now = Date.now();
    if (now - this.lastBeat < minIntervalMs) return;
    this.lastBeat = now;
    this.summaryStale = false;
    this.record.timings.heartbeatAt = new Date(now).toISOString();
    this.record.timings.trainSeconds = this.trainSeconds || undefined;
    this.writes.enqueue(path.join(this.runDir, RUN_JSON), JSON.stringify({ ...this.record, schemaVersion: RUN_SCHEMA_VERSION }, null, 2) + '\n');
  }

  /** Final status: waits for the background writes first, so no queued heartbeat can land after it. */
  async finish(status: RunStatus, error?: { message: string; step?: number }): Promise<void> {
    let writeError: Error | undefined;
    const w0 = performance.now();
    try {
      await this.pipeline?.drain(); // the checkpoints taken so far: evaluated, their files on disk
    } catch (e) {
      writeError = e as Error;
    }
    for (const queue of [this.writes, this.metrics]) {
      try {
        await queue?.drain();
      } catch (e) {
        writeError ??= e as Error;
      }
    }
    this.cost.finalWaitSeconds += (performance.now() - w0) / 1000;
    this.cost.count = this.pipeline?.scored ?? 0;
    this.cost.recordSeconds = this.pipeline?.scoreSeconds ?? 0;
    if (writeError && status !== 'failed') {
      status = 'failed';
      error = { message: writeError.message, step: this.step };
    }
    const run = this.record;
    run.status = status;
    delete run.pid;
    run.timings.endedAt = new Date().toISOString();
    run.timings.trainSeconds = Math.round(this.trainSeconds * 1000) / 1000;
    run.timings.checkpointSeconds = Math.round(this.checkpointSeconds() * 1000) / 1000;
    if (error) run.error = error;
    else delete run.error;
    try {
      writeRunJson(this.runDir, run);
    } catch (e) {
      this.req.log(`run ${run.id}: could not record status ${status}: ${(e as Error).message}`);
    }
  }

  /** Ends the evaluator thread (whatever the exit path) and frees the tensors. */
  async dispose(): Promise<void> {
    await this.thread?.close();
    this.optimizer?.dispose();
    this.net?.dispose();
  }
}
