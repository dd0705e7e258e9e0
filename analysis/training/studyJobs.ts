/**
 * Planning the trainings of a study, shared by "Train & Analyze" (extension) and `topolens train --study`
 * (CLI): a preset study becomes a study record plus one job per member; a study folder becomes the jobs
 * of its members that are not completed yet (an interrupted member with a resume state continues where it
 * stopped; one training right now, maybe on another machine, is skipped).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TrainConfig } from '../spec/trainConfig';
import { createStudy, plannedMemberStatus, readStudy, studyMembers } from '../store/studyStore';
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

/**
 * Records a preset study (study.json, written once, here) and plans one fresh run per member. `configOf`
 * may adjust each member's config (the CLI's `--set` overrides); the adjusted configs are the recorded plan,
 * so a resumed study trains the same configs.
 */
export function planPresetStudy(runsRoot: string, preset: Study, options: { name?: string; configOf?: (base: TrainConfig) => TrainConfig } = {}): StudyPlan {
  const configOf = options.configOf ?? ((c: TrainConfig) => c);
  const members = preset.runs.map((run) => ({ name: run.name, config: configOf(studyRunConfig(run)) }));
  const created = createStudy(runsRoot, {
    name: options.name ?? preset.id, presetStudyId: preset.id, description: preset.label, members,
    ...(preset.panels ? { panels: preset.panels } : {}),
  });
  return { id: created.id, dir: created.dir, runsRoot, skipped: [], jobs: members.map((m) => ({ name: m.name, config: m.config, study: { id: created.id, member: m.name } })) };
}

/** The members of the study at `studyDir` still to train. */
export function planStudyResume(studyDir: string): StudyPlan {
  const dir = path.resolve(studyDir);
  const study = readStudy(dir);
  const id = path.basename(dir);
  if (path.basename(path.dirname(dir)) !== STUDIES_DIR) throw new Error(`${dir}: not a study folder (studies live in <runs folder>/${STUDIES_DIR}/<id>)`);
  const runsRoot = path.dirname(path.dirname(dir));
  const jobs: TrainJob[] = [];
  const skipped: string[] = [];
  for (const p of plannedMemberStatus(study, studyMembers(runsRoot, id))) {
    if (p.state === 'completed') continue;
    if (p.state === 'running') { skipped.push(`${p.name}: still training in ${p.runDirs[p.runDirs.length - 1]}`); continue; }
    const plan = study.members.find((m) => m.name === p.name);
    if (!plan) continue;
    const resumable = p.state === 'interrupted' ? [...p.runDirs].reverse().find((d) => fs.existsSync(resumeStatePath(d))) : undefined;
    jobs.push({ name: p.name, config: plan.config, study: { id, member: p.name }, ...(resumable ? { resumeRunDir: resumable } : {}) });
  }
  return { id, dir, runsRoot, jobs, skipped };
}
