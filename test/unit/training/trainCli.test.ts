import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { applyOverride, buildConfig, presetStudyJobs, registerTrainCommand, resumeStudyJobs, sharedStudyJobs } from '../../../analysis/cli/commands/train';
import { attachPresetStudy, planStudyMember } from '../../../analysis/training/studyJobs';
import { registerRunsCommands } from '../../../analysis/cli/commands/runs';
import { registerStudyCommands } from '../../../analysis/cli/commands/study';
import { trainRun } from '../../../analysis/training/train';
import { getStudy, studyRunConfig } from '../../../analysis/training/presets';
import type { TrainConfigInput } from '../../../analysis/spec/trainConfig';
import { moonsConfig } from './moonsConfig';
import { RUN_SCHEMA_VERSION, type TrainedRunJson } from '../../../analysis/spec/runFormat';
import type { StudyJson } from '../../../analysis/spec/studyFormat';
import { createStudy, readStudy } from '../../../analysis/store/studyStore';
import { listRuns, readRunJson, writeRunJson } from '../../../analysis/store/runStore';
import { STUDIES_DIR } from '../../../analysis/store/runLayout';
import type { RunsListing } from '../../../analysis/worker/protocol/studies';
import type { TrainResult } from '../../../analysis/worker/protocol/training';

test('--set overrides nested fields with JSON values; epochs and steps replace each other', () => {
  const c = buildConfig({ preset: 'quick', set: ['optimizer.lr=0.01', 'seeds.init=7', 'model.hidden=[32,16]', 'steps=50', 'init={"kind":"he-normal"}'] });
  assert.equal(c.optimizer.lr, 0.01);
  assert.equal(c.seeds.init, 7);
  assert.deepEqual(c.model.kind === 'mlp' && c.model.hidden, [32, 16]);
  assert.equal(c.steps, 50);
  assert.equal(c.epochs, undefined);
  assert.deepEqual(c.init, { kind: 'he-normal' });
  const o: Record<string, unknown> = {};
  applyOverride(o, 'dataset.dir=/data/my mnist');
  assert.deepEqual(o, { dataset: { dir: '/data/my mnist' } });
  assert.throws(() => applyOverride(o, 'novalue'), /--set novalue: expected key=value/);
  assert.throws(() => buildConfig({ preset: 'quick', set: ['batchSize=-3'] }), /preset "quick" with --set batchSize=-3: invalid training config:\n {2}batchSize/);
  assert.throws(() => buildConfig({ config: '/nonexistent/run.json', set: [] }), /\/nonexistent\/run\.json: cannot read/);
});

// ---- studies: --study, --resume-study, runs, study create/remove ----

const temps: string[] = [];
after(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
  for (const d of temps) assert.equal(fs.existsSync(d), false);
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-traincli-'));
  temps.push(d);
  return d;
}

const moons = (over: Partial<TrainConfigInput> = {}) => moonsConfig({ epochs: 4, checkpoints: { kind: 'every', steps: 5 }, ...over });

/** Runs the CLI's commands in-process; returns what they printed with console.log (stderr is muted). */
async function cli(...args: string[]): Promise<string> {
  const program = new Command('topolens').exitOverride();
  registerTrainCommand(program);
  registerRunsCommands(program);
  registerStudyCommands(program);
  const out: string[] = [];
  const log = console.log;
  const err = console.error;
  const write = process.stderr.write;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = () => undefined;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await program.parseAsync(['node', 'topolens', ...args]);
  } finally {
    console.log = log;
    console.error = err;
    process.stderr.write = write;
  }
  return out.join('\n');
}

function fakeRun(root: string, id: string, over: Partial<TrainedRunJson> = {}): string {
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { recursive: true });
  const now = new Date().toISOString();
  writeRunJson(dir, { schemaVersion: RUN_SCHEMA_VERSION, id, name: 'quick', createdAt: now, status: 'completed', backend: 'cpu', config: moons(), timings: { startedAt: now }, ...over });
  return dir;
}

test('train --study records the preset study (plan with --set applied, panels) and gives each member job its study id', () => {
  const root = tmp();
  const { id, dir, jobs } = presetStudyJobs('barcode-depth', { set: ['steps=5'] }, root);
  assert.equal(path.dirname(dir), path.join(root, STUDIES_DIR));
  const study = readStudy(dir);
  assert.equal(study.presetStudyId, 'barcode-depth');
  assert.equal(study.name, 'barcode-depth');
  assert.deepEqual(study.members.map((m) => m.name), getStudy('barcode-depth').runs.map((r) => r.name));
  for (const [i, m] of study.members.entries()) {
    const { epochs, ...expected } = studyRunConfig(getStudy('barcode-depth').runs[i]);
    assert.equal(epochs, 80); // the preset's cap, replaced by --set steps
    assert.deepEqual(m.config, { ...expected, steps: 5 });
    assert.equal(m.config.seeds.init, i + 1);
  }
  assert.deepEqual(jobs.map((j) => [j.name, j.study]), study.members.map((m) => [m.name, { id, member: m.name }]));
  assert.deepEqual(jobs.map((j) => j.config), study.members.map((m) => m.config));
  assert.throws(() => presetStudyJobs('nope', { set: [] }, root), /unknown study "nope"; known studies: /);
});

test('train --resume-study trains only the missing members: resumes the interrupted one, skips a live one; runs groups them', async () => {
  const root = tmp();
  const plan = ['a', 'b', 'c'].map((name, i) => ({ name, config: moons({ seeds: { init: i + 1, shuffle: i + 1 } }) }));
  const { id, dir } = createStudy(root, { name: 'tiny', members: plan });
  const studyText = fs.readFileSync(path.join(dir, 'study.json'), 'utf8');
  const base = { runsRoot: root, backend: 'cpu' as const, onProgress: () => undefined, log: () => undefined };
  let calls = 0;
  const a = await trainRun({ ...base, config: plan[0].config, name: 'a', study: { id, member: 'a' }, isCancelled: () => ++calls > 12 });
  assert.equal(a.status, 'interrupted');
  const c = await trainRun({ ...base, config: plan[2].config, name: 'c', study: { id, member: 'c' }, isCancelled: () => false });
  assert.equal(c.status, 'completed');

  const planned = resumeStudyJobs(dir);
  assert.equal(planned.runsRoot, root);
  assert.deepEqual(planned.jobs.map((j) => [j.name, j.resumeRunDir, j.study]), [['a', a.runDir, { id, member: 'a' }], ['b', undefined, { id, member: 'b' }]]);
  assert.deepEqual(planned.jobs[1].config, plan[1].config);
  assert.deepEqual(planned.skipped, []);

  const printed = JSON.parse(await cli('train', '--resume-study', dir, '--backend', 'cpu', '--json')) as { study: { id: string; dir: string; missing: string[] }; results: TrainResult[] };
  assert.deepEqual(printed.study, { id, dir, missing: [] });
  assert.deepEqual(printed.results.map((r) => r.status), ['completed', 'completed']);
  assert.equal(printed.results[0].runDir, a.runDir); // resumed in place, not retrained
  const b = readRunJson(printed.results[1].runDir);
  assert.deepEqual(b.study, { id, member: 'b' });
  assert.deepEqual(b.config, plan[1].config);
  assert.equal(fs.readFileSync(path.join(dir, 'study.json'), 'utf8'), studyText); // members never write study.json

  assert.equal(await cli('train', '--resume-study', dir, '--backend', 'cpu'), `study ${id}: nothing to train, every member is completed`);
  const listing = JSON.parse(await cli('runs', root, '--json')) as RunsListing;
  assert.equal(listing.runs.length, 3);
  assert.deepEqual(listing.studies.map((s) => [s.id, s.missing, s.members.map((m) => m.member).sort()]), [[id, [], ['a', 'b', 'c']]]);
  const text = (await cli('runs', root)).split('\n');
  assert.equal(text[0], `study ${id}  "tiny"  3/3 members completed`);
  assert.equal(text.length, 4);
  assert.ok(text.slice(1).every((l) => /^ {2}\d{8}-\d{6}-[abc]-[0-9a-f]{4} {2}completed {3}cpu {8}\d+ checkpoints {2}acc \d+\.\d% {2}\[[abc]\]$/.test(l)), text.join('\n'));

  // a member training right now (maybe on another machine) is left alone
  const { dir: dir2, id: id2 } = createStudy(root, { name: 'busy', members: plan.slice(0, 1) });
  const now = new Date().toISOString();
  const live = fakeRun(root, '20260103-000000-live-0000', { status: 'running', pid: process.pid, host: os.hostname(), timings: { startedAt: now, heartbeatAt: now }, study: { id: id2, member: 'a' } });
  assert.deepEqual(resumeStudyJobs(dir2), { id: id2, dir: dir2, runsRoot: root, jobs: [], skipped: [`a: still training in ${live}`] });
  assert.throws(() => resumeStudyJobs(a.runDir), /study\.json: missing \(not a study folder/);
  await assert.rejects(cli('train', '--study', 'manifold', '--resume-study', dir), /--study and --resume-study are exclusive/);
  await assert.rejects(cli('train', '--study', 'manifold', '--preset', 'quick'), /--study trains the study's own configs: drop --preset \/ --config/);
  assert.equal(fs.readdirSync(path.join(root, STUDIES_DIR)).length, 2); // refused before anything was recorded
});

test('study create groups runs, study remove takes one out (only its run.json changes)', async () => {
  const root = tmp();
  const r1 = fakeRun(root, '20260103-000001-one-0000', { name: 'one' });
  const r2 = fakeRun(root, '20260103-000002-two-0000', { name: 'two' });
  const made = JSON.parse(await cli('study', 'create', 'pair', r1, r2, '--panels', 'weightBarcode, runDashboard', '--json')) as { id: string; dir: string; study: StudyJson };
  assert.deepEqual(made.study.members.map((m) => m.name), ['one', 'two']);
  assert.deepEqual(made.study.panels, ['weightBarcode', 'runDashboard']);
  assert.deepEqual(readRunJson(r1).study, { id: made.id, member: 'one' });
  assert.deepEqual(readRunJson(r2).study, { id: made.id, member: 'two' });
  const r2Text = fs.readFileSync(path.join(r2, 'run.json'), 'utf8');
  const studyText = fs.readFileSync(path.join(made.dir, 'study.json'), 'utf8');
  assert.equal(await cli('study', 'remove', r1), `${r1}: removed from study ${made.id} (member one)`);
  assert.equal(readRunJson(r1).study, undefined);
  assert.equal(fs.readFileSync(path.join(r2, 'run.json'), 'utf8'), r2Text);
  assert.equal(fs.readFileSync(path.join(made.dir, 'study.json'), 'utf8'), studyText);
  assert.equal(await cli('study', 'remove', r1), `${r1}: not in a study`);
  const text = (await cli('runs', root)).split('\n');
  assert.deepEqual(text.map((l) => l.replace(/\s+/g, ' ')), [
    `study ${made.id} "pair" 1/2 members completed, missing: one (topolens train --resume-study ${made.dir})`,
    ' 20260103-000002-two-0000 completed cpu 0 checkpoints [two]',
    '20260103-000001-one-0000 completed cpu 0 checkpoints',
  ]);
  await assert.rejects(cli('study', 'create', 'again', r2), new RegExp(`already a member of study ${made.id}`));
  await assert.rejects(cli('study', 'delete', made.dir), /not deleted: 1 run\(s\) are still members/);
  assert.equal(await cli('study', 'remove', r2, '--drop-plan'), `${r2}: removed from study ${made.id} (member two, dropped from its plan)`);
  assert.deepEqual(readStudy(made.dir).members.map((m) => m.name), ['one']);
  assert.equal(await cli('study', 'delete', made.dir), `deleted ${made.dir}`);
  assert.equal(await cli('runs', root), ['20260103-000001-one-0000', '20260103-000002-two-0000'].map((id) => `${id}  completed   cpu        0 checkpoints`).join('\n'));
});

// ---- studies on a scheduler: --study-id, --member ----

/** The real CLI in a child process (as a scheduler task runs it). */
function cliProcess(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('analysis/cli/main.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const TINY = ['--backend', 'cpu', '--set', 'epochs=2'];

test('a job array: member tasks started at once fill one runs folder with one study; study.json is written once, by one of them', async () => {
  const root = tmp();
  const members = getStudy('barcode-tiny').runs.map((r) => r.name);
  assert.equal(members.length, 3);
  const tasks = await Promise.all(members.map((_, i) => cliProcess(['train', '--study', 'barcode-tiny', '--study-id', 'exp1', '--member', String(i), '--runs', root, ...TINY])));
  for (const t of tasks) assert.equal(t.code, 0, t.stderr);
  const created = tasks.filter((t) => /^study exp1 \(created, /m.test(t.stdout));
  assert.equal(created.length, 1, tasks.map((t) => t.stdout).join('\n---\n'));
  tasks.forEach((t, i) => assert.match(t.stdout, new RegExp(`^study exp1 \\((created|existing), ${path.join(root, STUDIES_DIR, 'exp1').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): member ${i} \\(${members[i]}\\)$`, 'm')));

  // one study, every member completed, each member run naming it in its own run.json
  const listing = JSON.parse(await cli('runs', root, '--json')) as RunsListing;
  assert.deepEqual(listing.studies.map((s) => [s.id, s.missing, s.members.map((m) => [m.member, m.status]).sort()]), [['exp1', [], members.map((m) => [m, 'completed'])]]);
  assert.equal(listing.runs.length, 3);
  const studyFile = path.join(root, STUDIES_DIR, 'exp1', 'study.json');
  const study = readStudy(path.dirname(studyFile));
  assert.deepEqual(study.members.map((m) => [m.name, m.config.epochs, m.config.seeds.init]), members.map((m, i) => [m, 2, i + 1]));
  // no task rewrote study.json after it was created: it is older than every member run
  const mtime = fs.statSync(studyFile).mtimeMs;
  for (const r of listing.runs) assert.ok(mtime <= Date.parse(r.run!.createdAt), `study.json (${new Date(mtime).toISOString()}) was written before run ${r.id} began (${r.run!.createdAt})`);
  assert.deepEqual(fs.readdirSync(path.join(root, STUDIES_DIR)), ['exp1']);
  assert.deepEqual(fs.readdirSync(path.dirname(studyFile)), ['study.json']);

  // a task run again (a requeue) finds its member completed and changes nothing
  const text = fs.readFileSync(studyFile, 'utf8');
  const again = await cli('train', '--study', 'barcode-tiny', '--study-id', 'exp1', '--member', members[2], '--runs', root, ...TINY);
  assert.equal(again, `study exp1 (existing, ${path.dirname(studyFile)}): member 2 (${members[2]}) is already completed (${listing.studies[0].members.find((m) => m.member === members[2])!.runDir}); nothing to train`);
  assert.equal(fs.readFileSync(studyFile, 'utf8'), text);
  assert.equal(fs.statSync(studyFile).mtimeMs, mtime);
  assert.equal(listRuns(root).length, 3);
  // the same id with another plan is refused before anything is trained
  await assert.rejects(cli('train', '--study', 'barcode-tiny', '--study-id', 'exp1', '--member', '0', '--runs', root, '--backend', 'cpu', '--set', 'epochs=3'), /study "exp1" already exists with a different plan \(member barcode-tiny-seed1: config\.epochs is 2 in study\.json but 3 here\)/);
  assert.equal(listRuns(root).length, 3);
});

test('--member: by index or name, an interrupted member resumes in place, a live one is not trained twice; bad combinations are refused', async () => {
  const root = tmp();
  const { dir, created } = attachPresetStudy(root, getStudy('quick-seeds'), 'seeds', { configOf: (base) => buildConfig({ set: ['epochs=1', 'dataset.trainSize=640'] }, base) });
  assert.equal(created, true);
  const study = readStudy(dir);
  assert.deepEqual(planStudyMember(dir, '1').member, { index: 1, name: 'quick-seed2' });
  assert.deepEqual(planStudyMember(dir, 'quick-seed1').member, { index: 0, name: 'quick-seed1' });
  assert.deepEqual(planStudyMember(dir, '0').jobs.map((j) => [j.name, j.resumeRunDir, j.study]), [['quick-seed1', undefined, { id: 'seeds', member: 'quick-seed1' }]]);
  assert.throws(() => planStudyMember(dir, '2'), /--member 2: study seeds has 2 member\(s\), give an index 0-1 or a name: 0 quick-seed1, 1 quick-seed2/);
  assert.throws(() => planStudyMember(dir, 'seed9'), /--member seed9: study seeds has 2 member/);

  // member 0 interrupted after its first checkpoint: the task run again continues that run
  let calls = 0;
  const cut = await trainRun({ config: study.members[0].config, runsRoot: root, backend: 'cpu', name: 'quick-seed1', study: { id: 'seeds', member: 'quick-seed1' }, isCancelled: () => ++calls > 3, onProgress: () => undefined, log: () => undefined });
  assert.equal(cut.status, 'interrupted');
  const planned = planStudyMember(dir, '0');
  assert.deepEqual(planned.jobs.map((j) => j.resumeRunDir), [cut.runDir]);
  const out = JSON.parse(await cli('train', '--resume-study', dir, '--member', '0', '--backend', 'cpu', '--json')) as { study: { id: string; missing: string[] }; results: TrainResult[] };
  assert.deepEqual(out.results.map((r) => [r.status, r.runDir]), [['completed', cut.runDir]]);
  assert.deepEqual(out.study.missing, ['quick-seed2']);

  // member 1 training right now (maybe on another node): not started twice
  const now = new Date().toISOString();
  const live = fakeRun(root, '20260103-000000-live-0000', { status: 'running', pid: process.pid, host: os.hostname(), timings: { startedAt: now, heartbeatAt: now }, study: { id: 'seeds', member: 'quick-seed2' } });
  await assert.rejects(cli('train', '--study', 'quick-seeds', '--study-id', 'seeds', '--member', '1', '--runs', root, '--backend', 'cpu', '--set', 'epochs=1', '--set', 'dataset.trainSize=640'), { message: `member 1 (quick-seed2) of study seeds is still training in ${live}; not started twice (its run is stale once its heartbeat stops, then this task resumes it)` });

  await assert.rejects(cli('train', '--preset', 'quick', '--member', '0'), /--member trains one member of a study: add --study/);
  await assert.rejects(cli('train', '--resume-study', dir, '--study-id', 'x'), /--study-id names the study that --study records/);
  await assert.rejects(cli('train', '--study', 'quick-seeds', '--study-id', '../x', '--runs', root), /--study-id "\.\.\/x": use letters, digits/);
  // without --study-id the id is the name's (or the preset study's) slug, so array tasks still agree
  assert.equal(sharedStudyJobs({ study: 'quick-seeds', member: '1', name: 'My Seeds!', set: ['epochs=1'] }, root).id, 'my-seeds');
  assert.equal(sharedStudyJobs({ study: 'quick-seeds', member: '1', set: ['epochs=1'] }, root).id, 'quick-seeds');
});
