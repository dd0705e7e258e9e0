/**
 * A pair thread (worker_threads entry, dist/lossBarcodePair.js): builds the same PreparedBarcode as the
 * analysis thread from the run folders and settings it is started with, then optimises the pairs it is sent,
 * one at a time, posting progress every 20 iterations and each finished pair. The analysis thread caches
 * the results and terminates the thread on cancel.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PathSettings } from '../../worker/protocol/lossBarcode';
import { computePair, prepareBarcode } from './prepare';
import type { PairThreadMessage, PairThreadStart, PairThreadTask } from './pairThreads';

const port = parentPort;
if (!port) throw new Error('lossBarcode pair thread: not started as a worker thread');
const start = workerData as PairThreadStart;
const post = (m: PairThreadMessage) => port.postMessage(m);
try {
  const prep = prepareBarcode(start.runDirs, start.settings as PathSettings);
  post({ kind: 'ready' });
  port.on('message', (task: PairThreadTask) => {
    try {
      const pair = computePair(prep, task.i, task.j, start.minLoss, (it) => {
        if (it % 20 === 19) post({ kind: 'progress', i: task.i, j: task.j, iteration: it + 1 });
      });
      post({ kind: 'pair', pair });
    } catch (e) {
      post({ kind: 'error', message: (e as Error).message });
    }
  });
} catch (e) {
  post({ kind: 'error', message: (e as Error).message });
}
