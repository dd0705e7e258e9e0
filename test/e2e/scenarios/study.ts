/**
 * Studies (issue 7): "Train & Analyze" with the two-run study `quick-seeds` trains both members under one
 * notification ("run i/2"); the tree shows the study as the parent of its two completed runs; study.json
 * and each member's run.json say so on disk.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTraining, ui, type Journey } from '../journey';
import { listRunFolders, runsRoot } from '../runFolders';
import { waitUntil } from '../workbench';

export async function studyScenario(j: Journey): Promise<void> {
  const { wb, tree, clock, env } = j;
  const facts: Record<string, unknown> = {};
  j.facts.study = facts;
  const root = runsRoot(env.workspace);

  await clock.step(`study: "${ui.trainCommand}" with study "${ui.study}"`, async () => {
    await startTraining(wb, ui.study);
  });

  await clock.step('study: both members train one after another; the tree groups them under the study', async () => {
    const notification = wb.notification(/run [12]\/2/);
    const counters = new Set<string>();
    let last = '';
    const studyRow = await waitUntil(async () => {
      if (await notification.isVisible().catch(() => false)) {
        const text = (await notification.textContent({ timeout: 1_000 }).catch(() => null)) ?? '';
        for (const m of text.matchAll(/run ([12])\/2/g)) counters.add(m[1]);
      }
      const rows = await tree.rows();
      const row = rows.find((r) => r.level === 1 && r.label === ui.study);
      last = row ? `${row.label} · ${row.description}` : JSON.stringify(rows.slice(0, 6).map((r) => `${r.level}:${r.label}`));
      return row && /2\/2 trained/.test(row.description) && !/training/.test(row.description) ? row : undefined;
    }, env.trainTimeoutS * 1000, () => `the tree never showed study "${ui.study}" with "2/2 trained" (last seen: ${last})`);
    facts.progressCounters = [...counters].sort();
    clock.log(`study row: "${studyRow.label} · ${studyRow.description}"; progress showed run ${[...counters].sort().join(', ')} of 2`);
    assert.ok(counters.size > 0, 'the progress notification never said "run i/2"');

    const rows = await tree.rows();
    const at = rows.findIndex((r) => r.index === studyRow.index);
    const children = [];
    for (const r of rows.slice(at + 1)) {
      if (r.level <= 1) break;
      if (r.level === 2) children.push(r);
    }
    facts.members = children.map((c) => `${c.label} · ${c.description}`);
    assert.deepEqual(children.map((c) => c.label).sort(), ['quick-seed1', 'quick-seed2'], `the study's children are ${JSON.stringify(facts.members)}`);
    assert.ok(children.every((c) => /^completed\b/.test(c.description)), `not every member completed: ${JSON.stringify(facts.members)}`);
    await j.screenshot('study-tree.png');
  });

  await clock.step('study: study.json and the members\' run.json on disk', async () => {
    const studiesDir = path.join(root, 'studies');
    const ids = fs.existsSync(studiesDir) ? fs.readdirSync(studiesDir) : [];
    const studies = ids.map((id) => JSON.parse(fs.readFileSync(path.join(studiesDir, id, 'study.json'), 'utf8')) as { id: string; name: string; presetStudyId?: string; members: { name: string }[] });
    const study = studies.find((s) => s.presetStudyId === ui.study);
    assert.ok(study, `no study.json with presetStudyId "${ui.study}" under ${studiesDir}`);
    assert.deepEqual(study.members.map((m) => m.name), ['quick-seed1', 'quick-seed2']);
    const members = listRunFolders(root).filter((r) => {
      const run = JSON.parse(fs.readFileSync(path.join(r.dir, 'run.json'), 'utf8')) as { study?: { id: string } };
      return run.study?.id === study.id;
    });
    assert.equal(members.length, 2, `${members.length} run folders name study ${study.id}`);
    assert.ok(members.every((m) => m.status === 'completed'));
    facts.studyId = study.id;
  });
}
