import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { SimdTrainer } from './simd/trainer';
import { recordCheckpoint, type CheckpointRecord, type EvaluationSets } from './checkpointRecord';
import { AtomicWriteQueue } from '../store/atomic';
import type { FromEvaluator, ToEvaluator } from './evaluatorProtocol';

/**
 * Entry of the checkpoint evaluator thread (bundled as dist/evaluator.js; from source it is required
 * through tsx). It owns a fused engine of its own: for each weight snapshot it loads the weights, runs the
 * probe and evaluation forward passes, posts the scores back with the snapshot's storage (transferred,
 * for reuse), then writes the checkpoint and resume-state files through its own ordered atomic write
 * queue and says when they are on disk. The training thread only pays for copying the weights out: no
 * file bytes, fsyncs or write callbacks reach it.
 */

const port = parentPort;
if (!port) throw new Error('evaluatorThread.ts runs as a worker thread (see checkpointEvaluator.ts)');

lowerThreadPriority();

let engine: SimdTrainer | undefined;
let sets: EvaluationSets | undefined;
const writes = new AtomicWriteQueue();
/** The first failure: later checkpoints are refused (none is written after one that failed). */
let broken: string | undefined;

const post = (m: FromEvaluator, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const messageOf = (e: unknown) => (e as Error).message ?? String(e);

port.on('message', (m: ToEvaluator) => {
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
  writes.enqueue(paths.checkpoint, record.checkpointFile);
  writes.enqueue(paths.resume, record.resumeFile);
  writes.drain().then(() => post({ type: 'stored', id }), (err) => {
    broken ??= messageOf(err);
    post({ type: 'failed', id, message: messageOf(err) });
  });
});

/**
 * The evaluator is background work: it should use a spare core, never take the training thread's.
 * WHY: when the other cores are busy, waking this thread (a posted snapshot) made the kernel preempt the
 * training thread in favour of it, for milliseconds per checkpoint. Linux gives threads their own nice
 * value (setpriority on the thread id, found through /proc/thread-self); at 19 the training thread keeps
 * its core, and when the evaluator falls behind the bounded queue makes training wait (then its core is
 * free for the evaluator). Elsewhere this is skipped: the evaluator still runs, at normal priority.
 */
function lowerThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(path.basename(fs.readlinkSync('/proc/thread-self')));
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, 19);
  } catch {
    // no /proc, or not allowed: normal priority
  }
}
