import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { deleteRun, listRuns, readRunJson, writeRunJson } from '../../../analysis/store/runStore';
import { addRunToStudy, checkStudyId, createOrAttachStudy, createStudy, createStudyFromRuns, deleteStudy, dropPlannedMembers, listStudies, missingMembers, readStudy, removeRunFromStudy, studyMembers } from '../../../analysis/store/studyStore';
import { checkpointCount, estimateRunSeconds, estimateStudySeconds, totalSteps } from '../../../analysis/store/studyEstimate';
import { RUN_SCHEMA_VERSION, type RunJson, type TrainedRunJson } from '../../../analysis/spec/runFormat';
import { STUDY_SCHEMA_VERSION } from '../../../analysis/spec/studyFormat';
import { parseTrainConfig, type TrainConfig } from '../../../analysis/spec/trainConfig';
import { STUDIES_DIR, STUDY_JSON } from '../../../analysis/store/runLayout';
import { checkpointSteps } from '../../../analysis/training/schedules';
import { getPreset } from '../../../analysis/training/presets';

const temps: string[] = [];
after(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
  for (const d of temps) assert.equal(fs.existsSync(d), false);
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-study-'));
  temps.push(d);
  return d;
}

const quick = getPreset('quick').config;

function runJson(id: string, over: Partial<TrainedRunJson> = {}): TrainedRunJson {
  const now = new Date().toISOString();
  return { schemaVersion: RUN_SCHEMA_VERSION, id, name: 'quick', createdAt: now, status: 'completed', backend: 'cpu', config: quick, timings: { startedAt: now }, ...over };
}

function makeRun(root: string, id: string, over: Partial<TrainedRunJson> = {}): string {
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { recursive: true });
  writeRunJson(dir, runJson(id, over));
  return dir;
}

function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

/** Every file under `dir` with its bytes, to see exactly which files an operation rewrote. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, rel);
    if (fs.statSync(p).isFile()) out.set(rel, fs.readFileSync(p, 'utf8'));
  }
  return out;
}

function changed(before: Map<string, string>, afterSnap: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...afterSnap.keys()]);
  return [...keys].filter((k) => before.get(k) !== afterSnap.get(k)).sort();
}

const plan = (...names: string[]) => names.map((name, i) => ({ name, config: { ...quick, seeds: { ...quick.seeds, init: i + 1 } } }));

test('createStudy writes a valid study.json atomically, with an id like a run id; a bad plan writes nothing', () => {
  const root = tmp();
  const when = new Date(Date.UTC(2026, 11, 3, 7, 50, 0));
  const { id, dir, study } = createStudy(root, { name: 'Seeds of quick', members: plan('s1', 's2'), presetStudyId: 'barcode-width', panels: ['weightBarcode'] }, when);
  assert.match(id, /^20261203-075000-seeds-of-quick-[0-9a-f]{4}$/);
  assert.equal(dir, path.join(root, STUDIES_DIR, id));
  assert.deepEqual(fs.readdirSync(dir), [STUDY_JSON]); // no temp file left behind
  const read = readStudy(dir);
  assert.deepEqual(read, study);
  assert.equal(read.schemaVersion, STUDY_SCHEMA_VERSION);
  assert.equal(read.presetStudyId, 'barcode-width');
  assert.deepEqual(read.panels, ['weightBarcode']);
  assert.deepEqual(read.members.map((m) => [m.name, m.config.seeds.init]), [['s1', 1], ['s2', 2]]);

  assert.throws(() => createStudy(root, { name: 'dup', members: plan('a', 'a') }), /study "dup": not a valid TopoLens study\.json \(members\.1\.name: member name "a" appears twice\)/);
  assert.throws(() => createStudy(root, { name: 'bad', members: [{ name: 'x', config: { ...quick, batchSize: -1 } as TrainConfig }] }), /study "bad": not a valid TopoLens study\.json \(members\.0\.config\.batchSize/);
  assert.deepEqual(fs.readdirSync(path.join(root, STUDIES_DIR)), [id]);
});

test('listStudies: corrupt and newer study.json become entries naming the file; other studies and all runs unaffected', () => {
  const root = tmp();
  const good = createStudy(root, { name: 'good', members: plan('a', 'b') });
  const corruptDir = path.join(root, STUDIES_DIR, '20260101-000000-corrupt-0000');
  fs.mkdirSync(corruptDir);
  fs.writeFileSync(path.join(corruptDir, STUDY_JSON), '{"schemaVersion": 1, "id": "cor');
  const newerDir = path.join(root, STUDIES_DIR, '20260101-000001-newer-0000');
  fs.mkdirSync(newerDir);
  fs.writeFileSync(path.join(newerDir, STUDY_JSON), JSON.stringify({ ...good.study, schemaVersion: STUDY_SCHEMA_VERSION + 1 }));
  const invalidDir = path.join(root, STUDIES_DIR, '20260101-000002-invalid-0000');
  fs.mkdirSync(invalidDir);
  fs.writeFileSync(path.join(invalidDir, STUDY_JSON), JSON.stringify({ schemaVersion: 1, id: 'x', name: 'x', createdAt: 'now', members: 'none' }));
  fs.mkdirSync(path.join(root, STUDIES_DIR, '.hidden'));
  makeRun(root, '20260102-000000-a-0000', { study: { id: good.id, member: 'a' } });
  makeRun(root, '20260102-000001-c-0000', { study: { id: '20260101-000000-corrupt-0000', member: 'c' } });
  makeRun(root, '20260102-000002-free-0000');

  const studies = listStudies(root);
  assert.deepEqual(studies.map((s) => s.id), ['20260101-000000-corrupt-0000', '20260101-000001-newer-0000', '20260101-000002-invalid-0000', good.id]);
  const [corrupt, newer, invalid, ok] = studies;
  assert.equal(corrupt.study, undefined);
  assert.match(corrupt.problem!, new RegExp(`^${escape(path.join(corruptDir, STUDY_JSON))}: not valid JSON .*truncated or corrupt$`));
  assert.deepEqual(corrupt.members.map((m) => m.member), ['c']); // its member is still grouped under it
  assert.deepEqual(corrupt.missing, []);
  assert.match(newer.problem!, new RegExp(`^${escape(path.join(newerDir, STUDY_JSON))}: written by a newer TopoLens \\(study schema 2, this version reads up to 1\\); update TopoLens`));
  assert.match(invalid.problem!, new RegExp(`^${escape(path.join(invalidDir, STUDY_JSON))}: not a valid TopoLens study\\.json \\(members: `));
  assert.equal(ok.problem, undefined);
  assert.equal(ok.study?.name, 'good');
  assert.deepEqual(ok.members.map((m) => [m.member, m.status]), [['a', 'completed']]);
  assert.deepEqual(ok.missing, ['b']);

  const runs = listRuns(root);
  assert.deepEqual(runs.map((r) => r.id), ['20260102-000000-a-0000', '20260102-000001-c-0000', '20260102-000002-free-0000']);
  assert.ok(runs.every((r) => r.run && !r.problem));
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('members are found by scanning run.json files; missing = planned minus completed', () => {
  const root = tmp();
  const { id, study, dir } = createStudy(root, { name: 'five', members: plan('done', 'retried', 'broken', 'stopped', 'never') });
  const other = createStudy(root, { name: 'other', members: plan('x') });
  makeRun(root, '20260102-000000-done-0000', { study: { id, member: 'done' } });
  makeRun(root, '20260102-000001-retried-0000', { status: 'failed', study: { id, member: 'retried' } });
  makeRun(root, '20260102-000002-retried-0000', { study: { id, member: 'retried' } });
  makeRun(root, '20260102-000003-broken-0000', { status: 'failed', study: { id, member: 'broken' } });
  // 'running' whose writer is gone reads as interrupted
  makeRun(root, '20260102-000004-stopped-0000', { status: 'running', pid: deadPid(), host: os.hostname(), study: { id, member: 'stopped' } });
  makeRun(root, '20260102-000005-extra-0000', { study: { id, member: 'unplanned' } });
  makeRun(root, '20260102-000006-x-0000', { study: { id: other.id, member: 'x' } });
  makeRun(root, '20260102-000007-free-0000');

  const members = studyMembers(root, id);
  assert.deepEqual(members.map((m) => [m.runId, m.member, m.status]), [
    ['20260102-000000-done-0000', 'done', 'completed'],
    ['20260102-000001-retried-0000', 'retried', 'failed'],
    ['20260102-000002-retried-0000', 'retried', 'completed'],
    ['20260102-000003-broken-0000', 'broken', 'failed'],
    ['20260102-000004-stopped-0000', 'stopped', 'interrupted'],
    ['20260102-000005-extra-0000', 'unplanned', 'completed'],
  ]);
  assert.deepEqual(missingMembers(study, members), ['broken', 'stopped', 'never']);
  const entry = listStudies(root).find((s) => s.id === id)!;
  assert.equal(entry.dir, dir);
  assert.deepEqual(entry.planned.map((p) => [p.name, p.state, p.runDirs.map((d) => path.basename(d))]), [
    ['done', 'completed', ['20260102-000000-done-0000']],
    ['retried', 'completed', ['20260102-000001-retried-0000', '20260102-000002-retried-0000']],
    ['broken', 'failed', ['20260102-000003-broken-0000']],
    ['stopped', 'interrupted', ['20260102-000004-stopped-0000']],
    ['never', 'missing', []],
  ]);
  assert.deepEqual(entry.missing, ['broken', 'stopped', 'never']);
  // a member training right now (live writer) is not missing-and-idle: its state says running
  makeRun(root, '20260102-000008-never-0000', { status: 'running', pid: process.pid, host: os.hostname(), timings: { startedAt: new Date().toISOString(), heartbeatAt: new Date().toISOString() }, study: { id, member: 'never' } });
  const again = listStudies(root).find((s) => s.id === id)!;
  assert.equal(again.planned.find((p) => p.name === 'never')!.state, 'running');
  assert.deepEqual(again.missing, ['broken', 'stopped', 'never']);
  // listing with runs already in hand gives the same answer without a second scan
  assert.deepEqual(listStudies(root, listRuns(root)), listStudies(root));
});

test('a run naming a study without a folder is grouped under an entry whose problem names the missing study.json', () => {
  const root = tmp();
  makeRun(root, '20260102-000000-a-0000', { study: { id: '20260101-000000-elsewhere-0000', member: 'a' } });
  const [entry] = listStudies(root);
  assert.equal(entry.id, '20260101-000000-elsewhere-0000');
  assert.equal(entry.problem, `${path.join(root, STUDIES_DIR, '20260101-000000-elsewhere-0000', STUDY_JSON)}: missing (not a study folder, or the study was deleted)`);
  assert.deepEqual(entry.members.map((m) => m.runId), ['20260102-000000-a-0000']);
  assert.deepEqual(listStudies(path.join(root, 'nope')), []);
});

test('addRunToStudy / removeRunFromStudy rewrite only that run\'s run.json', () => {
  const root = tmp();
  const { id, dir } = createStudy(root, { name: 's', members: plan('a') });
  const other = createStudy(root, { name: 'o', members: plan('z') });
  const a = makeRun(root, '20260102-000000-a-0000');
  const b = makeRun(root, '20260102-000001-b-0000', { study: { id: other.id, member: 'z' } });
  fs.mkdirSync(path.join(a, 'checkpoints'));
  fs.writeFileSync(path.join(a, 'checkpoints', 'step-0000000.safetensors'), 'bytes');
  fs.writeFileSync(path.join(a, 'metrics.jsonl'), '{"kind":"train","step":1,"loss":1}\n');

  const before = snapshot(root);
  addRunToStudy(a, id, 'a');
  const rel = path.relative(root, path.join(a, 'run.json'));
  assert.deepEqual(changed(before, snapshot(root)), [rel]);
  const after1 = readRunJson(a);
  assert.deepEqual(after1.study, { id, member: 'a' });
  assert.deepEqual({ ...after1, study: undefined }, { ...readRunJsonFrom(before.get(rel)!), study: undefined }); // nothing else changed
  assert.deepEqual(studyMembers(root, id).map((m) => m.runDir), [a]);
  assert.deepEqual(fs.readdirSync(a).sort(), ['checkpoints', 'metrics.jsonl', 'run.json']); // no temp file

  // refusals name the run or the study file and write nothing
  const before2 = snapshot(root);
  assert.throws(() => addRunToStudy(b, id, 'b'), new RegExp(`${escape(b)}: already a member of study ${other.id}; remove it from that study first`));
  assert.throws(() => addRunToStudy(a, 'no-such-study', 'a'), new RegExp(`${escape(path.join(root, STUDIES_DIR, 'no-such-study', STUDY_JSON))}: missing`));
  assert.throws(() => addRunToStudy(a, id, ' '), /a study member needs a name/);
  assert.deepEqual(changed(before2, snapshot(root)), []);
  const live = makeRun(root, '20260102-000002-live-0000', { status: 'running', pid: process.pid, host: os.hostname(), timings: { startedAt: new Date().toISOString(), heartbeatAt: new Date().toISOString() } });
  const before3 = snapshot(root);
  assert.throws(() => addRunToStudy(live, id, 'live'), /the run is still training; change its study after it finishes/);
  assert.deepEqual(changed(before3, snapshot(root)), []);

  const before4 = snapshot(root);
  assert.deepEqual(removeRunFromStudy(a), { id, member: 'a' });
  assert.deepEqual(changed(before4, snapshot(root)), [rel]);
  assert.equal(readRunJson(a).study, undefined);
  assert.equal(removeRunFromStudy(a), undefined); // not in a study: nothing to do
  assert.deepEqual(changed(before4, snapshot(root)), [rel]);
  assert.deepEqual(studyMembers(root, id), []);
  assert.deepEqual(fs.readdirSync(dir), [STUDY_JSON]);
});

function readRunJsonFrom(text: string): RunJson {
  return JSON.parse(text) as RunJson;
}

test('createStudyFromRuns groups existing runs (unique member names, their configs); bad groups write nothing', () => {
  const root = tmp();
  const x = makeRun(root, '20260102-000000-x-0000', { name: 'quick' });
  const y = makeRun(root, '20260102-000001-y-0000', { name: 'quick', config: { ...quick, seeds: { ...quick.seeds, init: 9 } } });
  const z = makeRun(root, '20260102-000002-z-0000', { name: 'other', status: 'failed' });
  const { id, study } = createStudyFromRuns('my group', [x, y, z, x], { panels: ['weightBarcode'] });
  assert.deepEqual(study.members.map((m) => [m.name, m.config.seeds.init]), [['quick', 1], ['quick-2', 9], ['other', 1]]);
  assert.deepEqual(study.panels, ['weightBarcode']);
  assert.deepEqual(studyMembers(root, id).map((m) => [path.basename(m.runDir), m.member]), [[path.basename(x), 'quick'], [path.basename(y), 'quick-2'], [path.basename(z), 'other']]);
  assert.deepEqual(listStudies(root)[0].missing, ['other']); // the failed run's member is not done

  const elsewhere = makeRun(tmp(), '20260102-000003-w-0000');
  const free = makeRun(root, '20260102-000004-free-0000');
  const before = snapshot(root);
  assert.throws(() => createStudyFromRuns('mixed', [free, elsewhere]), /study "mixed": the runs are in different runs folders/);
  assert.throws(() => createStudyFromRuns('again', [free, x]), new RegExp(`${escape(x)}: already a member of study ${id}`));
  assert.throws(() => createStudyFromRuns('none', []), /study "none": give at least one run folder/);
  assert.throws(() => createStudyFromRuns('gone', [path.join(root, 'nope')]), /run\.json/);
  assert.deepEqual(changed(before, snapshot(root)), []);
  assert.equal(fs.readdirSync(path.join(root, STUDIES_DIR)).length, 1);
});

test('listRuns ignores studies/; deleteRun refuses the studies folder and a study folder', () => {
  const root = tmp();
  const { dir } = createStudy(root, { name: 's', members: plan('a') });
  makeRun(root, '20260102-000000-a-0000');
  assert.deepEqual(listRuns(root).map((r) => r.id), ['20260102-000000-a-0000']);
  assert.throws(() => deleteRun(path.join(root, STUDIES_DIR)), /not deleted: it does not look like a run folder/);
  assert.throws(() => deleteRun(dir), /not deleted: it does not look like a run folder \(contains study\.json\)/);
  assert.ok(fs.existsSync(path.join(dir, STUDY_JSON)));
});

test('estimateStudySeconds: hand-computed case; step and checkpoint counts match the trainer\'s schedule', () => {
  const config = parseTrainConfig({
    dataset: { kind: 'toy', shape: 'moons', trainSamples: 1000, testSamples: 1000 },
    model: { kind: 'mlp', hidden: [16] }, optimizer: { kind: 'adam' }, batchSize: 50, epochs: 2,
    checkpoints: { kind: 'even', count: 5 }, probe: { size: 500 }, evaluation: { trainSize: 'all' },
  }, 'test');
  // 2 epochs × 20 steps × 50 samples / 1000 = 2 s; 5 checkpoints × ((500 probe + 1000 train eval) / 3 / 1000 + 0.005) = 2.525 s
  assert.equal(totalSteps(config), 40);
  assert.ok(Math.abs(estimateRunSeconds(config, 1000) - 4.525) < 1e-12);
  const study = { members: [{ config }, { config: { ...config, epochs: undefined, steps: 10, checkpoints: { kind: 'every' as const, steps: 4 } } }] };
  // second: 10 × 50 / 1000 = 0.5 s; checkpoints 0, 4, 8, 10 = 4 × 0.505 = 2.02 s
  assert.ok(Math.abs(estimateStudySeconds(study, 1000) - (4.525 + 2.52)) < 1e-12);
  assert.ok(Math.abs(estimateStudySeconds(study, (c) => (c.steps === 10 ? 500 : 1000)) - (4.525 + 10 * 50 / 500 + 4 * (500 / 500 + 0.005))) < 1e-12);
  assert.ok(Math.abs(estimateStudySeconds(study, 1000, { startupSeconds: 1.5, writeSeconds: 0 }) - (2 + 5 * 0.5 + 0.5 + 4 * 0.5 + 2 * 1.5)) < 1e-12);
  assert.throws(() => estimateStudySeconds(study, 0), /samples per second must be a positive number, got 0/);
  // MNIST preset: full 60,000-image split unless trainSize says otherwise
  assert.equal(totalSteps(getPreset('quick').config), 3 * Math.ceil(6000 / 64));
  assert.equal(totalSteps(parseTrainConfig({ ...getPreset('quick').config, dataset: { kind: 'mnist' } }, 'full')), 3 * Math.ceil(60000 / 64));

  for (const steps of [1, 2, 3, 7, 19, 100, 1000, 4321]) {
    for (const schedule of [{ kind: 'every' as const, steps: 1 }, { kind: 'every' as const, steps: 7 }, { kind: 'every' as const, steps: 100 }, { kind: 'even' as const, count: 2 }, { kind: 'even' as const, count: 21 }, { kind: 'log' as const, count: 41 }, { kind: 'log' as const, count: 201 }]) {
      if (schedule.kind === 'even' && schedule.count - 1 > steps) continue; // rounding may merge even steps when they outnumber the steps
      assert.equal(checkpointCount({ ...config, checkpoints: schedule }, steps), checkpointSteps(schedule, steps).length, `${JSON.stringify(schedule)} over ${steps} steps`);
    }
  }
});

test('dropPlannedMembers rewrites only study.json; deleteStudy waits until no run names the study', () => {
  const root = tmp();
  const { id, dir } = createStudy(root, { name: 's', members: plan('a', 'b') });
  const a = makeRun(root, '20260102-000000-a-0000', { study: { id, member: 'a' } });
  removeRunFromStudy(a);
  assert.deepEqual(listStudies(root)[0].missing, ['a', 'b']);
  const before = snapshot(root);
  assert.deepEqual(dropPlannedMembers(dir, ['a', 'zz']), ['a']);
  assert.deepEqual(changed(before, snapshot(root)), [path.join(STUDIES_DIR, id, STUDY_JSON)]);
  assert.deepEqual(readStudy(dir).members.map((m) => m.name), ['b']);
  assert.deepEqual(listStudies(root)[0].missing, ['b']);
  assert.deepEqual(dropPlannedMembers(dir, ['a']), []);
  assert.deepEqual(fs.readdirSync(dir), [STUDY_JSON]);

  const b = makeRun(root, '20260102-000001-b-0000', { study: { id, member: 'b' } });
  assert.throws(() => deleteStudy(dir), new RegExp(`not deleted: 1 run\\(s\\) are still members \\(${escape(b)}\\); remove them from the study first`));
  removeRunFromStudy(b);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
  assert.throws(() => deleteStudy(dir), /not deleted: it does not look like a study folder \(contains notes\.txt\)/);
  fs.rmSync(path.join(dir, 'notes.txt'));
  deleteStudy(dir);
  assert.equal(fs.existsSync(dir), false);
  assert.deepEqual(listStudies(root), []);
  assert.equal(listRuns(root).length, 2);
});

test('createOrAttachStudy: a chosen id is created once, then attached to with the same plan (study.json untouched); another plan is refused', () => {
  const root = tmp();
  const spec = { name: 'seeds', presetStudyId: 'quick-seeds', members: plan('s1', 's2'), panels: ['weightBarcode'] };
  const first = createOrAttachStudy(root, 'exp1', spec, new Date(Date.UTC(2026, 0, 1)));
  assert.equal(first.created, true);
  assert.equal(first.dir, path.join(root, STUDIES_DIR, 'exp1'));
  assert.deepEqual(readStudy(first.dir), first.study);
  assert.equal(first.study.id, 'exp1');
  assert.equal(first.study.createdAt, '2026-01-01T00:00:00.000Z');
  const file = path.join(first.dir, STUDY_JSON);
  const text = fs.readFileSync(file, 'utf8');
  const mtime = fs.statSync(file).mtimeMs;

  // the same plan, later, from another task (configs compared by content, not by key order)
  const reordered = plan('s1', 's2').map((m) => ({ name: m.name, config: Object.fromEntries(Object.entries(m.config).reverse()) as TrainConfig }));
  const again = createOrAttachStudy(root, 'exp1', { ...spec, members: reordered }, new Date(Date.UTC(2027, 0, 1)));
  assert.equal(again.created, false);
  assert.deepEqual(again.study, first.study); // the recorded study, createdAt included
  assert.equal(fs.readFileSync(file, 'utf8'), text);
  assert.equal(fs.statSync(file).mtimeMs, mtime);
  assert.deepEqual(fs.readdirSync(first.dir), [STUDY_JSON]); // no temp file left behind

  const lr = plan('s1', 's2');
  lr[1].config = { ...lr[1].config, optimizer: { ...lr[1].config.optimizer, lr: 0.5 } };
  assert.throws(() => createOrAttachStudy(root, 'exp1', { ...spec, members: lr }), {
    message: `${file}: study "exp1" already exists with a different plan (member s2: config.optimizer.lr is ${quick.optimizer.lr} in study.json but 0.5 here); use another --study-id, or the options it was created with`,
  });
  assert.throws(() => createOrAttachStudy(root, 'exp1', { ...spec, members: plan('s1', 's2', 's3') }), /different plan \(members are s1, s2 in study\.json but s1, s2, s3 here\)/);
  assert.throws(() => createOrAttachStudy(root, 'exp1', { ...spec, presetStudyId: 'barcode-tiny' }), /different plan \(presetStudyId is "quick-seeds" in study\.json but "barcode-tiny" here\)/);
  assert.equal(fs.readFileSync(file, 'utf8'), text);

  for (const bad of ['', '../up', 'a/b', '.hidden', 'x'.repeat(101), 'sp ace']) assert.throws(() => checkStudyId(bad), /--study-id ".*": use letters, digits/);
  assert.throws(() => createOrAttachStudy(root, '..', spec), /--study-id "\.\.": use letters/);
  assert.throws(() => createOrAttachStudy(root, 'dup', { ...spec, members: plan('a', 'a') }), /study "dup": not a valid TopoLens study\.json/);
  assert.deepEqual(fs.readdirSync(path.join(root, STUDIES_DIR)), ['exp1']); // refused plans leave no folder
});

test('createOrAttachStudy: processes released at the same moment agree on one study.json, written by exactly one of them', async () => {
  const root = tmp();
  const n = 6;
  const script = path.join(root, 'attach.ts');
  fs.writeFileSync(script, `
    import { createOrAttachStudy } from ${JSON.stringify(path.resolve('analysis/store/studyStore.ts'))};
    import { getPreset } from ${JSON.stringify(path.resolve('analysis/training/presets.ts'))};
    const quick = getPreset('quick').config;
    const members = ['s1', 's2'].map((name, i) => ({ name, config: { ...quick, seeds: { ...quick.seeds, init: i + 1 } } }));
    process.stdout.write('ready\\n');
    process.stdin.once('data', (d) => {
      const at = Number(String(d)); // spin to the shared moment: stdin delivery alone is staggered by the scheduler
      while (Date.now() < at);
      const r = createOrAttachStudy(${JSON.stringify(root)}, 'race', { name: 'race', presetStudyId: 'quick-seeds', members });
      process.stdout.write(JSON.stringify({ created: r.created, createdAt: r.study.createdAt }) + '\\n');
      process.exit(0);
    });
  `);
  const children = Array.from({ length: n }, () => spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = children.map((c) => {
    let buf = '';
    const got: string[] = [];
    const waiters: (() => void)[] = [];
    c.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        got.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
        waiters.splice(0).forEach((w) => w());
      }
    });
    const next = async (k: number): Promise<string> => {
      while (got.length <= k) await new Promise<void>((r) => waiters.push(r));
      return got[k];
    };
    return next;
  });
  try {
    assert.deepEqual(await Promise.all(lines.map((next) => next(0))), Array(n).fill('ready'));
    const at = Date.now() + 300;
    for (const c of children) c.stdin.write(`${at}\n`); // every process is loaded and waiting: release them together
    const results = (await Promise.all(lines.map((next) => next(1)))).map((l) => JSON.parse(l) as { created: boolean; createdAt: string });
    assert.equal(results.filter((r) => r.created).length, 1, JSON.stringify(results));
    const study = readStudy(path.join(root, STUDIES_DIR, 'race'));
    assert.ok(results.every((r) => r.createdAt === study.createdAt), 'every process returned the one recorded study');
    assert.deepEqual(fs.readdirSync(path.join(root, STUDIES_DIR, 'race')), [STUDY_JSON]); // no temp file left behind
  } finally {
    for (const c of children) c.kill();
  }
});
