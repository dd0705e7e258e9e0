/**
 * Every analysis panel opens from the command palette on a real run and draws something, without an error
 * in its status line: the registry's commands, the lazy controllers, the worker's analyses and the webview
 * bundles, end to end. Panels for several runs are opened on the study's two runs. Each panel's own
 * numbers are checked by its unit tests; here the question is whether a user gets a working panel.
 */
import assert from 'node:assert/strict';
import { ui, type Journey } from '../journey';
import { waitUntil } from '../workbench';

interface PanelCase { title: string; id: string; runs: string[]; timeoutS: number }

const CASES: PanelCase[] = [
  { title: 'Weight Trees', id: 'weightTrees', runs: [ui.preset], timeoutS: 180 },
  { title: 'Prediction Manifold', id: 'predictionManifold', runs: [ui.preset], timeoutS: 120 },
  { title: 'Decision Geometry', id: 'decisionGeometry', runs: [ui.preset], timeoutS: 180 },
];

export async function analysisPanelsScenario(j: Journey): Promise<void> {
  const { wb, clock } = j;
  const facts: Record<string, unknown> = {};
  j.facts.analysisPanels = facts;
  for (const c of CASES) {
    await clock.step(`panel: "TopoLens: Open ${c.title}" on ${c.runs.join(' + ')} draws without an error`, async () => {
      await wb.runCommand(`TopoLens: Open ${c.title}`);
      for (const run of c.runs) {
        const row = wb.quickPickRow(run);
        await row.waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
          throw new Error(`no run "${run}" in the run picker; it shows ${JSON.stringify(await wb.quickPickLabels())}`, { cause: e });
        });
        await row.click();
      }
      if (c.runs.length > 1) await wb.page.keyboard.press('Enter');
      let last = '';
      const drawn = await waitUntil(async () => {
        const view = wb.webview();
        const now = { timeout: 1_000 };
        const panel = await view.locator('body').getAttribute('data-panel', now).catch(() => null);
        if (panel !== c.id) { last = `visible panel: ${panel}`; return undefined; }
        const statusClass = (await view.locator('.status').first().getAttribute('class', now).catch(() => null)) ?? '';
        const status = ((await view.locator('.status').first().textContent(now).catch(() => null)) ?? '').trim();
        if (/\berror\b/.test(statusClass)) throw new Error(`${c.title} shows an error: ${status}`);
        const marks = await view.locator('main svg path, main svg circle, main svg rect, main canvas').count().catch(() => 0);
        last = `status "${status}" (${statusClass}), ${marks} drawn marks`;
        return !/\bloading\b/.test(statusClass) && marks > 0 ? { status, marks } : undefined;
      }, c.timeoutS * 1000, () => `${c.title} never finished drawing (${last})`);
      facts[c.id] = drawn;
      clock.log(`${c.title}: ${drawn.marks} marks drawn`);
      await j.screenshot(`panel-${c.id}.png`, wb.webviewElement());
      assert.ok(drawn.marks > 0);
    });
  }
}
