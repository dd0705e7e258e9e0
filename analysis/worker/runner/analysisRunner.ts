/**
 * Runs analyses off the worker's RPC thread, on a small pool of worker threads, so a cancel request is
 * answered at once and training (on the worker's main thread) keeps stepping while an analysis computes.
 *
 * - A cancelled job's request is rejected immediately; its thread sees the shared cancel flag at the
 *   analysis's next check, and a thread that has not stopped within {@link STOP_GRACE_MS} is terminated
 *   and replaced (an analysis stuck in a long uninterruptible loop cannot hold a thread hostage).
 * - Jobs queue when every thread is busy; idle threads end after {@link IDLE_MS} to give memory back.
 * - Where no thread can start, jobs run in-process (cancellation then only between analysis steps).
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startThread, threadEntry } from '../../threads/startThread';
import { plainContext } from '../../analyses/definition';
import { executeJob, type JobOutcome } from './executeJob';
import type { FromThread, RunJob } from './threadMessages';

export interface AnalysisCancellation { isCancellationRequested: boolean; onCancellationRequested(listener: () => void): { dispose(): void } }

export interface RunOptions {
  token?: AnalysisCancellation;
  onProgress?: (fraction: number | undefined, message?: string) => void;
  onLog?: (message: string) => void;
}

export class AnalysisCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'AnalysisCancelledError';
  }
}

const STOP_GRACE_MS = 2000;
const IDLE_MS = 30_000;

interface Job {
  message: RunJob;
  options: RunOptions;
  resolve(value: unknown): void;
  reject(error: Error): void;
  settled: boolean;
}

interface Slot { worker: Worker; job?: Job; idleTimer?: NodeJS.Timeout }


export function defaultThreadCount(): number {
  // Two threads even on two cores: a quick request (curves) must not wait behind a long barcode series.
  return Math.max(2, Math.min(4, os.cpus().length - 1));
}

export class AnalysisRunner {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private disposed = false;

  constructor(private readonly options: { threads?: number; inProcess?: boolean; entry?: string } = {}) {}

  get threadCount(): number {
    return this.options.inProcess ? 0 : this.options.threads ?? defaultThreadCount();
  }

  run(name: string, params: unknown, options: RunOptions = {}): Promise<unknown> {
    if (this.disposed) return Promise.reject(new Error('the analysis runner was stopped'));
    if (options.token?.isCancellationRequested) return Promise.reject(new AnalysisCancelledError());
    return new Promise((resolve, reject) => {
      const job: Job = { message: { type: 'run', id: this.nextId++, name, params, cancel: new SharedArrayBuffer(4) }, options, resolve, reject, settled: false };
      options.token?.onCancellationRequested(() => this.cancel(job));
      if (this.threadCount === 0) return void this.runInProcess(job);
      this.queue.push(job);
      this.pump();
    });
  }

  private async runInProcess(job: Job): Promise<void> {
    const flag = new Int32Array(job.message.cancel);
    const context = plainContext({ isCancelled: () => Atomics.load(flag, 0) !== 0, onProgress: job.options.onProgress, log: job.options.onLog });
    this.settle(job, await executeJob(job.message.name, job.message.params, context));
  }

  private settle(job: Job, outcome: JobOutcome): void {
    if (job.settled) return;
    job.settled = true;
    if (outcome.ok) job.resolve(outcome.result);
    else job.reject(outcome.cancelled ? new AnalysisCancelledError() : new Error(outcome.message));
  }

  private cancel(job: Job): void {
    if (job.settled) return;
    Atomics.store(new Int32Array(job.message.cancel), 0, 1);
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    this.settle(job, { ok: false, cancelled: true, message: 'cancelled' });
    const slot = this.slots.find((s) => s.job === job);
    if (!slot) return;
    // The request is answered; the thread gets a grace period to notice the flag before it is replaced.
    const timer = setTimeout(() => { if (slot.job === job) this.replace(slot); }, STOP_GRACE_MS);
    timer.unref();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.threadCount) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift() as Job;
      clearTimeout(slot.idleTimer);
      slot.job = job;
      // A busy thread keeps the process alive (the answer is awaited); an idle one does not.
      slot.worker.ref();
      slot.worker.postMessage(job.message);
    }
  }

  private spawn(): Slot | undefined {
    let worker: Worker;
    try {
      worker = startThread(this.options.entry ?? threadEntry(__filename, 'analysisThread.ts', 'analysisThread.js'), { name: 'topolens-analysis' });
    } catch (e) {
      // No thread (a bundle without its thread file): degrade to in-process rather than fail every request.
      this.options.inProcess = true;
      this.options.entry = undefined;
      for (const job of this.queue.splice(0)) void this.runInProcess(job);
      warn(`analysis threads unavailable (${(e as Error).message}); running analyses in-process`);
      return undefined;
    }
    const slot: Slot = { worker };
    worker.on('message', (m: FromThread) => this.onMessage(slot, m));
    worker.on('error', (e) => this.onThreadDeath(slot, `the analysis thread failed: ${e.message}`));
    worker.on('exit', (code) => this.onThreadDeath(slot, `the analysis thread exited (code ${code})`));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, m: FromThread): void {
    const job = slot.job;
    if (!job || job.message.id !== m.id) return;
    if (m.type === 'progress') return void (job.settled || job.options.onProgress?.(m.fraction, m.message));
    if (m.type === 'log') return void job.options.onLog?.(m.message);
    slot.job = undefined;
    slot.worker.unref();
    this.settle(job, m.type === 'done' ? { ok: true, result: m.result, cached: m.cached } : { ok: false, message: m.message, cancelled: m.cancelled });
    slot.idleTimer = setTimeout(() => this.retire(slot), IDLE_MS);
    slot.idleTimer.unref();
    this.pump();
  }

  private onThreadDeath(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    clearTimeout(slot.idleTimer);
    if (slot.job) this.settle(slot.job, { ok: false, cancelled: false, message: reason });
    slot.job = undefined;
    if (!this.disposed) this.pump();
  }

  private replace(slot: Slot): void {
    this.retire(slot);
    this.pump();
  }

  private retire(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    clearTimeout(slot.idleTimer);
    void slot.worker.terminate();
  }

  /** Ends every thread; pending requests fail. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const job of this.queue.splice(0)) this.settle(job, { ok: false, cancelled: false, message: 'the analysis runner was stopped' });
    await Promise.all(this.slots.splice(0).map(async (s) => {
      if (s.job) this.settle(s.job, { ok: false, cancelled: false, message: 'the analysis runner was stopped' });
      clearTimeout(s.idleTimer);
      await s.worker.terminate();
    }));
  }
}

function warn(message: string): void {
  process.stderr.write(`topolens: ${message}\n`);
}
