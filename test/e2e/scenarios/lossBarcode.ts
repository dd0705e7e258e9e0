/**
 * Loss Barcode and TO-score Table (issue 8): "Train & Analyze" with the tiny barcode study (3 minima) opens
 * the Loss Barcode on the study; its bars fill in as the pairs between minima are optimised; hovering a bar
 * shows the minimum's details; the TO-score Table sorts by a clicked column; PNG export writes the barcode.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTraining, type Journey } from '../journey';
import { exportPng } from '../exportPng';
import { waitUntil } from '../workbench';

const STUDY = 'barcode-tiny';
const MINIMA = 3;

export async function lossBarcodeScenario(j: Journey): Promise<void> {
  const { wb, clock, env } = j;
  const facts: Record<string, unknown> = {};
  j.facts.lossBarcode = facts;
  const view = () => wb.webview();
  const now = { timeout: 1_000 };

  await clock.step(`loss barcode: train study "${STUDY}" -> the Loss Barcode fills in with one bar per minimum`, async () => {
    await startTraining(wb, STUDY);
    const tab = wb.editorTab(/^\s*Loss Barcode/);
    await tab.waitFor({ timeout: Math.max(env.trainTimeoutS, 600) * 1000 }).catch((e: unknown) => {
      throw new Error(`no Loss Barcode tab after training study "${STUDY}"`, { cause: e });
    });
    await tab.click();
    const seen: number[] = [];
    const final = await waitUntil(async () => {
      const finite = await view().locator('g.minimum:not(.essential)').count().catch(() => 0);
      const all = await view().locator('g.minimum').count().catch(() => 0);
      if (seen.at(-1) !== all) seen.push(all);
      const status = (await view().locator('.status').first().getAttribute('class', now).catch(() => null)) ?? '';
      if (/\berror\b/.test(status)) throw new Error(`the Loss Barcode shows an error: ${await view().locator('.status').first().textContent(now).catch(() => '')}`);
      return all === MINIMA && finite === MINIMA - 1 && !/\bloading\b/.test(status) ? { all, finite } : undefined;
    }, 300_000, () => `the Loss Barcode never showed ${MINIMA} bars with one essential (bar counts seen: ${JSON.stringify(seen)})`);
    facts.bars = final;
    facts.barCountsSeen = seen;
    clock.log(`loss barcode: ${final.all} bars (${final.finite} finite); counts seen while filling in: ${JSON.stringify(seen)}`);
    await j.screenshot('loss-barcode.png', wb.webviewElement());
  });

  await clock.step('loss barcode: hover a bar -> the minimum\'s details', async () => {
    const bar = view().locator('g.minimum:not(.essential) rect.bar').first();
    const box = await bar.boundingBox();
    assert.ok(box, 'no finite bar on the chart');
    await wb.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = view().locator('#tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
    const text = ((await tooltip.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    clock.log(`loss barcode tooltip: "${text}"`);
    assert.match(text, /loss/i, `tooltip "${text}" shows no loss`);
    assert.match(text, /merge|barrier|into/i, `tooltip "${text}" says nothing of the merge`);
    facts.tooltip = text;
  });

  await clock.step('loss barcode: export PNG through the save dialog', async () => {
    facts.png = await exportPng(wb, /^loss-barcode.*\.png$/, path.join(env.out, 'exported-loss-barcode.png'));
  });

  await clock.step('TO-score Table: the study\'s row; click a column to sort', async () => {
    await wb.editorTab(/^\s*TO-score Table/).click();
    const rows = await waitUntil(async () => {
      const n = await view().locator('g.rows g.row').count().catch(() => 0);
      return n > 0 ? n : undefined;
    }, 300_000, () => 'the TO-score Table never showed a row');
    const header = view().locator('g.column-header').nth(2);
    const key = await header.getAttribute('data-key');
    await header.locator('rect').click();
    const label = await waitUntil(async () => {
      const text = (await view().locator(`g.column-header[data-key="${key}"] text`).textContent(now).catch(() => '')) ?? '';
      return /[▲▼]/.test(text) ? text : undefined;
    }, 10_000, () => `clicking the "${key}" column did not mark it as the sort column`);
    facts.toScore = { rows, sortedBy: label.trim() };
    clock.log(`TO-score Table: ${rows} row(s), sorted by "${label.trim()}"`);
    await j.screenshot('to-score-table.png', wb.webviewElement());
  });
}
