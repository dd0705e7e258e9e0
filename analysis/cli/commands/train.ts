/**
 * `topolens train`: the training engine from the shell. Everything "Train & Analyze" can do is reachable
 * here: presets, studies (several runs), a JSON config file, a workspace model file, per-field overrides
 * (`--set optimizer.lr=0.01`), any backend, and resuming an interrupted run. Ctrl-C stops cleanly: the run
 * is marked interrupted and can be resumed with --resume.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { trainRun } from '../../training/train';
import type { TrainResult } from '../../worker/protocol/training';
import { getPreset, getStudy, PRESETS, STUDIES } from '../../training/presets';
import { attachPresetStudy, planPresetStudy, planStudyMember, planStudyResume, type StudyPlan, type TrainJob } from '../../training/studyJobs';
import { configWarnings, parseTrainConfig, type TrainConfig } from '../../spec/trainConfig';
import { checkStudyId, listStudies } from '../../store/studyStore';
import { parseBackendOption, progressPrinter } from './shared';

interface TrainOptions {
  preset?: string;
  config?: string;
  model?: string;
  study?: string;
  studyId?: string;
  member?: string;
  resumeStudy?: string;
  set: string[];
  runs: string;
  name?: string;
  backend: string;
  tfjsNodePath?: string;
  resume?: string;
  list?: boolean;
  json?: boolean;
}

/** `a.b.c=value`: value parsed as JSON when it is JSON (numbers, booleans, arrays, objects), else a string. */
export function applyOverride(target: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new Error(`--set ${assignment}: expected key=value, e.g. --set optimizer.lr=0.01`);
  const keys = assignment.slice(0, eq).split('.');
  const text = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  let obj = target;
  for (const k of keys.slice(0, -1)) {
    const next = obj[k];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) obj[k] = {};
    obj = obj[k] as Record<string, unknown>;
  }
  obj[keys[keys.length - 1]] = value;
  // epochs and steps are exclusive: setting one drops the other inherited from the preset.
  if (keys.length === 1 && keys[0] === 'epochs') delete target.steps;
  if (keys.length === 1 && keys[0] === 'steps') delete target.epochs;
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** The config for one run: preset or config file, then model file, then --set overrides, validated. */
export function buildConfig(opts: Pick<TrainOptions, 'preset' | 'config' | 'model' | 'set'>, base?: TrainConfig): TrainConfig {
  if (opts.preset && opts.config) throw new Error('--preset and --config are exclusive');
  const source = opts.config ? path.resolve(opts.config) : `preset "${opts.preset ?? 'quick'}"`;
  const raw = structuredClone(base ?? (opts.config ? readJsonFile(path.resolve(opts.config)) : getPreset(opts.preset ?? 'quick').config)) as Record<string, unknown>;
  if (opts.model) raw.modelFile = path.resolve(opts.model);
  for (const s of opts.set) applyOverride(raw, s);
  return parseTrainConfig(raw, opts.set.length ? `${source} with --set ${opts.set.join(' ')}` : source);
}

/**
 * `--study <preset study>`: records the study and plans one fresh run per member (analysis/training/studyJobs.ts).
 * `--set` overrides apply to every member and are part of the recorded plan, so a resumed study trains the
 * same configs.
 */
export function presetStudyJobs(studyId: string, opts: Pick<TrainOptions, 'set' | 'model' | 'name'>, runsRoot: string): StudyPlan {
  return planPresetStudy(runsRoot, getStudy(studyId), { name: opts.name, configOf: (base) => buildConfig({ set: opts.set, model: opts.model }, base) });
}

/** `--resume-study <studyDir>`: the members still to train (analysis/training/studyJobs.ts). */
export const resumeStudyJobs = planStudyResume;

/**
 * `--study <preset study> --study-id <id>` and/or `--member <i>`: a study whose id does not depend on the
 * time, so every task of a scheduler array running the same command attaches to the one study the first
 * task created (the same plan is required); then member `i` alone, or every member not completed yet. The
 * id is `--study-id`, else the slug of `--name`, else the preset study's id.
 */
export function sharedStudyJobs(opts: Pick<TrainOptions, 'study' | 'studyId' | 'member' | 'set' | 'model' | 'name'>, runsRoot: string): StudyPlan & { created: boolean; note?: string } {
  const preset = getStudy(opts.study!);
  const id = opts.studyId !== undefined ? checkStudyId(opts.studyId) : checkStudyId(slug(opts.name ?? preset.id), '--name');
  const { dir, created } = attachPresetStudy(runsRoot, preset, id, { name: opts.name, configOf: (base) => buildConfig({ set: opts.set, model: opts.model }, base) });
  if (opts.member === undefined) return { ...planStudyResume(dir), created };
  const plan = planStudyMember(dir, opts.member);
  const who = `member ${plan.member.index} (${plan.member.name})`;
  return { ...plan, created, note: plan.completedRunDir ? `${who} is already completed (${plan.completedRunDir}); nothing to train` : `${who}${plan.jobs[0].resumeRunDir ? `: resuming ${plan.jobs[0].resumeRunDir}` : ''}` };
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|-+$/g, '').slice(0, 100) || 'study';
}

function printList(): void {
  console.log('presets:');
  for (const p of PRESETS) console.log(`  ${p.id.padEnd(26)} ${p.label}\n  ${''.padEnd(26)} source: ${p.source}`);
  console.log('studies (--study):');
  for (const s of STUDIES) console.log(`  ${s.id.padEnd(26)} ${s.label} (${s.runs.length} runs)`);
}

function summaryLine(r: TrainResult): string {
  const s = r.summary;
  const acc = s ? ` · train acc ${(100 * s.trainAccuracy).toFixed(1)}%${s.testAccuracy !== undefined ? ` · test acc ${(100 * s.testAccuracy).toFixed(1)}%` : ''}` : '';
  return `${r.status}: ${r.runDir}${acc}${r.error ? ` · ${r.error.message}` : ''}`;
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a network and record its checkpoints (a preset, a study, a config file or a workspace model)')
    .option('-p, --preset <id>', 'preset to train (see --list); default quick')
    .option('-c, --config <file.json>', 'run config as JSON (the "config" object of run.json)')
    .option('-m, --model <file.ts>', 'workspace model file exporting createModel(tf)')
    .option('--study <id>', 'record a study and train its members one after another (see --list)')
    .option('--study-id <id>', 'with --study: the study folder\'s id (studies/<id>), created by the first command and reused by the next ones with the same plan; for scheduler arrays')
    .option('--member <index|name>', 'with --study or --resume-study: train only this member (0-based index in the plan, or its name): one task of a job array')
    .option('--resume-study <studyDir>', 'train the members of a study that are not completed yet (resumes interrupted ones)')
    .option('-s, --set <key=value>', 'override one config field, e.g. --set optimizer.lr=0.01 (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--runs <dir>', 'runs folder', path.join(process.cwd(), '.topolens', 'runs'))
    .option('--name <name>', 'run name (default: the preset id or config file name); with --study, the study name')
    .option('--backend <name>', 'auto | gpu | native | wasm | cpu', 'auto')
    .option('--tfjs-node-path <dir>', 'folder where @tensorflow/tfjs-node(-gpu) is installed')
    .option('--resume <runDir>', 'continue an interrupted run from its last checkpoint')
    .option('--list', 'list presets and studies, then exit')
    .option('--json', 'print the results as JSON (with --study / --resume-study: { study, results })')
    .action(async (opts: TrainOptions) => {
      if (opts.list) return printList();
      const backend = parseBackendOption(opts.backend);
      let runsRoot = path.resolve(opts.runs);
      const exclusive = [opts.resume && '--resume', opts.study && '--study', opts.resumeStudy && '--resume-study'].filter(Boolean);
      if (exclusive.length > 1) throw new Error(`${exclusive.join(' and ')} are exclusive`);
      if ((opts.study || opts.resumeStudy) && (opts.preset || opts.config)) throw new Error(`${opts.study ? '--study' : '--resume-study'} trains the study's own configs: drop --preset / --config (use --set to change a field of every member)`);
      if (opts.studyId !== undefined && !opts.study) throw new Error('--study-id names the study that --study records: add --study <preset study>');
      if (opts.member !== undefined && !opts.study && !opts.resumeStudy) throw new Error('--member trains one member of a study: add --study <preset study> (with --study-id) or --resume-study <studyDir>');
      let jobs: TrainJob[] = [];
      let study: { id: string; dir: string } | undefined;
      if (opts.resume) {
        jobs.push({ name: path.basename(opts.resume), config: buildConfig({ set: [] }), resumeRunDir: path.resolve(opts.resume) });
      } else if (opts.study && (opts.studyId !== undefined || opts.member !== undefined)) {
        const planned = sharedStudyJobs(opts, runsRoot);
        study = { id: planned.id, dir: planned.dir };
        jobs = planned.jobs;
        for (const s of planned.skipped) console.error(`skipped ${s}`);
        if (!opts.json) console.log(`study ${planned.id} (${planned.created ? 'created' : 'existing'}, ${planned.dir}): ${planned.note ?? (jobs.length ? `${jobs.length} member(s) to train` : 'nothing to train')}`);
      } else if (opts.study) {
        const planned = presetStudyJobs(opts.study, opts, runsRoot);
        study = { id: planned.id, dir: planned.dir };
        jobs = planned.jobs;
        if (!opts.json) console.log(`study ${planned.id}: ${jobs.length} members (resume with: topolens train --resume-study ${planned.dir})`);
      } else if (opts.resumeStudy && opts.member !== undefined) {
        const plan = planStudyMember(opts.resumeStudy, opts.member);
        runsRoot = plan.runsRoot;
        study = { id: plan.id, dir: plan.dir };
        jobs = plan.jobs;
        if (!opts.json) console.log(`study ${plan.id}: member ${plan.member.index} (${plan.member.name})${plan.completedRunDir ? ` is already completed (${plan.completedRunDir}); nothing to train` : plan.jobs[0].resumeRunDir ? `: resuming ${plan.jobs[0].resumeRunDir}` : ''}`);
      } else if (opts.resumeStudy) {
        const plan = resumeStudyJobs(opts.resumeStudy);
        runsRoot = plan.runsRoot;
        study = { id: plan.id, dir: path.resolve(opts.resumeStudy) };
        jobs = plan.jobs;
        for (const s of plan.skipped) console.error(`skipped ${s}`);
        if (!opts.json) console.log(jobs.length ? `study ${plan.id}: ${jobs.length} member(s) to train: ${jobs.map((j) => j.name + (j.resumeRunDir ? ' (resumed)' : '')).join(', ')}` : `study ${plan.id}: nothing to train${plan.skipped.length ? '' : ', every member is completed'}`);
      } else {
        const name = opts.name ?? (opts.config ? path.basename(opts.config, path.extname(opts.config)) : opts.model ? path.basename(opts.model, path.extname(opts.model)) : opts.preset ?? 'quick');
        jobs.push({ name, config: buildConfig(opts) });
      }
      let cancelled = false;
      const onSigint = () => {
        cancelled = true;
      };
      process.on('SIGINT', onSigint);
      const results: TrainResult[] = [];
      try {
        for (const [i, job] of jobs.entries()) {
          if (cancelled) break;
          const progress = progressPrinter();
          if (jobs.length > 1) progress.log(`run ${i + 1}/${jobs.length}: ${job.name}${job.resumeRunDir ? ` (resuming ${job.resumeRunDir})` : ''}`);
          if (!job.resumeRunDir) for (const w of configWarnings(job.config)) progress.log(`warning: ${w}`);
          const r = await trainRun({
            config: job.config, runsRoot, name: job.name, backend, tfjsNodePath: opts.tfjsNodePath, resumeRunDir: job.resumeRunDir, study: job.study,
            isCancelled: () => cancelled, onProgress: progress.update, log: progress.log,
          });
          progress.done();
          results.push(r);
          if (!opts.json) console.log(summaryLine(r));
          if (r.status === 'interrupted' && !opts.json) console.log(opts.member !== undefined ? 'resume with: the same command (it continues this member\'s run)' : study ? `resume with: topolens train --resume-study ${study.dir}` : `resume with: topolens train --resume ${r.runDir}`);
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
      if (opts.json) {
        const missing = study ? listStudies(runsRoot).find((s) => s.id === study.id)?.missing ?? [] : [];
        console.log(JSON.stringify(study ? { study: { ...study, missing }, results } : results, null, 2));
      }
      const failed = results.filter((r) => r.status === 'failed');
      if (failed.length) throw new Error(`${failed.length} of ${results.length} run(s) failed: ${failed.map((r) => r.error?.message ?? r.runDir).join('; ')}`);
      if (cancelled) process.exitCode = 130;
    });
}
