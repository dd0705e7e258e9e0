import type { TrainConfig } from './trainConfig';
import { parseVersionedJson } from './versionedJson';

/**
 * study.json: what a study (several runs analysed together) is meant to be, at
 * `<runsRoot>/studies/<id>/study.json`. It is written when the study is created and on explicit user edits,
 * never by a member's training: membership lives in each member's own run.json (`study: { id, member }`), so
 * members trained on different machines into one shared folder never write the same file. The planned
 * members carry the config each one trains, so an interrupted study can continue with the missing ones.
 * The schema is versioned; a reader meeting a newer version refuses with a message naming the file. The zod
 * schema lives in studySchema.ts and is loaded on the first parse, not at import (the extension host reads
 * studies for the runs tree and must not load zod at activation).
 */

export const STUDY_SCHEMA_VERSION = 1;

export interface StudyMemberPlan {
  name: string;
  config: TrainConfig;
}

export interface StudyJson {
  schemaVersion: number;
  id: string;
  name: string;
  createdAt: string;
  presetStudyId?: string;
  description?: string;
  members: StudyMemberPlan[];
  panels?: string[];
}

/** Parses study.json text; every problem is an Error naming `file`. */
export function parseStudyJson(text: string, file: string): StudyJson {
  return parseVersionedJson<StudyJson>(text, file, { kind: 'study', fileName: 'study.json', version: STUDY_SCHEMA_VERSION, schema: () => loadStudySchema().StudyJsonSchema });
}

/** The zod schema module, required on first use (bundled lazily by esbuild; see the file comment). */
function loadStudySchema(): typeof import('./studySchema') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load is the point
  return require('./studySchema') as typeof import('./studySchema');
}
