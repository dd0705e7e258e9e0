import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic';
import { decodeSafetensors, type NamedTensor } from './safetensors';
import { RUN_SCHEMA_VERSION, type RunJson, type RunStatus } from '../spec/runFormat';
import { parseRunJson } from '../spec/parseRunJson';
import { parseMetrics, type MetricRecord } from './metrics';
import type { CheckpointRef, RunEntry } from '../worker/protocol/runs';
import { CHECKPOINTS_DIR, METRICS_JSONL, isRunFolderEntry, parseCheckpointFileName, RUN_JSON, STUDIES_DIR } from './runLayout';

/**
 * Reading and maintaining run folders. Readers never trust a folder: a run that cannot be read becomes an
 * entry with a `problem` message (naming the file) so the UI can show it next to the healthy runs, and a
 * run that says 'running' while its writer is gone is reported as 'interrupted'.
 */

export type { CheckpointRef, RunEntry } from '../worker/protocol/runs';

/** A writer refreshes its heartbeat at least this often (see trainRun); twice that means it is gone. */
export const HEARTBEAT_INTERVAL_MS = 60_000;
const STALE_AFTER_MS = 5 * HEARTBEAT_INTERVAL_MS;

export function listRuns(root: string): RunEntry[] {
  let names: string[];
  try {
    // studies/ holds study records, not a run (studyStore.ts reads it).
    names = fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== STUDIES_DIR).map((d) => d.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${root}: cannot list the runs folder (${(e as Error).message})`);
  }
  return names.sort().map((name) => readRun(path.join(root, name)));
}

export function readRun(dir: string): RunEntry {
  const id = path.basename(dir);
  const entry: RunEntry = { id, dir, checkpoints: [] };
  try {
    entry.checkpoints = listCheckpoints(dir);
  } catch (e) {
    entry.problem = (e as Error).message;
  }
  const file = path.join(dir, RUN_JSON);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    entry.problem = code === 'ENOENT' ? `${file}: missing (the run was stopped before it started, or this is not a run folder)` : `${file}: cannot read (${(e as Error).message})`;
    return entry;
  }
  try {
    const run = parseRunJson(text, file);
    if (run.status === 'running' && !isWriterAlive(run)) {
      run.status = 'interrupted';
      run.error ??= { message: 'the training process ended without finishing the run (killed or crashed)' };
    }
    entry.run = run;
  } catch (e) {
    entry.problem = (e as Error).message;
  }
  return entry;
}

/**
 * Whether the process that writes a 'running' run still exists. Same host: its pid must be alive and its
 * heartbeat fresh (pids are reused after a reboot). Other host (shared folder): the heartbeat alone.
 */
export function isWriterAlive(run: RunJson, now = Date.now()): boolean {
  const beat = Date.parse(run.timings.heartbeatAt ?? run.timings.startedAt);
  if (!Number.isFinite(beat) || now - beat > STALE_AFTER_MS) return false;
  if (run.host !== undefined && run.host !== os.hostname()) return true;
  if (run.pid === undefined) return false;
  return isPidAlive(run.pid);
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Checkpoints sorted by step; temporary files of an interrupted write are ignored. */
export function listCheckpoints(dir: string): CheckpointRef[] {
  const cdir = path.join(dir, CHECKPOINTS_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(cdir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${cdir}: cannot list checkpoints (${(e as Error).message})`);
  }
  const out: CheckpointRef[] = [];
  for (const n of names) {
    const step = parseCheckpointFileName(n);
    if (step !== undefined) out.push({ step, file: path.join(cdir, n) });
  }
  return out.sort((a, b) => a.step - b.step);
}

/** Reads run.json strictly (throws a message naming the file). */
export function readRunJson(dir: string): RunJson {
  const file = path.join(dir, RUN_JSON);
  return parseRunJson(fs.readFileSync(file, 'utf8'), file);
}

export function writeRunJson(dir: string, run: RunJson): void {
  writeFileAtomic(path.join(dir, RUN_JSON), JSON.stringify({ ...run, schemaVersion: RUN_SCHEMA_VERSION }, null, 2) + '\n');
}

/** Sets the final status (e.g. 'interrupted' after a worker crash); clears the pid so nobody waits on it. */
export function markRunStatus(dir: string, status: RunStatus, error?: { message: string; step?: number }): void {
  const run = readRunJson(dir);
  run.status = status;
  if (status !== 'running') {
    delete run.pid;
    run.timings.endedAt ??= new Date().toISOString();
  }
  if (error) run.error = error;
  else if (status === 'completed') delete run.error;
  writeRunJson(dir, run);
}

/** All tensors of a checkpoint: weights named `<layer>/<kernel|bias>` plus `probe/probs` [probe, classes]. */
export function readCheckpoint(file: string): Record<string, NamedTensor> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read checkpoint (${(e as Error).message})`);
  }
  return decodeSafetensors(bytes, file).tensors;
}

/** Tensors and metadata of any safetensors file (checkpoints, probe.safetensors). */
export function readSafetensorsFile(file: string): { tensors: Record<string, NamedTensor>; metadata: Record<string, string> } {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as Error).message})`);
  }
  return decodeSafetensors(bytes, file);
}

export function readMetrics(dir: string): MetricRecord[] {
  const file = path.join(dir, METRICS_JSONL);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${file}: cannot read (${(e as Error).message})`);
  }
  return parseMetrics(text, file);
}

/**
 * Deletes a run folder. Refuses a folder that holds anything a run folder never holds, so a wrong path
 * (a workspace folder, the runs root) cannot be wiped by mistake.
 */
export function deleteRun(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new Error(`${dir}: cannot delete run (${(e as Error).message})`);
  }
  const foreign = names.filter((n) => !isRunFolderEntry(n) && !n.startsWith('.'));
  if (foreign.length > 0) throw new Error(`${dir}: not deleted: it does not look like a run folder (contains ${foreign.slice(0, 3).join(', ')})`);
  fs.rmSync(dir, { recursive: true, force: true });
}
