import * as fs from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { startThread, threadEntry } from '../threads/startThread';
import type { AtomicWriteQueue } from '../store/atomic';
import { queueCheckpointFiles } from './recorder';
import { buffersOf, compactSets, recordCheckpoint, type CheckpointPaths, type CheckpointRecord, type CheckpointSnapshot, type EvaluationSets, type LogitsFn, type Score } from './checkpointRecord';
import type { EngineSpec, FromEvaluator, ToEvaluator } from './evaluatorProtocol';

/**
 * Who turns a checkpoint's weight snapshot into its scores and files (checkpointRecord.ts).
 *
 * WHY a thread: the probe and evaluation forward passes of a checkpoint cost as much as tens of training
 * steps (gabella-zero: 2,000 samples, 27 ms; the quick preset checkpoints every 19 steps), and the training
 * thread runs on one core. A worker thread with an engine of its own does them on another core while
 * training goes on, and writes the files too (each atomic write ends in synchronous fsyncs that cost the
 * thread running them ~0.4 ms a file); the training thread only copies the weights out.
 * Where no thread can start, the inline evaluator does the same work on the training thread and queues
 * the files on its background write queue.
 */

/** The scores of an evaluated checkpoint, and its snapshot's storage (free for reuse). */
export interface Scored { train: Score; test?: Score; snapshotStorage: ArrayBuffer[] }

/** A checkpoint on its way: `scored` once evaluated, `stored` once both files are on disk. */
export interface PendingCheckpoint { scored: Promise<Scored>; stored: Promise<void> }

export interface CheckpointEvaluator {
  readonly kind: 'thread' | 'inline';
  /** Records a snapshot into `paths`. The thread takes its arrays (transferred): do not use them after. */
  record(snapshot: CheckpointSnapshot, paths: CheckpointPaths): PendingCheckpoint;
  /** Stops the evaluator (pending checkpoints are rejected); resolves once its thread has exited. */
  close(): Promise<void>;
}

/** A record computed on the training thread, its files queued on the background write queue. */
export function storeInline(record: CheckpointRecord, paths: CheckpointPaths, writes: AtomicWriteQueue): PendingCheckpoint {
  queueCheckpointFiles(writes, paths, record.checkpointFile, record.resumeFile);
  const { train, test, snapshotStorage } = record;
  return { scored: Promise.resolve({ train, ...(test ? { test } : {}), snapshotStorage }), stored: writes.drain() };
}

/** The evaluation on the training thread, with the trainer's own engine (holding the snapshot's weights). */
export class InlineEvaluator implements CheckpointEvaluator {
  readonly kind = 'inline';

  constructor(private readonly logits: LogitsFn, private readonly sets: EvaluationSets, private readonly writes: AtomicWriteQueue) {}

  record(snapshot: CheckpointSnapshot, paths: CheckpointPaths): PendingCheckpoint {
    try {
      return storeInline(recordCheckpoint(this.logits, this.sets, snapshot), paths, this.writes);
    } catch (e) {
      const failed = Promise.reject(e as Error);
      failed.catch(() => undefined); // reported through `scored`
      return { scored: failed, stored: failed };
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

let liveThreads = 0;

/** Evaluator threads started and not yet exited in this process (every exit path of a run must end its own). */
export function liveEvaluatorThreads(): number {
  return liveThreads;
}

/**
 * Where the evaluator thread's code is: dist/evaluator.js beside the bundle that runs this code
 * (dist/worker.js, dist/cli.js), or evaluatorThread.ts beside this file when running from source (tsx).
 */
export function evaluatorEntry(): string {
  return threadEntry(__filename, 'evaluatorThread.ts', 'evaluator.js');
}

function startWorker(entry: string): Worker {
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing`);
  return startThread(entry, { name: 'topolens-evaluator' });
}

interface Waiter<T> { resolve: (v: T) => void; reject: (e: Error) => void }

/**
 * The evaluator on a worker thread. `spawn` starts the thread at once (its start-up overlaps loading the
 * data) and never throws: a thread that cannot start makes `init` reject with the reason. The thread
 * keeps the process alive only while the training thread waits for it (set-up, checkpoints not yet
 * stored), so a forgotten one can never hold up process exit; `close` terminates it.
 */
export class ThreadEvaluator implements CheckpointEvaluator {
  readonly kind = 'thread';
  private readonly worker?: Worker;
  private failure?: Error;
  private ready?: Waiter<void>;
  private readonly scored = new Map<number, Waiter<Scored>>();
  private readonly stored = new Map<number, Waiter<void>>();
  private nextId = 1;
  private waiting = 0;
  private readonly exited: Promise<void>;

  private constructor(entry: string) {
    let worker: Worker | undefined;
    try {
      worker = startWorker(entry);
    } catch (e) {
      this.failure = new Error(`the checkpoint evaluator thread could not start: ${(e as Error).message}`);
    }
    if (!worker) {
      this.exited = Promise.resolve();
      return;
    }
    this.worker = worker;
    liveThreads++;
    worker.unref();
    worker.on('message', (m: FromEvaluator) => this.receive(m));
    worker.on('error', (e) => this.fail(new Error(`the checkpoint evaluator thread failed: ${e.message}`)));
    this.exited = new Promise((resolve) => worker.once('exit', (code) => {
      liveThreads--;
      this.fail(new Error(`the checkpoint evaluator thread exited (code ${code})`));
      resolve();
    }));
  }

  static spawn(entry = evaluatorEntry()): ThreadEvaluator {
    return new ThreadEvaluator(entry);
  }

  /** Builds the thread's engine and hands it the evaluation sets (copied once); rejects with why it cannot. */
  init(engine: EngineSpec, sets: EvaluationSets): Promise<void> {
    if (this.failure || !this.worker) return Promise.reject(this.failure);
    const own = compactSets(sets);
    const buffers = [own.probe, own.evalTrain, ...(typeof own.evalTest === 'object' ? [own.evalTest] : [])].flatMap((s) => [s.x.buffer as ArrayBuffer, s.y.buffer as ArrayBuffer]);
    return new Promise<void>((resolve, reject) => {
      this.ready = this.held({ resolve, reject });
      this.post({ type: 'init', engine, sets: own }, buffers);
    });
  }

  record(snapshot: CheckpointSnapshot, paths: CheckpointPaths): PendingCheckpoint {
    if (this.failure || !this.worker) {
      const failed = Promise.reject(this.failure);
      failed.catch(() => undefined);
      return { scored: failed, stored: failed };
    }
    const id = this.nextId++;
    const scored = new Promise<Scored>((resolve, reject) => this.scored.set(id, this.held({ resolve, reject })));
    const stored = new Promise<void>((resolve, reject) => this.stored.set(id, this.held({ resolve, reject })));
    stored.catch(() => undefined); // a failure is reported through `scored` first, or by whoever awaits `stored`
    this.post({ type: 'record', id, snapshot, paths }, buffersOf(snapshot.weights, snapshot.optimizerState));
    return { scored, stored };
  }

  /**
   * Writes a checkpoint recorded on the training thread (after the ones before it, in order): what the
   * training thread does instead of waiting when this thread is behind. The file bytes are transferred.
   */
  store(record: CheckpointRecord, paths: CheckpointPaths): PendingCheckpoint {
    const { train, test, snapshotStorage } = record;
    const scored = Promise.resolve<Scored>({ train, ...(test ? { test } : {}), snapshotStorage });
    if (this.failure || !this.worker) {
      const failed = Promise.reject(this.failure);
      failed.catch(() => undefined);
      return { scored: failed, stored: failed };
    }
    const id = this.nextId++;
    const stored = new Promise<void>((resolve, reject) => this.stored.set(id, this.held({ resolve, reject })));
    stored.catch(() => undefined);
    const { checkpointFile, resumeFile } = record;
    this.post({ type: 'write', id, paths, checkpointFile, resumeFile }, [checkpointFile.buffer as ArrayBuffer, resumeFile.buffer as ArrayBuffer]);
    return { scored, stored };
  }

  close(): Promise<void> {
    this.fail(new Error('the checkpoint evaluator was closed'));
    void this.worker?.terminate();
    return this.exited;
  }

  private post(m: ToEvaluator, transfer: ArrayBuffer[]): void {
    this.worker!.postMessage(m, transfer);
  }

  private receive(m: FromEvaluator): void {
    if (m.type === 'ready' || m.type === 'initFailed') {
      const w = this.ready;
      this.ready = undefined;
      if (m.type === 'ready') w?.resolve();
      else w?.reject(new Error(`the checkpoint evaluator could not set up its engine: ${m.message}`));
      return;
    }
    const scored = this.scored.get(m.id);
    const stored = this.stored.get(m.id);
    if (m.type === 'scored') {
      this.scored.delete(m.id);
      scored?.resolve({ train: m.train, ...(m.test ? { test: m.test } : {}), snapshotStorage: m.snapshotStorage });
    } else if (m.type === 'stored') {
      this.stored.delete(m.id);
      stored?.resolve();
    } else {
      this.scored.delete(m.id);
      this.stored.delete(m.id);
      const e = new Error(`the checkpoint evaluator failed at a checkpoint: ${m.message}`);
      scored?.reject(e);
      stored?.reject(e);
    }
  }

  /** Rejects everything waiting; later calls reject at once. The first reason is kept. */
  private fail(e: Error): void {
    this.failure ??= e;
    const waiters = [...(this.ready ? [this.ready] : []), ...this.scored.values(), ...this.stored.values()];
    this.ready = undefined;
    this.scored.clear();
    this.stored.clear();
    for (const w of waiters) w.reject(this.failure);
  }

  /** A waiter that keeps the process alive (the thread ref'd) until it is settled. */
  private held<T>(w: Waiter<T>): Waiter<T> {
    if (this.waiting++ === 0) this.worker?.ref();
    const release = () => {
      if (--this.waiting === 0) this.worker?.unref();
    };
    return { resolve: (v) => (release(), w.resolve(v)), reject: (e) => (release(), w.reject(e)) };
  }
}
