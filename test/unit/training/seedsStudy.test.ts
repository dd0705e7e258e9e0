import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planSeedsStudy, seedsStudyMembers } from '../../../analysis/training/seedsStudy';
import { planStudyResume } from '../../../analysis/training/studyJobs';
import { readStudy } from '../../../analysis/store/studyStore';
import { parseTrainConfig } from '../../../analysis/spec/trainConfig';

const config = parseTrainConfig({
  dataset: { kind: 'toy', shape: 'moons', trainSamples: 100, testSamples: 50 },
  model: { kind: 'mlp', hidden: [8], activation: 'relu' },
  optimizer: { kind: 'sgd', lr: 0.1 },
  batchSize: 20, epochs: 2, seeds: { init: 7, shuffle: 9, probe: 3 },
}, 'test');

test('seeds study: member k trains with init and shuffle seed k, the same probe seed, the rest of the config unchanged', () => {
  const members = seedsStudyMembers(config, 'mine', 3);
  assert.deepEqual(members.map((m) => m.name), ['mine-seed1', 'mine-seed2', 'mine-seed3']);
  assert.deepEqual(members.map((m) => m.config.seeds), [1, 2, 3].map((s) => ({ init: s, shuffle: s, probe: 3 })));
  for (const m of members) assert.deepEqual({ ...m.config, seeds: config.seeds }, config);
  assert.throws(() => seedsStudyMembers(config, 'mine', 1), /needs 2 or more seeds, got 1/);
});

test('seeds study: study.json records the plan and panels; a resume plans the same members', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-seeds-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const plan = planSeedsStudy(root, config, { name: 'mine', seeds: 4, panels: ['lossBarcode', 'toScoreTable'] });
  const study = readStudy(plan.dir);
  assert.equal(study.name, 'mine x4 seeds');
  assert.deepEqual(study.panels, ['lossBarcode', 'toScoreTable']);
  assert.equal(study.members.length, 4);
  assert.deepEqual(planStudyResume(plan.dir).jobs.map((j) => [j.name, j.config.seeds.init]), plan.jobs.map((j) => [j.name, j.config.seeds.init]));
});
