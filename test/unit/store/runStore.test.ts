import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { writeFileAtomic } from '../../../analysis/store/atomic';
import { deleteRun, listRuns, markRunStatus, readCheckpoint, readMetrics, readRun, writeRunJson } from '../../../analysis/store/runStore';
import { RUN_SCHEMA_VERSION, type TrainedRunJson } from '../../../analysis/spec/runFormat';
import { encodeSafetensors } from '../../../analysis/store/safetensors';
import { checkpointFileName, makeRunId } from '../../../analysis/store/runLayout';
import { getPreset } from '../../../analysis/training/presets';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-store-'));
}

function runJson(id: string, over: Partial<TrainedRunJson> = {}): TrainedRunJson {
  const now = new Date().toISOString();
  return { schemaVersion: RUN_SCHEMA_VERSION, id, name: 'quick', createdAt: now, status: 'completed', backend: 'cpu', config: getPreset('quick').config, timings: { startedAt: now }, ...over };
}

/** A pid that certainly does not exist: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

test('writeFileAtomic replaces content and leaves no temp files', () => {
  const dir = tmp();
  const f = path.join(dir, 'a.json');
  writeFileAtomic(f, 'one');
  writeFileAtomic(f, new Uint8Array([116, 119, 111]));
  assert.equal(fs.readFileSync(f, 'utf8'), 'two');
  assert.deepEqual(fs.readdirSync(dir), ['a.json']);
});

test('run ids sort by creation time and are unique', () => {
  const a = makeRunId('Quick Look!', new Date(Date.UTC(2026, 10, 22, 8, 15, 0)));
  assert.match(a, /^20261122-081500-quick-look-[0-9a-f]{4}$/);
  const b = makeRunId('quick', new Date(Date.UTC(2026, 10, 22, 8, 15, 1)));
  assert.ok(a.slice(0, 15) < b.slice(0, 15));
  assert.notEqual(makeRunId('x', new Date(0)), makeRunId('x', new Date(0)).replace(/....$/, 'zzzz'));
});

test('listRuns: missing root is empty; bad runs become entries with a problem naming the file, never hiding others', () => {
  assert.deepEqual(listRuns(path.join(tmp(), 'nope')), []);
  const root = tmp();
  const ok = path.join(root, 'a-ok');
  fs.mkdirSync(path.join(ok, 'checkpoints'), { recursive: true });
  writeRunJson(ok, runJson('a-ok'));
  for (const s of [30, 0, 100]) fs.writeFileSync(path.join(ok, 'checkpoints', checkpointFileName(s)), encodeSafetensors({}));
  fs.writeFileSync(path.join(ok, 'checkpoints', '.step-0000200.safetensors.123.tmp'), 'partial');

  const corrupt = path.join(root, 'b-corrupt');
  fs.mkdirSync(corrupt);
  fs.writeFileSync(path.join(corrupt, 'run.json'), '{"schemaVersion": 1, "id": "b-cor');
  const newer = path.join(root, 'c-newer');
  fs.mkdirSync(newer);
  fs.writeFileSync(path.join(newer, 'run.json'), JSON.stringify({ ...runJson('c-newer'), schemaVersion: RUN_SCHEMA_VERSION + 1 }));
  const empty = path.join(root, 'd-empty');
  fs.mkdirSync(empty);
  const invalid = path.join(root, 'e-invalid');
  fs.mkdirSync(invalid);
  fs.writeFileSync(path.join(invalid, 'run.json'), JSON.stringify({ ...runJson('e'), status: 'exploded' }));

  const runs = listRuns(root);
  assert.deepEqual(runs.map((r) => r.id), ['a-ok', 'b-corrupt', 'c-newer', 'd-empty', 'e-invalid']);
  assert.equal(runs[0].problem, undefined);
  assert.deepEqual(runs[0].checkpoints.map((c) => c.step), [0, 30, 100]);
  assert.ok(path.isAbsolute(runs[0].checkpoints[0].file));
  assert.match(runs[1].problem!, /b-corrupt\/run\.json: not valid JSON/);
  assert.match(runs[2].problem!, new RegExp(`c-newer/run\\.json: written by a newer TopoLens \\(run schema ${RUN_SCHEMA_VERSION + 1}`));
  assert.match(runs[3].problem!, /d-empty\/run\.json: missing/);
  assert.match(runs[4].problem!, /e-invalid\/run\.json: not a valid TopoLens run\.json \(status/);
});

test("a 'running' run whose writer is gone reads as interrupted; a live one stays running", () => {
  const root = tmp();
  const dead = path.join(root, 'dead');
  fs.mkdirSync(dead);
  writeRunJson(dead, runJson('dead', { status: 'running', pid: deadPid(), host: os.hostname(), timings: { startedAt: new Date().toISOString(), heartbeatAt: new Date().toISOString() } }));
  const live = path.join(root, 'live');
  fs.mkdirSync(live);
  writeRunJson(live, runJson('live', { status: 'running', pid: process.pid, host: os.hostname(), timings: { startedAt: new Date().toISOString(), heartbeatAt: new Date().toISOString() } }));
  const stale = path.join(root, 'stale');
  fs.mkdirSync(stale);
  const old = new Date(Date.now() - 3600_000).toISOString();
  writeRunJson(stale, runJson('stale', { status: 'running', pid: process.pid, host: os.hostname(), timings: { startedAt: old, heartbeatAt: old } }));
  assert.equal(readRun(dead).run!.status, 'interrupted');
  assert.equal(readRun(live).run!.status, 'running');
  assert.equal(readRun(stale).run!.status, 'interrupted');

  markRunStatus(live, 'interrupted', { message: 'worker crashed', step: 12 });
  const r = readRun(live).run!;
  assert.equal(r.status, 'interrupted');
  assert.deepEqual(r.error, { message: 'worker crashed', step: 12 });
  assert.equal(r.pid, undefined);
  assert.ok(r.timings.endedAt);
});

test('readMetrics skips only a torn last line; corruption elsewhere names file and line', () => {
  const dir = tmp();
  const f = path.join(dir, 'metrics.jsonl');
  fs.writeFileSync(f, '{"kind":"train","step":1,"epoch":0.1,"loss":2,"accuracy":0.1,"lr":0.1}\n{"kind":"train","step":2,"epoch":0.2,"loss":1.5,"acc');
  assert.deepEqual(readMetrics(dir).map((m) => m.step), [1]);
  fs.writeFileSync(f, '{"kind":"train","step":1}\nnot json\n{"kind":"train","step":3}\n');
  assert.throws(() => readMetrics(dir), /metrics\.jsonl:2: corrupt metrics line/);
  assert.deepEqual(readMetrics(tmp()), []);
});

test('readCheckpoint names the file when it is truncated', () => {
  const dir = tmp();
  const f = path.join(dir, checkpointFileName(5));
  const bytes = encodeSafetensors({ 'dense1/kernel': { dtype: 'F32', shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) } });
  fs.writeFileSync(f, bytes);
  assert.deepEqual(Array.from(readCheckpoint(f)['dense1/kernel'].data), [1, 2, 3, 4]);
  fs.writeFileSync(f, bytes.subarray(0, bytes.length - 4));
  assert.throws(() => readCheckpoint(f), new RegExp(`${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not a valid safetensors file`));
});

test('deleteRun removes a run folder but refuses anything that does not look like one', () => {
  const root = tmp();
  const run = path.join(root, 'r');
  fs.mkdirSync(path.join(run, 'checkpoints'), { recursive: true });
  fs.mkdirSync(path.join(run, 'analysis'));
  writeRunJson(run, runJson('r'));
  deleteRun(run);
  assert.equal(fs.existsSync(run), false);
  const notRun = path.join(root, 'project');
  fs.mkdirSync(notRun);
  fs.writeFileSync(path.join(notRun, 'run.json'), '{}');
  fs.writeFileSync(path.join(notRun, 'main.py'), 'print(1)');
  assert.throws(() => deleteRun(notRun), /does not look like a run folder \(contains main\.py\)/);
  assert.ok(fs.existsSync(path.join(notRun, 'main.py')));
});

test('AtomicWriteQueue applies writes in order and reports the first failure on drain', async () => {
  const { AtomicWriteQueue } = await import('../../../analysis/store/atomic');
  const dir = tmp();
  const q = new AtomicWriteQueue();
  const f = path.join(dir, 'state.json');
  for (let i = 0; i < 20; i++) q.enqueue(f, String(i));
  await q.drain();
  assert.equal(fs.readFileSync(f, 'utf8'), '19');
  assert.deepEqual(fs.readdirSync(dir), ['state.json']);
  const bad = new AtomicWriteQueue();
  bad.enqueue(path.join(dir, 'missing-folder', 'x.json'), 'x');
  bad.enqueue(f, 'after failure');
  await assert.rejects(bad.drain(), /missing-folder\/x\.json: write failed/);
  assert.equal(fs.readFileSync(f, 'utf8'), '19', 'writes after a failure are skipped');
});
