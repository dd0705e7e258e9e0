import type { AtomicWriteQueue } from '../store/atomic';
import type { CheckpointRef } from '../store/runStore';
import { checkpointFileName } from '../store/runLayout';
import { makeCheckpointFolders, queueCheckpointFiles } from './recorder';
import type { CheckpointRecord } from './checkpointRecord';
import type { MetricsLog } from './metricsLog';

/**
 * From checkpoints being evaluated to files and metrics, in step order. The training thread submits each
 * checkpoint with the promise of its record and goes on training; records are taken in submission order:
 * files queued for the disk (checkpoint, then resume state), the eval record put in its place in
 * metrics.jsonl, the run summary refreshed; a checkpoint is reported once its files are on disk.
 *
 * Back-pressure: at most `maxPending` checkpoints are evaluated at a time; `ready` waits for the oldest
 * when that many are out, so a slow evaluator slows training instead of piling up snapshots.
 * The first failure (an evaluation or a disk error) is kept: later checkpoints are dropped, and `ready`
 * and `drain` throw it.
 */
export interface PipelineOptions {
  writes: AtomicWriteQueue;
  runDir: string;
  metrics: MetricsLog;
  maxPending: number;
  /** A record was taken (its files queued, its eval record written): update the run's summary. */
  onRecorded: (record: CheckpointRecord) => void;
  /** The checkpoint's files and eval record are on disk. */
  onWritten: (ref: CheckpointRef) => void;
}

export class CheckpointPipeline {
  private readonly inFlight: Promise<void>[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure?: Error;
  /** Training-thread seconds spent taking records (queueing files, metrics, summary). */
  recordSeconds = 0;
  /** Checkpoints whose records were taken. */
  recorded = 0;
  /** The latest checkpoint queued for the disk (on disk once the write queue has drained). */
  lastQueued?: CheckpointRef;

  constructor(private readonly o: PipelineOptions) {
    makeCheckpointFolders(o.runDir);
  }

  /** Resolves when another checkpoint may be submitted; throws an earlier failure. */
  async ready(): Promise<void> {
    while (this.inFlight.length >= this.o.maxPending) await this.inFlight[0];
    if (this.failure) throw this.failure;
  }

  /** Takes the checkpoint at `step` (epoch `epoch`), whose record `record` will bring. */
  submit(step: number, epoch: number, record: Promise<CheckpointRecord>): void {
    const slot = this.o.metrics.reserve();
    const settled = record.then(() => undefined, () => undefined).then(() => {
      this.inFlight.splice(this.inFlight.indexOf(settled), 1);
    });
    this.inFlight.push(settled);
    this.chain = this.chain.then(async () => {
      let r: CheckpointRecord;
      try {
        r = await record;
      } catch (e) {
        this.fail(e);
      }
      if (this.failure) {
        slot.drop();
        return;
      }
      const t0 = performance.now();
      try {
        const file = queueCheckpointFiles(this.o.writes, this.o.runDir, step, r!.checkpointFile, r!.resumeFile);
        const { train: tr, test: te } = r!;
        slot.fill({ kind: 'eval', step, epoch, trainLoss: tr.loss, trainAccuracy: tr.accuracy, testLoss: te?.loss, testAccuracy: te?.accuracy, checkpoint: checkpointFileName(step) });
        this.o.onRecorded(r!);
        const ref = { step, file };
        this.lastQueued = ref;
        this.recorded++;
        void Promise.all([this.o.writes.drain(), this.o.metrics.written()]).then(() => this.o.onWritten(ref), () => undefined);
      } catch (e) {
        this.fail(e);
        slot.drop();
      }
      this.recordSeconds += (performance.now() - t0) / 1000;
    });
  }

  /** Waits until every submitted checkpoint is taken (not yet on disk: drain the write queue for that). */
  async drain(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
  }

  private fail(e: unknown): void {
    this.failure ??= e instanceof Error ? e : new Error(String(e));
  }
}
