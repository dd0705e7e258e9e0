/**
 * Pairs spread over threads: each of `threads` worker threads (pairThread.ts) builds the barcode's inputs
 * once and takes pairs from a shared queue, so K(K-1)/2 pairs use every core. Results are identical to the
 * in-process computation (same engine, data, minibatch order). Cancellation is polled every 100 ms and
 * terminates the threads at once; a pair finished before that is already cached by `onPair`.
 */
import type { Worker } from 'node:worker_threads';
import os from 'node:os';
import fs from 'node:fs';
import type { PairPath } from '../../worker/protocol/lossBarcode';
import { CancelledError, type AnalysisContext } from '../definition';
import type { ResolvedSettings } from './prepare';
import { startThread, threadEntry } from '../../threads/startThread';

export interface PairThreadStart { runDirs: string[]; settings: ResolvedSettings; minLoss: number[] }
export interface PairThreadTask { i: number; j: number }
export type PairThreadMessage =
  | { kind: 'ready' }
  | { kind: 'progress'; i: number; j: number; iteration: number }
  | { kind: 'pair'; pair: PairPath }
  | { kind: 'error'; message: string };

/** dist/lossBarcodePair.js beside the bundle, or pairThread.ts from source (tsx); undefined when neither exists. */
function pairThreadEntry(): string | undefined {
  const entry = threadEntry(__filename, 'pairThread.ts', 'lossBarcodePair.js');
  return fs.existsSync(entry) ? entry : undefined;
}


/** Threads to use by default: one per core, at most 4 (each holds the data set and a batch of networks). */
export function defaultPairThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
}

export function canUsePairThreads(): boolean {
  return pairThreadEntry() !== undefined;
}

export function computePairsOnThreads(
  start: PairThreadStart, tasks: PairThreadTask[], threads: number, context: AnalysisContext,
  onProgress: (task: PairThreadTask, iteration: number) => void, onPair: (pair: PairPath) => void,
): Promise<void> {
  const entry = pairThreadEntry();
  if (!entry) return Promise.reject(new Error('loss barcode: the pair thread bundle (lossBarcodePair.js) is missing'));
  const queue = tasks.slice();
  let pending = tasks.length;
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      for (const w of workers) void w.terminate();
      if (error) reject(error);
      else resolve();
    };
    const poll = setInterval(() => { if (context.isCancelled()) finish(new CancelledError()); }, 100);
    const next = (w: Worker) => {
      const task = queue.shift();
      if (task) w.postMessage(task);
    };
    for (let t = 0; t < Math.min(threads, tasks.length); t++) {
      const w = startThread(entry, { workerData: start, name: 'topolens-loss-barcode' });
      workers.push(w);
      w.on('message', (m: PairThreadMessage) => {
        if (settled) return;
        if (m.kind === 'ready') next(w);
        else if (m.kind === 'progress') onProgress({ i: m.i, j: m.j }, m.iteration);
        else if (m.kind === 'error') finish(new Error(m.message));
        else {
          try {
            onPair(m.pair);
          } catch (e) {
            return finish(e as Error);
          }
          if (--pending === 0) finish();
          else next(w);
        }
      });
      w.on('error', (e) => finish(e));
      w.on('exit', (code) => { if (!settled && code !== 0) finish(new Error(`loss barcode: a pair thread exited with code ${code}`)); });
    }
  });
}
