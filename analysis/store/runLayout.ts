import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Names inside a run folder, in one place so writers and readers cannot drift apart:
 *   <runsRoot>/<runId>/run.json
 *                     /metrics.jsonl
 *                     /probe.safetensors              probe-set indices and labels (once per run)
 *                     /checkpoints/step-0000420.safetensors
 *                     /state/resume.safetensors       optimiser state at the latest checkpoint
 *                     /analysis/                      caches written by the analyses
 *                     /events.out.tfevents.<s>.<host>  TensorBoard copy of metrics.jsonl (one per session)
 */
export const RUN_JSON = 'run.json';
export const METRICS_JSONL = 'metrics.jsonl';
export const PROBE_FILE = 'probe.safetensors';
export const CHECKPOINTS_DIR = 'checkpoints';
export const STATE_DIR = 'state';
export const RESUME_FILE = 'resume.safetensors';
export const ANALYSIS_DIR = 'analysis';

/**
 * Studies live beside the runs, in a folder no run id can take (run ids start with a timestamp):
 *   <runsRoot>/studies/<studyId>/study.json
 * Study ids are made like run ids (makeRunId), so they sort by creation time too.
 */
export const STUDIES_DIR = 'studies';
export const STUDY_JSON = 'study.json';

/** TensorBoard scalar event files, `events.out.tfevents.<seconds>.<host>` (analysis/tensorboard/write.ts). */
export const EVENTS_FILE_PREFIX = 'events.out.tfevents.';

/** Everything that may live in a run folder; deleteRun refuses folders holding anything else. */
export const RUN_FOLDER_ENTRIES = new Set([RUN_JSON, METRICS_JSONL, PROBE_FILE, CHECKPOINTS_DIR, STATE_DIR, ANALYSIS_DIR]);

export function isRunFolderEntry(name: string): boolean {
  return RUN_FOLDER_ENTRIES.has(name) || name.startsWith(EVENTS_FILE_PREFIX);
}

const CHECKPOINT_RE = /^step-(\d{7,})\.safetensors$/;

export function checkpointFileName(step: number): string {
  return `step-${String(step).padStart(7, '0')}.safetensors`;
}

export function checkpointPath(runDir: string, step: number): string {
  return path.join(runDir, CHECKPOINTS_DIR, checkpointFileName(step));
}

/** The step encoded in a checkpoint file name, or undefined for any other file. */
export function parseCheckpointFileName(name: string): number | undefined {
  const m = CHECKPOINT_RE.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * A run id that sorts by creation time (UTC, so sorting holds across time zones and DST), reads well and is
 * unique: `20261122-081500-quick-ab12`.
 */
export function makeRunId(name: string, when: Date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${when.getUTCFullYear()}${p(when.getUTCMonth() + 1)}${p(when.getUTCDate())}-${p(when.getUTCHours())}${p(when.getUTCMinutes())}${p(when.getUTCSeconds())}`;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'run';
  return `${stamp}-${slug}-${randomBytes(2).toString('hex')}`;
}
