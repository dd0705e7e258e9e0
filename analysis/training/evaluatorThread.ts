import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { SimdTrainer } from './simd/trainer';
import { recordCheckpoint, type EvaluationSets } from './checkpointRecord';
import type { FromEvaluator, ToEvaluator } from './evaluatorProtocol';

/**
 * Entry of the checkpoint evaluator thread (bundled as dist/evaluator.js; from source it is required
 * through tsx). It owns a fused engine of its own: for each weight snapshot it loads the weights, runs the
 * probe and evaluation forward passes, encodes the checkpoint and resume-state files and posts them back
 * with the snapshot's storage for reuse (all transferred, not copied), so the training thread only pays
 * for copying the weights out.
 */

const port = parentPort;
if (!port) throw new Error('evaluatorThread.ts runs as a worker thread (see checkpointEvaluator.ts)');

lowerThreadPriority();

let engine: SimdTrainer | undefined;
let sets: EvaluationSets | undefined;

const post = (m: FromEvaluator, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

port.on('message', (m: ToEvaluator) => {
  if (m.type === 'init') {
    try {
      const e = m.engine;
      engine = new SimdTrainer(e.layers, e.inputShape, e.classes, e.optimizer, e.batchSize);
      sets = m.sets;
      post({ type: 'ready' });
    } catch (err) {
      post({ type: 'initFailed', message: (err as Error).message ?? String(err) });
    }
    return;
  }
  try {
    if (!engine || !sets) throw new Error('the evaluator got a checkpoint before its engine was set up');
    const snap = m.snapshot;
    engine.importWeights(new Map(Object.entries(snap.weights).map(([name, t]) => [name, t.data])));
    const record = recordCheckpoint((x, n) => engine!.logits(x, n), sets, snap);
    post({ type: 'record', id: m.id, record }, [record.checkpointFile.buffer as ArrayBuffer, record.resumeFile.buffer as ArrayBuffer, ...record.snapshotStorage]);
  } catch (err) {
    post({ type: 'recordFailed', id: m.id, message: (err as Error).message ?? String(err) });
  }
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
