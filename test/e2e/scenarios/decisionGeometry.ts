/**
 * Decision Geometry (issue 11): "Train & Analyze" with the two-moons preset opens the panel; the region map
 * is painted and the region count shown; moving the checkpoint slider changes the map; hovering shows class
 * probabilities and the region; PNG export writes the map.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTraining, type Journey } from '../journey';
import { exportPng } from '../exportPng';
import { listRunFolders, runsRoot } from '../runFolders';
import { waitUntil } from '../workbench';

const PRESET = 'regions-moons';
const TITLE = /^\s*Decision Geometry/;

export async function decisionGeometryScenario(j: Journey): Promise<void> {
  const { wb, tree, clock, env } = j;
  const facts: Record<string, unknown> = {};
  j.facts.decisionGeometry = facts;
  const view = () => wb.webview();
  const now = { timeout: 1_000 };
  const mapImage = () => view().locator('.map svg image.grid');
  const regionCount = async () => {
    const rows = await view().locator('table.facts tr').allTextContents().catch(() => [] as string[]);
    const row = rows.find((r) => r.includes('regions over the grid')) ?? '';
    return Number(/(\d+)/.exec(row.replace('regions over the grid', ''))?.[1]);
  };

  await clock.step(`geometry: train "${PRESET}" -> the Decision Geometry panel paints the regions`, async () => {
    for (const run of await tree.runs()) await tree.collapse(run);
    await startTraining(wb, PRESET);
    await waitUntil(async () => {
      const row = (await tree.runsNamed(PRESET))[0];
      return row && /^completed\b/.test(row.description) ? true : undefined;
    }, env.trainTimeoutS * 1000, () => `the "${PRESET}" run never completed`);
    await wb.editorTab(TITLE).click();
    const count = await waitUntil(async () => {
      const href = await mapImage().getAttribute('href', now).catch(() => null);
      const n = await regionCount();
      return href?.startsWith('data:image/png') && Number.isFinite(n) && n > 1 ? n : undefined;
    }, 120_000, () => 'the Decision Geometry panel never painted a region map with a region count');
    facts.gridRegions = count;
    clock.log(`regions over the grid: ${count}`);
    await j.screenshot('decision-geometry.png', wb.webviewElement());
  });

  await clock.step('geometry: move the checkpoint slider -> another step, another map', async () => {
    const before = await mapImage().getAttribute('href');
    const label = view().locator('.step-label').first();
    const stepBefore = ((await label.textContent()) ?? '').trim();
    const slider = view().locator('#step');
    await slider.focus();
    await wb.page.keyboard.press('Home');
    const after = await waitUntil(async () => {
      const href = await mapImage().getAttribute('href', now).catch(() => null);
      const step = ((await label.textContent(now).catch(() => null)) ?? '').trim();
      return href && href !== before && step !== stepBefore && /^step 0\b/.test(step) ? { href, step } : undefined;
    }, 60_000, () => `after moving the slider to the first checkpoint the map or the step label did not change (label "${stepBefore}")`);
    facts.sliderStep = after.step;
    clock.log(`slider: "${stepBefore}" -> "${after.step}", ${await regionCount()} regions`);
  });

  await clock.step('geometry: hover the map -> class probabilities and the region', async () => {
    const box = await view().locator('.map svg').boundingBox();
    assert.ok(box, 'the region map has no layout box');
    await wb.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
    const tooltip = view().locator('#tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
    const text = ((await tooltip.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    clock.log(`geometry tooltip: "${text}"`);
    const shares = [...text.matchAll(/(\d+(?:\.\d+)?) %/g)].map((m) => Number(m[1]));
    assert.equal(shares.length, 2, `tooltip "${text}" should show the probability of each of the 2 classes`);
    assert.ok(Math.abs(shares[0] + shares[1] - 100) < 0.2, `class probabilities ${JSON.stringify(shares)} do not sum to 100 %`);
    assert.match(text, /region #\d+/, `tooltip "${text}" names no region`);
    facts.tooltip = text;
  });

  await clock.step('geometry: export PNG through the save dialog', async () => {
    facts.png = await exportPng(wb, /-decision-regions\.png$/, path.join(env.out, 'exported-decision-regions.png'));
  });

  const run = listRunFolders(runsRoot(env.workspace)).filter((r) => r.name === PRESET).at(-1);
  facts.checkpoints = run?.checkpointSteps.length;
}
