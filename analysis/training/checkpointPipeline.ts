import type { CheckpointRef } from '../store/runStore';
import { checkpointFileName } from '../store/runLayout';
import { makeCheckpointFolders } from './recorder';
import type { PendingCheckpoint, Scored } from './checkpointEvaluator';
import type { MetricsLog } from './metricsLog';

/**
 * From checkpoints being evaluated to metrics and announcements, in step order. The training thread
 * submits each checkpoint as it hands it to the evaluator and goes on training; scores are taken in
 * submission order (the eval record put in its place in metrics.jsonl, the run summary refreshed), and a
 * checkpoint is reported once its files and its eval record are on disk.
 *
 * Back-pressure: at most `maxPending` checkpoints are evaluated at a time; `ready` waits for the oldest
 * when that many are out (`full`), so a slow evaluator slows training instead of piling up snapshots.
 * The first failure (an evaluation or a write) is kept: later checkpoints are dropped, and `ready` and
 * `drain` throw it.
 */
export interface PipelineOptions {
  runDir: string;
  metrics: MetricsLog;
  maxPending: number;
  /** A checkpoint's scores were taken (its eval record written): update the run's summary. */
  onScored: (step: number, scored: Scored) => void;
  /** The checkpoint's files and eval record are on disk. */
  onWritten: (ref: CheckpointRef) => void;
}

export class CheckpointPipeline {
  private readonly inFlight: Promise<void>[] = [];
  private readonly storing = new Set<Promise<void>>();
  private chain: Promise<void> = Promise.resolve();
  private failure?: Error;
  /** Training-thread seconds spent taking scores (metrics, summary). */
  scoreSeconds = 0;
  /** Checkpoints whose scores were taken. */
  scored = 0;
  /** The latest checkpoint whose scores were taken (on disk once `drain` has resolved). */
  lastScored?: CheckpointRef;

  constructor(private readonly o: PipelineOptions) {
    makeCheckpointFolders(o.runDir);
  }

  /** Whether maxPending checkpoints are being evaluated (`ready` would wait). */
  get full(): boolean {
    return this.inFlight.length >= this.o.maxPending;
  }

  /** Resolves when another checkpoint may be submitted (at once with `now`); throws an earlier failure. */
  async ready(now = false): Promise<void> {
    while (!now && this.full) await this.inFlight[0];
    if (this.failure) throw this.failure;
  }

  /** Takes the checkpoint at `step` (epoch `epoch`, file `file`) on its way through the evaluator. */
  submit(step: number, epoch: number, file: string, pending: PendingCheckpoint): void {
    const slot = this.o.metrics.reserve();
    const evaluated = pending.scored.then(() => undefined, () => undefined).then(() => {
      this.inFlight.splice(this.inFlight.indexOf(evaluated), 1);
    });
    this.inFlight.push(evaluated);
    const stored = pending.stored.then(() => undefined, (e) => this.fail(e)).then(() => {
      this.storing.delete(stored);
    });
    this.storing.add(stored);
    this.chain = this.chain.then(async () => {
      let s: Scored;
      try {
        s = await pending.scored;
      } catch (e) {
        this.fail(e);
      }
      if (this.failure) {
        slot.drop();
        return;
      }
      const t0 = performance.now();
      try {
        const { train: tr, test: te } = s!;
        slot.fill({ kind: 'eval', step, epoch, trainLoss: tr.loss, trainAccuracy: tr.accuracy, testLoss: te?.loss, testAccuracy: te?.accuracy, checkpoint: checkpointFileName(step) });
        this.o.onScored(step, s!);
        const ref = { step, file };
        this.lastScored = ref;
        this.scored++;
        void Promise.all([pending.stored, this.o.metrics.written()]).then(() => this.o.onWritten(ref), () => undefined);
      } catch (e) {
        this.fail(e);
        slot.drop();
      }
      this.scoreSeconds += (performance.now() - t0) / 1000;
    });
  }

  /** Waits until every submitted checkpoint is scored and its files are on disk; throws the first failure. */
  async drain(): Promise<void> {
    await this.chain;
    await Promise.all([...this.storing]);
    if (this.failure) throw this.failure;
  }

  private fail(e: unknown): void {
    this.failure ??= e instanceof Error ? e : new Error(String(e));
  }
}
