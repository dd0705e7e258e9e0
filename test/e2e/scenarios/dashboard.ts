/**
 * Run dashboard (issue 7): clicking a run opens its dashboard with the curves of metrics.jsonl; hovering a
 * chart shows the values at a step; clicking a step selects the nearest checkpoint in every panel of that
 * run — the Weight Barcode follows.
 */
import assert from 'node:assert/strict';
import { ui, type Journey } from '../journey';
import { readDashboard, type DashboardReading } from '../dashboardPanel';
import { waitForPanel } from '../barcodePanel';
import { listRunFolders, runsRoot } from '../runFolders';
import { waitUntil } from '../workbench';

export async function dashboardScenario(j: Journey): Promise<void> {
  const { wb, tree, clock, env } = j;
  const facts: Record<string, unknown> = {};
  j.facts.dashboard = facts;
  const run = listRunFolders(runsRoot(env.workspace)).filter((r) => r.name === ui.preset && r.status === 'completed').at(-1);
  assert.ok(run, `no completed "${ui.preset}" run to open`);

  let reading: DashboardReading | undefined;
  await clock.step('dashboard: click the run in the tree, read its curves', async () => {
    const row = await waitUntil(async () => (await tree.runsNamed(ui.preset))[0], 30_000, () => `no "${ui.preset}" row in the tree`);
    await tree.row(row.index).locator('.label-name').click();
    await wb.editorTab(ui.dashboardTitle).waitFor({ timeout: 30_000 }).catch((e: unknown) => {
      throw new Error('clicking the run opened no "Run — …" dashboard tab', { cause: e });
    });
    reading = await waitUntil(async () => {
      const r = await readDashboard(wb.webview());
      return (r.series.loss ?? []).length > 0 && (r.series.accuracy ?? []).length > 0 && r.checkpointTicks > 0 ? r : undefined;
    }, 60_000, () => 'the dashboard never drew loss and accuracy curves with checkpoint ticks');
    facts.series = reading.series;
    facts.checkpointTicks = reading.checkpointTicks;
    assert.ok(reading.series.loss.includes('trainLoss'), `the loss chart lacks the train loss: ${JSON.stringify(reading.series)}`);
    assert.equal(reading.checkpointTicks, run.checkpointSteps.length, `the loss chart shows ${reading.checkpointTicks} checkpoint ticks, the run has ${run.checkpointSteps.length} checkpoints`);
    await j.screenshot('dashboard.png', wb.webviewElement());
  });

  await clock.step('dashboard: hover the loss chart and read the values at a step', async () => {
    const area = wb.webview().locator('svg.line-chart[data-group="loss"] .pick-area');
    const box = await area.boundingBox();
    assert.ok(box, 'the loss chart has no hover area');
    await wb.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const tooltip = wb.webview().locator('#tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 10_000 }).catch((e: unknown) => {
      throw new Error('hovering the loss chart showed no #tooltip', { cause: e });
    });
    const text = ((await tooltip.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    clock.log(`dashboard tooltip: "${text}"`);
    assert.match(text, /step \d+/i, `tooltip "${text}" names no step`);
    assert.match(text, /loss/i, `tooltip "${text}" shows no loss value`);
    facts.tooltip = text;
    await j.screenshot('dashboard-hover.png', wb.webviewElement());
  });

  await clock.step('dashboard: click a step -> the nearest checkpoint is selected, the barcode follows', async () => {
    const area = wb.webview().locator('svg.line-chart[data-group="loss"] .pick-area');
    const box = await area.boundingBox();
    assert.ok(box, 'the loss chart has no click area');
    // A third of the way along: not the final checkpoint the barcode may already show.
    await wb.page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.5);
    const selected = await waitUntil(async () => {
      const r = await readDashboard(wb.webview());
      return Number.isFinite(r.selectedStep) ? r.selectedStep : undefined;
    }, 30_000, () => 'clicking the loss chart highlighted no selected step');
    assert.ok(run.checkpointSteps.includes(selected), `the selected step ${selected} is not a checkpoint (${JSON.stringify(run.checkpointSteps)})`);
    facts.selectedStep = selected;
    clock.log(`clicked at 30% of the loss chart: checkpoint step ${selected} selected`);
    await wb.editorTab(ui.panelTitle).click();
    const shown = await waitForPanel(wb, { step: selected, runDir: run.dir }, 60_000, `after clicking step ${selected} on the dashboard`);
    facts.barcodeFollowed = shown.subtitle;
  });
}
