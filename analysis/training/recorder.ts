import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, type AtomicWriteQueue } from '../store/atomic';
import { encodeSafetensors, type NamedTensor } from '../store/safetensors';
import { checkpointPath, PROBE_FILE, RESUME_FILE, STATE_DIR } from '../store/runLayout';
import type { Network } from './network';
import type { PreparedData } from '../data/prepare';

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

/** Queues the checkpoint file (written in the background, atomically); returns its path. */
export function writeCheckpoint(queue: AtomicWriteQueue, runDir: string, step: number, weights: Record<string, NamedTensor>, probeProbs: NamedTensor, metadata: Record<string, string>): string {
  const file = checkpointPath(runDir, step);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  queue.enqueue(file, encodeSafetensors({ ...weights, 'probe/probs': probeProbs }, { format: 'topolens-checkpoint', ...metadata, step: String(step) }));
  return file;
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

/**
 * Optimiser state at `step` (the latest checkpoint): what resume needs beyond the weights. Queued after
 * that checkpoint, so it never refers to a checkpoint that is not on disk.
 */
export function writeResumeState(queue: AtomicWriteQueue, runDir: string, step: number, iterations: number, state: Record<string, NamedTensor>): void {
  const file = resumeStatePath(runDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  queue.enqueue(file, encodeSafetensors(state, { format: 'topolens-resume', step: String(step), iterations: String(iterations) }));
}
