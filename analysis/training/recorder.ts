import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, type AtomicWriteQueue } from '../store/atomic';
import { encodeSafetensors, type NamedTensor } from '../store/safetensors';
import { checkpointPath, PROBE_FILE, RESUME_FILE, STATE_DIR } from '../store/runLayout';
import type { Network } from './network';
import type { PreparedData } from '../data/prepare';
import type { CheckpointPaths } from './checkpointRecord';

/**
 * Writing the bulky parts of a run. Weights are copied out of the backend (the cpu backend's data()
 * returns the live storage of a variable, which the next update would overwrite) and every file is written
 * atomically, so a run killed at any moment leaves only complete files. Checkpoint files go through a
 * background write queue: the disk syncs while training goes on (fsync latency is the largest and most
 * variable part of a checkpoint on a busy disk).
 */

export async function snapshotWeights(net: Network): Promise<Record<string, NamedTensor>> {
  const out: Record<string, NamedTensor> = {};
  for (const p of net.params) {
    out[p.name] = { dtype: 'F32', shape: [...p.shape], data: new Float32Array(await p.variable.data()) };
  }
  return out;
}

/**
 * Queues a checkpoint's two files (written in the background, atomically), the checkpoint first: the
 * resume state (optimiser state at that step) never refers to a checkpoint that is not on disk.
 */
export function queueCheckpointFiles(queue: AtomicWriteQueue, paths: CheckpointPaths, checkpointFile: Uint8Array, resumeFile: Uint8Array): void {
  queue.enqueue(paths.checkpoint, checkpointFile);
  queue.enqueue(paths.resume, resumeFile);
}

/** Where the checkpoint at `step` and its resume state go. */
export function checkpointPaths(runDir: string, step: number): CheckpointPaths {
  return { checkpoint: checkpointPath(runDir, step), resume: resumeStatePath(runDir) };
}

/** The folders checkpoint files go into (made once per session, not per checkpoint). */
export function makeCheckpointFolders(runDir: string): void {
  fs.mkdirSync(path.dirname(checkpointPath(runDir, 0)), { recursive: true });
  fs.mkdirSync(path.dirname(resumeStatePath(runDir)), { recursive: true });
}

/** Probe-set inputs, labels and indices (into the split named in the metadata), once per run. */
export function writeProbeFile(runDir: string, data: PreparedData): void {
  const p = data.probe;
  const tensors: Record<string, NamedTensor> = {
    'probe/indices': { dtype: 'F32', shape: [p.n], data: Float32Array.from(p.indices) },
    'probe/labels': { dtype: 'F32', shape: [p.n], data: Float32Array.from(p.y) },
    'probe/inputs': { dtype: 'F32', shape: [p.n, ...data.inputShape], data: p.x },
  };
  writeFileAtomic(path.join(runDir, PROBE_FILE), encodeSafetensors(tensors, {
    format: 'topolens-probe', dataset: data.name, split: p.split, classes: String(data.classes), classNames: JSON.stringify(data.classNames ?? []),
  }));
}

export function resumeStatePath(runDir: string): string {
  return path.join(runDir, STATE_DIR, RESUME_FILE);
}
