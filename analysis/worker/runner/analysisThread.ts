/**
 * Entry of an analysis thread (bundled as dist/analysisThread.js; from source it is required through
 * tsx). Jobs run one at a time; cancellation is a shared flag the analysis polls, so a cancel is seen
 * mid-computation even though this thread never returns to its event loop while computing.
 */
import { parentPort } from 'node:worker_threads';
import { plainContext } from '../../analyses/definition';
import { executeJob } from './executeJob';
import type { FromThread, ToThread } from './threadMessages';

const port = parentPort;
if (!port) throw new Error('analysisThread.ts runs as a worker thread (see analysisRunner.ts)');
const post = (m: FromThread) => port.postMessage(m);

port.on('message', (job: ToThread) => {
  const flag = new Int32Array(job.cancel);
  const context = plainContext({
    isCancelled: () => Atomics.load(flag, 0) !== 0,
    onProgress: (fraction, message) => post({ type: 'progress', id: job.id, fraction, message }),
    log: (message) => post({ type: 'log', id: job.id, message }),
  });
  void executeJob(job.name, job.params, context).then((outcome) => {
    if (outcome.ok) post({ type: 'done', id: job.id, result: outcome.result, cached: outcome.cached });
    else post({ type: 'failed', id: job.id, message: outcome.message, cancelled: outcome.cancelled });
  });
});
