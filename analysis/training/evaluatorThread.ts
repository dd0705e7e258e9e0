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

const port = parentPort;
if (!port) throw new Error('evaluatorThread.ts runs as a worker thread (see checkpointEvaluator.ts)');

let engine: SimdTrainer | undefined;
let sets: EvaluationSets | undefined;
/**
 * The first failure: checkpoints after it are refused (no file lands after one that failed); those before
 * it are still written (evaluations run ahead of the writes).
 */
let broken: { id: number; message: string } | undefined;

const post = (m: FromEvaluator, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const messageOf = (e: unknown) => (e as Error).message ?? String(e);

/** Evaluated checkpoints whose files are still to be written, oldest first. */
const unwritten: { id: number; paths: CheckpointPaths; files: Pick<CheckpointRecord, 'checkpointFile' | 'resumeFile'> }[] = [];
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
  if (m.type === 'write') {
    unwritten.push({ id: m.id, paths: m.paths, files: m });
    return;
  }
  const { id, snapshot, paths } = m;
  let record: CheckpointRecord;
  try {
    if (broken) throw new Error(`an earlier checkpoint failed (${broken.message})`);
    if (!engine || !sets) throw new Error('the evaluator got a checkpoint before its engine was set up');
    engine.importWeights(new Map(Object.entries(snapshot.weights).map(([name, t]) => [name, t.data])));
    record = recordCheckpoint((x, n) => engine!.logits(x, n), sets, snapshot);
  } catch (err) {
    broken ??= { id, message: messageOf(err) };
    post({ type: 'failed', id, message: messageOf(err) });
    return;
  }
  const { train, test, snapshotStorage } = record;
  post({ type: 'scored', id, train, ...(test ? { test } : {}), snapshotStorage }, snapshotStorage);
  unwritten.push({ id, paths, files: record });
}

function write({ id, paths, files }: (typeof unwritten)[number]): void {
  for (const [file, bytes] of [[paths.checkpoint, files.checkpointFile], [paths.resume, files.resumeFile]] as const) {
    try {
      if (broken && broken.id < id) throw new Error(`an earlier checkpoint failed (${broken.message})`);
      writeFileAtomic(file, bytes);
    } catch (err) {
      const message = `${file}: write failed (${messageOf(err)})`;
      broken ??= { id, message };
      post({ type: 'failed', id, message });
      return;
    }
  }
  post({ type: 'stored', id });
}
