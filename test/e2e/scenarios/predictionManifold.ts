/**
 * Prediction Manifold (issue 10): "Train & Analyze" with the fast manifold study trains its runs and opens
 * the Prediction Manifold on them: one path per run with P0 and P* marked; hovering a checkpoint shows its
 * tooltip; switching the axes redraws; PNG export writes the plot.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTraining, type Journey } from '../journey';
import { exportPng } from '../exportPng';
import { runsRoot } from '../runFolders';
import { waitUntil } from '../workbench';

const STUDY = 'manifold-fast';
const TITLE = /^\s*Prediction Manifold/;

export async function predictionManifoldScenario(j: Journey): Promise<void> {
  const { wb, clock, env } = j;
  const facts: Record<string, unknown> = {};
  j.facts.predictionManifold = facts;
  const view = () => wb.webview();
  const studyRuns = (): number => {
    const dir = path.join(runsRoot(env.workspace), 'studies');
    if (!fs.existsSync(dir)) return 0;
    const study = fs.readdirSync(dir).map((id) => JSON.parse(fs.readFileSync(path.join(dir, id, 'study.json'), 'utf8')) as { presetStudyId?: string; members: unknown[] }).find((s) => s.presetStudyId === STUDY);
    return study?.members.length ?? 0;
  };

  await clock.step(`manifold: train study "${STUDY}" -> the Prediction Manifold shows one path per run`, async () => {
    await startTraining(wb, STUDY);
    // The panel opens on the study once every member is trained.
    await wb.editorTab(TITLE).waitFor({ timeout: Math.max(env.trainTimeoutS, 600) * 1000 }).catch((e: unknown) => {
      throw new Error(`no Prediction Manifold tab after training study "${STUDY}"`, { cause: e });
    });
    await wb.editorTab(TITLE).click();
    const members = studyRuns();
    assert.ok(members > 1, `study "${STUDY}" has ${members} planned members`);
    const drawn = await waitUntil(async () => {
      const tracks = await view().locator('g.track[data-run]').count().catch(() => 0);
      const refs = await view().locator('path.reference[data-label]').evaluateAll((els) => els.map((e) => e.getAttribute('data-label') ?? '')).catch(() => [] as string[]);
      return tracks === members && refs.length >= 2 ? { tracks, refs } : undefined;
    }, 120_000, () => `the manifold never showed ${members} paths with the P0/P* markers`);
    facts.paths = drawn;
    clock.log(`manifold: ${drawn.tracks} paths, markers ${JSON.stringify(drawn.refs)}`);
    await j.screenshot('prediction-manifold.png', wb.webviewElement());
  });

  await clock.step('manifold: hover a checkpoint (tooltip), switch axes (redraw)', async () => {
    // The plot picks the checkpoint nearest the pointer (an overlay takes the pointer events): move there.
    const box = await view().locator('g.track circle.checkpoint').nth(3).boundingBox();
    assert.ok(box, 'no checkpoint marker on the plot');
    await wb.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = view().locator('#tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
    const text = ((await tooltip.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    clock.log(`manifold tooltip: "${text}"`);
    assert.match(text, /step \d+/i, `the checkpoint tooltip "${text}" names no step`);
    facts.tooltip = text;
    const before = (await view().locator('text.axis-label').allTextContents()).join(' | ');
    // The second axis picker: show axis 3 instead of axis 2 (what choosing it in the list does).
    await view().locator('.axis-select').nth(1).evaluate((el) => {
      (el as unknown as { value: string }).value = '2';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const after = await waitUntil(async () => {
      const labels = (await view().locator('text.axis-label').allTextContents()).join(' | ');
      return labels !== '' && labels !== before ? labels : undefined;
    }, 10_000, () => `switching the axes did not change the axis labels (was "${before}")`);
    facts.axes = after;
  });

  await clock.step('manifold: export PNG through the save dialog', async () => {
    facts.png = await exportPng(wb, /^prediction-manifold-.*\.png$/, path.join(env.out, 'exported-prediction-manifold.png'));
  });
}
