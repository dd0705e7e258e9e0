/**
 * Planning the trainings of a study, shared by "Train & Analyze" (extension) and `topolens train --study`
 * (CLI): a preset study becomes a study record plus one job per member; a study folder becomes the jobs
 * of its members that are not completed yet (an interrupted member with a resume state continues where it
 * stopped; one training right now, maybe on another machine, is skipped); a scheduler task trains one member
 * of a study whose id all tasks share (attachPresetStudy, planStudyMember).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TrainConfig } from '../spec/trainConfig';
import { createOrAttachStudy, createStudy, plannedMemberStatus, readStudy, studyMembers, type PlannedMemberStatus, type StudyMemberRef } from '../store/studyStore';
import type { StudyJson, StudyMemberPlan } from '../spec/studyFormat';
import { STUDIES_DIR } from '../store/runLayout';
import { resumeStatePath } from './recorder';
import { studyRunConfig, type Study } from './presets';

/** One training: a fresh run, or a resumed one (its stored config is used). */
export interface TrainJob {
  name: string;
  config: TrainConfig;
  resumeRunDir?: string;
  study?: { id: string; member: string };
}

export interface StudyPlan { id: string; dir: string; runsRoot: string; jobs: TrainJob[]; skipped: string[] }

/** The planned members of a preset study, each config adjusted by `configOf` (the CLI's `--set`). */
function presetMembers(preset: Study, configOf: (base: TrainConfig) => TrainConfig): StudyMemberPlan[] {
  return preset.runs.map((run) => ({ name: run.name, config: configOf(studyRunConfig(run)) }));
}

/**
 * Records a preset study (study.json, written once, here) and plans one fresh run per member. `configOf`
 * may adjust each member's config (the CLI's `--set` overrides); the adjusted configs are the recorded plan,
 * so a resumed study trains the same configs.
 */
export function planPresetStudy(runsRoot: string, preset: Study, options: { name?: string; configOf?: (base: TrainConfig) => TrainConfig } = {}): StudyPlan {
  const members = presetMembers(preset, options.configOf ?? ((c: TrainConfig) => c));
  const created = createStudy(runsRoot, {
    name: options.name ?? preset.id, presetStudyId: preset.id, description: preset.label, members,
    ...(preset.panels ? { panels: preset.panels } : {}),
  });
  return { id: created.id, dir: created.dir, runsRoot, skipped: [], jobs: members.map((m) => ({ name: m.name, config: m.config, study: { id: created.id, member: m.name } })) };
}

/**
 * A preset study under an id the caller chose (`--study-id`; scheduler array tasks all pass the same one):
 * created by whichever task comes first, attached to by the others (the same plan is required; see
 * createOrAttachStudy). Returns the study folder and whether this call created it; what to train comes from
 * planStudyResume or planStudyMember, which look at the member runs already there.
 */
export function attachPresetStudy(runsRoot: string, preset: Study, id: string, options: { name?: string; configOf?: (base: TrainConfig) => TrainConfig } = {}): { id: string; dir: string; created: boolean } {
  const members = presetMembers(preset, options.configOf ?? ((c: TrainConfig) => c));
  const { dir, created } = createOrAttachStudy(runsRoot, id, {
    name: options.name ?? preset.id, presetStudyId: preset.id, description: preset.label, members,
    ...(preset.panels ? { panels: preset.panels } : {}),
  });
  return { id, dir, created };
}

/** The runs folder of a study folder (`<runs>/studies/<id>`), checked. */
function studyLocation(studyDir: string): { dir: string; id: string; runsRoot: string } {
  const dir = path.resolve(studyDir);
  if (path.basename(path.dirname(dir)) !== STUDIES_DIR) throw new Error(`${dir}: not a study folder (studies live in <runs folder>/${STUDIES_DIR}/<id>)`);
  return { dir, id: path.basename(dir), runsRoot: path.dirname(path.dirname(dir)) };
}

/** What a planned member needs: nothing (completed), nothing now (training, maybe elsewhere), or a job. */
type MemberNeed = { state: 'completed'; runDir: string } | { state: 'running'; runDir: string } | { state: 'train'; job: TrainJob };

function memberNeed(study: StudyJson, id: string, p: PlannedMemberStatus, refs: StudyMemberRef[]): MemberNeed {
  const runWith = (status: string) => refs.filter((r) => r.member === p.name && r.status === status).at(-1)?.runDir ?? p.runDirs[p.runDirs.length - 1];
  if (p.state === 'completed') return { state: 'completed', runDir: runWith('completed') };
  if (p.state === 'running') return { state: 'running', runDir: runWith('running') };
  const plan = study.members.find((m) => m.name === p.name)!;
  const resumable = p.state === 'interrupted' ? [...p.runDirs].reverse().find((d) => fs.existsSync(resumeStatePath(d))) : undefined;
  return { state: 'train', job: { name: p.name, config: plan.config, study: { id, member: p.name }, ...(resumable ? { resumeRunDir: resumable } : {}) } };
}

/** The members of the study at `studyDir` still to train. */
export function planStudyResume(studyDir: string): StudyPlan {
  const study = readStudy(path.resolve(studyDir)); // first: a folder without study.json is named as such
  const { dir, id, runsRoot } = studyLocation(studyDir);
  const jobs: TrainJob[] = [];
  const skipped: string[] = [];
  const refs = studyMembers(runsRoot, id);
  for (const p of plannedMemberStatus(study, refs)) {
    const need = memberNeed(study, id, p, refs);
    if (need.state === 'running') skipped.push(`${p.name}: still training in ${need.runDir}`);
    else if (need.state === 'train') jobs.push(need.job);
  }
  return { id, dir, runsRoot, jobs, skipped };
}

/**
 * A member of a study named by its index in the plan (0-based, the scheduler's task index) or by its name
 * (a name wins over an index: a member may be called "3"). Throws listing the members.
 */
export function resolveMember(study: StudyJson, given: string, studyName: string): { index: number; name: string } {
  const byName = study.members.findIndex((m) => m.name === given);
  const index = byName >= 0 ? byName : /^\d+$/.test(given) ? Number(given) : -1;
  if (index >= 0 && index < study.members.length) return { index, name: study.members[index].name };
  const n = study.members.length;
  const listed = study.members.slice(0, 12).map((m, i) => `${i} ${m.name}`).join(', ') + (n > 12 ? `, ... ${n - 1} ${study.members[n - 1].name}` : '');
  throw new Error(`--member ${given}: study ${studyName} has ${n} member(s), give an index 0-${n - 1} or a name: ${listed}`);
}

export interface MemberPlan extends StudyPlan {
  member: { index: number; name: string };
  /** The member's completed run when there is nothing to train. */
  completedRunDir?: string;
}

/**
 * The one member `member` (index or name) of the study at `studyDir`, for a scheduler task: a fresh run when
 * it has none (or only failed ones), the interrupted run resumed in place when it has one (a requeued task
 * continues), nothing when it is completed (a task run twice does no harm). A member training right now is
 * an error (the task is not run twice at once; retry once it has finished or gone stale).
 */
export function planStudyMember(studyDir: string, member: string): MemberPlan {
  const study = readStudy(path.resolve(studyDir));
  const { dir, id, runsRoot } = studyLocation(studyDir);
  const chosen = resolveMember(study, member, id);
  const refs = studyMembers(runsRoot, id);
  const need = memberNeed(study, id, plannedMemberStatus(study, refs)[chosen.index], refs);
  if (need.state === 'running') throw new Error(`member ${chosen.index} (${chosen.name}) of study ${id} is still training in ${need.runDir}; not started twice (its run is stale once its heartbeat stops, then this task resumes it)`);
  const base = { id, dir, runsRoot, skipped: [], member: chosen };
  return need.state === 'completed' ? { ...base, jobs: [], completedRunDir: need.runDir } : { ...base, jobs: [need.job] };
}
