import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { buffersOf, compactSets, recordCheckpoint, type CheckpointRecord, type CheckpointSnapshot, type EvaluationSets, type LogitsFn } from './checkpointRecord';
import type { EngineSpec, FromEvaluator, ToEvaluator } from './evaluatorProtocol';

/**
 * Who turns a checkpoint's weight snapshot into its files and scores (checkpointRecord.ts).
 *
 * WHY a thread: the probe and evaluation forward passes of a checkpoint cost as much as tens of training
 * steps (gabella-zero: 2,000 samples, 27 ms; the quick preset checkpoints every 19 steps), and the training
 * thread runs on one core. A worker thread with an engine of its own does them on another core while
 * training goes on; the training thread only copies the weights out and queues the files it gets back.
 * Where no thread can start, the inline evaluator does the same work on the training thread.
 */
export interface CheckpointEvaluator {
  readonly kind: 'thread' | 'inline';
  /** Records a snapshot. The thread takes its arrays (transferred): the caller must not use them after. */
  record(snapshot: CheckpointSnapshot): Promise<CheckpointRecord>;
  /** Stops the evaluator (pending records are rejected); resolves once its thread has exited. */
  close(): Promise<void>;
}

/** The evaluation on the training thread, with the trainer's own engine (holding the snapshot's weights). */
export class InlineEvaluator implements CheckpointEvaluator {
  readonly kind = 'inline';

  constructor(private readonly logits: LogitsFn, private readonly sets: EvaluationSets) {}

  record(snapshot: CheckpointSnapshot): Promise<CheckpointRecord> {
    try {
      return Promise.resolve(recordCheckpoint(this.logits, this.sets, snapshot));
    } catch (e) {
      return Promise.reject(e as Error);
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
  return __filename.endsWith('.ts') ? path.join(__dirname, 'evaluatorThread.ts') : path.join(__dirname, 'evaluator.js');
}

function startWorker(entry: string): Worker {
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing`);
  if (!entry.endsWith('.ts')) return new Worker(entry, { name: 'topolens-evaluator' });
  // Node starts no worker from a .ts file; from source, load it through tsx's CommonJS hook.
  const tsx = 'tsx/cjs';
  return new Worker(`require(${JSON.stringify(require.resolve(tsx))}); require(${JSON.stringify(entry)});`, { eval: true, name: 'topolens-evaluator' });
}

interface Waiter<T> { resolve: (v: T) => void; reject: (e: Error) => void }

/**
 * The evaluator on a worker thread. `spawn` starts the thread at once (its start-up overlaps loading the
 * data) and never throws: a thread that cannot start makes `init` reject with the reason. The thread
 * keeps the process alive only while the training thread waits for it (init, pending records), so a
 * forgotten one can never hold up process exit; `close` terminates it.
 */
export class ThreadEvaluator implements CheckpointEvaluator {
  readonly kind = 'thread';
  private readonly worker?: Worker;
  private failure?: Error;
  private ready?: Waiter<void>;
  private readonly pending = new Map<number, Waiter<CheckpointRecord>>();
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
      this.hold();
      this.ready = { resolve: () => (this.release(), resolve()), reject: (e) => (this.release(), reject(e)) };
      this.post({ type: 'init', engine, sets: own }, buffers);
    });
  }

  record(snapshot: CheckpointSnapshot): Promise<CheckpointRecord> {
    if (this.failure || !this.worker) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<CheckpointRecord>((resolve, reject) => {
      this.hold();
      this.pending.set(id, { resolve: (r) => (this.release(), resolve(r)), reject: (e) => (this.release(), reject(e)) });
      this.post({ type: 'record', id, snapshot }, buffersOf(snapshot.weights, snapshot.optimizerState));
    });
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
    const w = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (m.type === 'record') w?.resolve(m.record);
    else w?.reject(new Error(`the checkpoint evaluator failed at a checkpoint: ${m.message}`));
  }

  /** Rejects everything waiting; later calls reject at once. The first reason is kept. */
  private fail(e: Error): void {
    this.failure ??= e;
    const waiters = [...(this.ready ? [this.ready] : []), ...this.pending.values()];
    this.ready = undefined;
    this.pending.clear();
    for (const w of waiters) w.reject(this.failure);
  }

  private hold(): void {
    if (this.waiting++ === 0) this.worker?.ref();
  }

  private release(): void {
    if (--this.waiting === 0) this.worker?.unref();
  }
}
