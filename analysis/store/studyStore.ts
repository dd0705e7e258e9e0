import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from './atomic';
import { isWriterAlive, listRuns, readRunJson, writeRunJson } from './runStore';
import { makeRunId, STUDIES_DIR, STUDY_JSON } from './runLayout';
import { parseStudyJson, STUDY_SCHEMA_VERSION, type StudyJson, type StudyMemberPlan } from '../spec/studyFormat';
import type { RunStatus } from '../spec/runFormat';
import type { RunEntry } from '../worker/protocol/runs';
import type { PlannedMemberState, PlannedMemberStatus, StudyEntry, StudyMemberRef } from '../worker/protocol/studies';

/**
 * Studies in a runs folder. Who writes what, so members can train on different machines into one shared
 * folder without ever writing the same file:
 *   - study.json (`<runsRoot>/studies/<id>/study.json`) is written once at creation, and again only by an
 *     explicit user edit; member trainings never touch it;
 *   - membership is the `study: { id, member }` field of each member's own run.json, so the members of a
 *     study are found by scanning the runs, and a member joins or leaves by rewriting only its run.json.
 * Readers never trust a folder: an unreadable study.json becomes an entry with a `problem` naming the file,
 * and neither the other studies nor any run are hidden by it. Everything here is synchronous plain file
 * I/O, cheap enough for the extension host to call directly.
 */

export type { PlannedMemberStatus, StudyEntry, StudyMemberRef } from '../worker/protocol/studies';

export function studiesDir(runsRoot: string): string {
  return path.join(runsRoot, STUDIES_DIR);
}

export function studyDir(runsRoot: string, studyId: string): string {
  return path.join(runsRoot, STUDIES_DIR, studyId);
}

/** The runs folder a run or study folder lives in. */
function runsRootOf(runDir: string): string {
  return path.dirname(path.resolve(runDir));
}

export interface NewStudy {
  name: string;
  members: StudyMemberPlan[];
  presetStudyId?: string;
  description?: string;
  panels?: string[];
}

/** study.json's text for a new study and the record parsed back from it (which validates the plan). */
function studyRecord(id: string, spec: NewStudy, when: Date, what: string): { text: string; study: StudyJson } {
  const record: StudyJson = {
    schemaVersion: STUDY_SCHEMA_VERSION, id, name: spec.name, createdAt: when.toISOString(),
    ...(spec.presetStudyId !== undefined ? { presetStudyId: spec.presetStudyId } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    members: spec.members.map((m) => ({ name: m.name, config: m.config })),
    ...(spec.panels !== undefined ? { panels: spec.panels } : {}),
  };
  const text = JSON.stringify(record, null, 2) + '\n';
  return { text, study: parseStudyJson(text, what) };
}

/**
 * Creates `<runsRoot>/studies/<id>/study.json` (atomically) and returns the study. The record is validated
 * first (unique member names, valid configs), so a bad plan writes nothing.
 */
export function createStudy(runsRoot: string, spec: NewStudy, when: Date = new Date()): { id: string; dir: string; study: StudyJson } {
  const parent = studiesDir(runsRoot);
  fs.mkdirSync(parent, { recursive: true });
  const slugSource = spec.name.trim() ? spec.name : 'study';
  for (;;) {
    const id = makeRunId(slugSource, when);
    const dir = path.join(parent, id);
    const file = path.join(dir, STUDY_JSON);
    const { text, study } = studyRecord(id, spec, when, `study "${spec.name}"`); // validated before anything is written
    try {
      fs.mkdirSync(dir); // not recursive: an existing folder (same second, same random tag) means another id
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new Error(`${dir}: cannot create the study folder (${(e as Error).message})`);
    }
    try {
      writeFileAtomic(file, text);
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`${file}: cannot write (${(e as Error).message})`);
    }
    return { id, dir, study };
  }
}

/**
 * A study id chosen by the user (`topolens train --study-id`): it names the folder under studies/, so it must
 * be a plain folder name (letters, digits, `.`, `_`, `-`, starting with a letter or digit).
 */
export function checkStudyId(id: string, what = '--study-id'): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id)) throw new Error(`${what} "${id}": use letters, digits, ".", "_" and "-" (starting with a letter or digit, at most 100 characters)`);
  return id;
}

/**
 * Creates the study `<runsRoot>/studies/<id>/study.json` under an id the caller chose, or attaches to it when
 * it exists with the same plan (same preset study, same member names and configs): the way N member
 * trainings started at once by a scheduler (a Slurm array, a Kubernetes indexed Job), each with the same
 * command, agree on one study. Exactly one of them creates study.json, complete, without ever overwriting
 * it (see publishOnce); the others read it. The same id with another plan is an error naming the file and
 * the first difference, and changes nothing.
 */
export function createOrAttachStudy(runsRoot: string, id: string, spec: NewStudy, when: Date = new Date()): { id: string; dir: string; study: StudyJson; created: boolean } {
  checkStudyId(id);
  const dir = studyDir(runsRoot, id);
  const file = path.join(dir, STUDY_JSON);
  const { text, study: wanted } = studyRecord(id, spec, when, `study "${id}"`); // validated before anything is written
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Error(`${dir}: cannot create the study folder (${(e as Error).message})`);
  }
  if (!fs.existsSync(file) && publishOnce(file, text)) return { id, dir, study: wanted, created: true };
  const existing = readStudyWhileCreated(file);
  const difference = planDifference(existing, wanted);
  if (difference) throw new Error(`${file}: study "${id}" already exists with a different plan (${difference}); use another --study-id, or the options it was created with`);
  return { id, dir, study: existing, created: false };
}

/**
 * Writes `file` only if it does not exist, and never visibly incomplete: the text goes to a private temp
 * file (fsynced), which is then hard-linked to the name; link() fails if the name exists, atomically, on
 * local file systems and on NFS alike. Where links are not supported, an exclusive create (`wx`) and write
 * (readers may then briefly see it incomplete: readStudyWhileCreated waits for it). False: it already existed.
 */
function publishOnce(file: string, text: string): boolean {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  writeFileAtomic(tmp, text);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw new Error(`${file}: cannot write (${(e as Error).message})`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(`${file}: cannot write (${(e as Error).message})`);
  }
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** readStudy, retried for a moment while the text is incomplete (another process creating it without links). */
function readStudyWhileCreated(file: string): StudyJson {
  const deadline = Date.now() + 3000;
  for (;;) {
    try {
      return readStudy(path.dirname(file));
    } catch (e) {
      if (Date.now() > deadline) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

/** Sorted keys, so two configs compare by content whatever order their fields were written in. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  return value;
}

/** The first place where two JSON values differ, as `path: a vs b`, or undefined when equal. */
function firstDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
      if (d) return d;
    }
  }
  return `${at} is ${JSON.stringify(a) ?? 'unset'} in study.json but ${JSON.stringify(b) ?? 'unset'} here`;
}

/** What makes two study records different plans: the preset study, the member names and their configs. */
function planDifference(existing: StudyJson, wanted: StudyJson): string | undefined {
  const names = (s: StudyJson) => s.members.map((m) => m.name);
  const preset = firstDifference(existing.presetStudyId, wanted.presetStudyId, 'presetStudyId');
  if (preset) return preset;
  if (names(existing).join('\n') !== names(wanted).join('\n')) return `members are ${names(existing).join(', ')} in study.json but ${names(wanted).join(', ')} here`;
  for (const [i, m] of existing.members.entries()) {
    const d = firstDifference(JSON.parse(JSON.stringify(m.config)), JSON.parse(JSON.stringify(wanted.members[i].config)), `member ${m.name}: config`);
    if (d) return d;
  }
  return undefined;
}

/** Reads study.json strictly: throws a message naming the file (missing, corrupt, newer schema, invalid). */
export function readStudy(dir: string): StudyJson {
  const file = path.join(dir, STUDY_JSON);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${file}: missing (not a study folder, or the study was deleted)` : `${file}: cannot read (${(e as Error).message})`);
  }
  return parseStudyJson(text, file);
}

/** Member runs of every study id named in the runs' run.json files, each list sorted by run id. */
function membersById(runs: RunEntry[]): Map<string, StudyMemberRef[]> {
  const out = new Map<string, StudyMemberRef[]>();
  for (const r of runs) {
    const s = r.run?.study;
    if (!r.run || !s) continue;
    const list = out.get(s.id) ?? [];
    list.push({ member: s.member, runId: r.id, runDir: r.dir, status: r.run.status });
    out.set(s.id, list);
  }
  for (const list of out.values()) list.sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  return out;
}

/** Runs whose run.json names `studyId` (a scan of the runs folder, or of `runs` when the caller has listed them). */
export function studyMembers(runsRoot: string, studyId: string, runs: RunEntry[] = listRuns(runsRoot)): StudyMemberRef[] {
  return membersById(runs).get(studyId) ?? [];
}

/** Best outcome first: a member counts as done when any of its runs completed. */
const STATE_ORDER: PlannedMemberState[] = ['completed', 'running', 'interrupted', 'failed'];

/** What became of each planned member, from the member runs recorded under its name. */
export function plannedMemberStatus(study: Pick<StudyJson, 'members'>, members: StudyMemberRef[]): PlannedMemberStatus[] {
  return study.members.map((plan) => {
    const runs = members.filter((m) => m.member === plan.name);
    const statuses = new Set<RunStatus>(runs.map((m) => m.status));
    const state = STATE_ORDER.find((s) => statuses.has(s as RunStatus)) ?? 'missing';
    return { name: plan.name, state, runDirs: runs.map((m) => m.runDir) };
  });
}

/** Planned member names with no completed member run: what a resumed study still has to train. */
export function missingMembers(study: Pick<StudyJson, 'members'>, members: StudyMemberRef[]): string[] {
  return plannedMemberStatus(study, members).filter((p) => p.state !== 'completed').map((p) => p.name);
}

/** One study folder as an entry; never throws for a bad study.json (the entry carries the problem). */
export function readStudyEntry(dir: string, members: StudyMemberRef[]): StudyEntry {
  const entry: StudyEntry = { id: path.basename(dir), dir, members, planned: [], missing: [] };
  try {
    entry.study = readStudy(dir);
    entry.planned = plannedMemberStatus(entry.study, members);
    entry.missing = entry.planned.filter((p) => p.state !== 'completed').map((p) => p.name);
  } catch (e) {
    entry.problem = (e as Error).message;
  }
  return entry;
}

/**
 * Every study of a runs folder, sorted by id (creation time), each with its member runs. A study id named by
 * runs but without a folder (not yet synced from another machine, or deleted) is listed too, with a problem,
 * so its members stay grouped. Pass `runs` when already listed to avoid a second scan.
 */
export function listStudies(runsRoot: string, runs: RunEntry[] = listRuns(runsRoot)): StudyEntry[] {
  const parent = studiesDir(runsRoot);
  let names: string[] = [];
  try {
    names = fs.readdirSync(parent, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${parent}: cannot list the studies folder (${(e as Error).message})`);
  }
  const byId = membersById(runs);
  const ids = [...new Set([...names, ...byId.keys()])].sort();
  return ids.map((id) => readStudyEntry(path.join(parent, id), byId.get(id) ?? []));
}

/** A run's run.json for a membership edit: readable and not being written by a live trainer. */
function runForEdit(runDir: string) {
  const run = readRunJson(runDir);
  // The trainer keeps run.json in memory and rewrites it; an edit now would be lost at its next write.
  if (run.status === 'running' && isWriterAlive(run)) throw new Error(`${runDir}: the run is still training; change its study after it finishes`);
  return run;
}

/**
 * Records `runDir` as member `member` of study `studyId` (in the same runs folder). Only that run's run.json
 * is rewritten (atomically). A run belongs to one study: one already in another study is refused.
 */
export function addRunToStudy(runDir: string, studyId: string, member: string): void {
  if (!member.trim()) throw new Error(`${runDir}: a study member needs a name`);
  readStudy(studyDir(runsRootOf(runDir), studyId)); // the study must exist beside the run (throws naming the file)
  const run = runForEdit(runDir);
  if (run.study && run.study.id !== studyId) {
    throw new Error(`${runDir}: already a member of study ${run.study.id}; remove it from that study first (topolens study remove ${runDir})`);
  }
  run.study = { id: studyId, member };
  writeRunJson(runDir, run);
}

/** Removes `runDir` from its study, rewriting only its run.json; returns the membership it had, if any. */
export function removeRunFromStudy(runDir: string): { id: string; member: string } | undefined {
  const run = runForEdit(runDir);
  const was = run.study;
  if (!was) return undefined;
  delete run.study;
  writeRunJson(runDir, run);
  return was;
}

/** `base`, or `base-2`, `base-3`, ... : the first name not in `taken` (which it joins). */
function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let k = 2; taken.has(name); k++) name = `${base}-${k}`;
  taken.add(name);
  return name;
}

/**
 * Groups existing runs as a new study (the tree's "Group as study", `topolens study create`). All runs must
 * be readable, in one runs folder, not training, and in no other study; nothing is written otherwise. The
 * planned members are the runs themselves (member name = run name, made unique; config = the run's config).
 */
export function createStudyFromRuns(name: string, runDirs: string[], options: { panels?: string[]; description?: string } = {}): { id: string; dir: string; study: StudyJson } {
  if (runDirs.length === 0) throw new Error(`study "${name}": give at least one run folder`);
  const dirs = [...new Set(runDirs.map((d) => path.resolve(d)))];
  const roots = [...new Set(dirs.map(runsRootOf))];
  if (roots.length > 1) throw new Error(`study "${name}": the runs are in different runs folders (${roots.join(', ')}); a study groups runs of one folder`);
  const taken = new Set<string>();
  const members = dirs.map((dir) => {
    const run = runForEdit(dir);
    if (run.study) throw new Error(`${dir}: already a member of study ${run.study.id}; remove it from that study first (topolens study remove ${dir})`);
    // A study's plan holds each member's training config (so missing members can be trained); imported runs have none.
    if (!run.config) throw new Error(`${dir}: an imported run (from ${run.source.dir}) cannot join a study, whose plan records each member's training config; give the runs to the analysis directly (e.g. topolens manifold RUN_DIR...)`);
    return { dir, name: uniqueName(run.name, taken), config: run.config };
  });
  const created = createStudy(roots[0], { name, members: members.map((m) => ({ name: m.name, config: m.config })), ...options });
  for (const m of members) addRunToStudy(m.dir, created.id, m.name);
  return created;
}

/**
 * Takes members out of a study's plan (an explicit user edit, so study.json is rewritten, atomically): after
 * "remove from study" on a grouped run, the study no longer counts it as missing and a resumed study does not
 * train it again. Member runs are not touched. Returns the names that were in the plan.
 */
export function dropPlannedMembers(dir: string, names: string[]): string[] {
  const study = readStudy(dir);
  const drop = new Set(names);
  const dropped = study.members.filter((m) => drop.has(m.name)).map((m) => m.name);
  if (dropped.length === 0) return [];
  study.members = study.members.filter((m) => !drop.has(m.name));
  writeFileAtomic(path.join(dir, STUDY_JSON), JSON.stringify({ ...study, schemaVersion: STUDY_SCHEMA_VERSION }, null, 2) + '\n');
  return dropped;
}

/**
 * Deletes a study folder once no run names it (remove the members first, so no run points at a study that is
 * gone). Refuses a folder holding anything but study.json, so a wrong path cannot be wiped by mistake.
 */
export function deleteStudy(dir: string, runs: RunEntry[] = listRuns(path.dirname(path.dirname(path.resolve(dir))))): void {
  const id = path.basename(dir);
  const members = membersById(runs).get(id) ?? [];
  if (members.length) throw new Error(`${dir}: not deleted: ${members.length} run(s) are still members (${members.slice(0, 3).map((m) => m.runDir).join(', ')}); remove them from the study first`);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new Error(`${dir}: cannot delete study (${(e as Error).message})`);
  }
  const foreign = names.filter((n) => n !== STUDY_JSON && !n.startsWith('.'));
  if (foreign.length) throw new Error(`${dir}: not deleted: it does not look like a study folder (contains ${foreign.slice(0, 3).join(', ')})`);
  fs.rmSync(dir, { recursive: true, force: true });
}
