import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { SimdTrainer } from './simd/trainer';
import { recordCheckpoint, type CheckpointPaths, type CheckpointRecord, type EvaluationSets } from './checkpointRecord';
import { writeFileAtomic } from '../store/atomic';
import type { FromEvaluator, ToEvaluator } from './evaluatorProtocol';

/**
 * Entry of the checkpoint evaluator thread (bundled as dist/evaluator.js; from source it is required
 * through tsx). It owns a fused engine of its own: for each weight snapshot it loads the weights, runs the
 * probe and evaluation forward passes, posts the scores back with the snapshot's storage (transferred,
 * for reuse), then writes the checkpoint and resume-state files and says when they are on disk. The
 * training thread only pays for copying the weights out: no file bytes, fsyncs or write callbacks reach it.
 *
 * The files are written synchronously (about 1 ms each here, mostly fsync), in order, when no checkpoint
 * is waiting to be evaluated; the bounded queue of checkpoints bounds the disk backlog too. (Asynchronous
 * writes took one event-loop turn per step of each atomic write, and the turns only came between
 * evaluations: with checkpoints every few steps no file reached the disk until the end.)
 */

/**
 * The evaluator is background work: it should use a spare core, not the training thread's.
 * WHY: when the other cores were busy, waking this thread (a posted snapshot) made the kernel preempt the
 * training thread in its favour, for 1-5 ms per checkpoint. Linux gives threads their own nice value
 * (setpriority on the thread id, found through /proc/thread-self). At 10 the thread gets about a tenth of
 * a core that a nice-0 thread also wants: the training thread keeps its core, yet the evaluator is not
 * starved by other busy processes (gabella-zero's checkpoints need ~5% of a core; at 19 they fell behind
 * and the bounded queue made training wait). Elsewhere this is skipped: the thread runs at normal priority.
 */
const EVALUATOR_NICE = 10;

function lowerThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(path.basename(fs.readlinkSync('/proc/thread-self')));
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, EVALUATOR_NICE);
  } catch {
    // no /proc, or not allowed: normal priority
  }
}

const port = parentPort;
if (!port) throw new Error('evaluatorThread.ts runs as a worker thread (see checkpointEvaluator.ts)');

lowerThreadPriority();

let engine: SimdTrainer | undefined;
let sets: EvaluationSets | undefined;
/** The first failure: later checkpoints are refused (none is written after one that failed). */
let broken: string | undefined;

const post = (m: FromEvaluator, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const messageOf = (e: unknown) => (e as Error).message ?? String(e);

/** Evaluated checkpoints whose files are still to be written, oldest first. */
const unwritten: { id: number; paths: CheckpointPaths; record: CheckpointRecord }[] = [];
/** Messages taken off the port, not yet handled. */
const inbox: ToEvaluator[] = [];
/** Evaluations may run ahead of the writes by this many checkpoints. */
const MAX_UNWRITTEN = 2;

/**
 * Evaluations first, files after: a checkpoint waiting to be evaluated may be holding up the training
 * thread (its queue is bounded), a file only its announcement. After each piece of work, messages that
 * arrived meanwhile are taken (receiveMessageOnPort) and evaluated before the next file is written,
 * unless MAX_UNWRITTEN checkpoints already wait for their files (with checkpoints every few steps the
 * evaluator is never idle, and files must still reach the disk as training goes).
 */
port.on('message', (first: ToEvaluator) => {
  inbox.push(first);
  for (;;) {
    const next = receiveMessageOnPort(port);
    if (next) inbox.push(next.message as ToEvaluator);
    if (inbox.length > 0 && unwritten.length < MAX_UNWRITTEN) handle(inbox.shift()!);
    else if (unwritten.length > 0) write(unwritten.shift()!);
    else if (inbox.length > 0) handle(inbox.shift()!);
    else return;
  }
});

function handle(m: ToEvaluator): void {
  if (m.type === 'init') {
    try {
      const e = m.engine;
      engine = new SimdTrainer(e.layers, e.inputShape, e.classes, e.optimizer, e.batchSize);
      sets = m.sets;
      post({ type: 'ready' });
    } catch (err) {
      post({ type: 'initFailed', message: messageOf(err) });
    }
    return;
  }
  const { id, snapshot, paths } = m;
  let record: CheckpointRecord;
  try {
    if (broken) throw new Error(`an earlier checkpoint failed (${broken})`);
    if (!engine || !sets) throw new Error('the evaluator got a checkpoint before its engine was set up');
    engine.importWeights(new Map(Object.entries(snapshot.weights).map(([name, t]) => [name, t.data])));
    record = recordCheckpoint((x, n) => engine!.logits(x, n), sets, snapshot);
  } catch (err) {
    broken ??= messageOf(err);
    post({ type: 'failed', id, message: messageOf(err) });
    return;
  }
  const { train, test, snapshotStorage } = record;
  post({ type: 'scored', id, train, ...(test ? { test } : {}), snapshotStorage }, snapshotStorage);
  unwritten.push({ id, paths, record });
}

function write({ id, paths, record }: (typeof unwritten)[number]): void {
  for (const [file, bytes] of [[paths.checkpoint, record.checkpointFile], [paths.resume, record.resumeFile]] as const) {
    try {
      if (broken) throw new Error(`an earlier checkpoint failed (${broken})`);
      writeFileAtomic(file, bytes);
    } catch (err) {
      const message = `${file}: write failed (${messageOf(err)})`;
      broken ??= message;
      post({ type: 'failed', id, message });
      return;
    }
  }
  post({ type: 'stored', id });
}
