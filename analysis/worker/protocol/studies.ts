/**
 * Studies on the wire: what the study store (analysis/store/studyStore.ts) produces for the runs tree and the
 * Train & Analyze picker. The store is plain, synchronous file reads, so the extension host may call it
 * directly; these types are what both sides agree on.
 */
import type { RunStatus } from '../../spec/runFormat';
import type { StudyJson } from '../../spec/studyFormat';
import type { RunEntry } from './runs';

/** One run whose run.json names the study. */
export interface StudyMemberRef {
  /** The member name recorded in the run's run.json (`study.member`). */
  member: string;
  runId: string;
  runDir: string;
  /** The run's status as the run store reports it ('running' with a gone writer reads 'interrupted'). */
  status: RunStatus;
}

/** What became of one planned member, from its member runs (several when it was retrained). */
export type PlannedMemberState = 'completed' | 'running' | 'interrupted' | 'failed' | 'missing';

export interface PlannedMemberStatus {
  name: string;
  state: PlannedMemberState;
  /** Member runs recorded under this name, oldest first. */
  runDirs: string[];
}

export interface StudyEntry {
  /** The study folder's name (`<runsRoot>/studies/<id>/`); members refer to it. */
  id: string;
  dir: string;
  /** The parsed study.json, when it could be read. */
  study?: StudyJson;
  /** Why study.json could not be read (names the file): corrupt, newer schema, missing (members only). */
  problem?: string;
  /** Runs whose run.json says `study.id === id`, sorted by run id (creation time). */
  members: StudyMemberRef[];
  /** Each planned member of study.json and what became of it (empty when study.json is unreadable). */
  planned: PlannedMemberStatus[];
  /** Planned member names with no completed member run: what a resumed study still has to train. */
  missing: string[];
}

/** The runs folder as the CLI's `runs --json` prints it. */
export interface RunsListing {
  runs: RunEntry[];
  studies: StudyEntry[];
}
