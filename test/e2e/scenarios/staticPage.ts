/**
 * The same panel bundle outside VS Code (issue 7, "a bridge interface with two implementations"): the Weight
 * Barcode's webview bundle, with a real run's barcode inlined as the host messages, rendered as a static
 * HTML page in the same browser: the bars drawn must be the barcode's bars, with no VS Code and no network.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { staticPanelHtml } from '../../../analysis/report/staticPanelPage';
import { computeWeightBarcode } from '../../../analysis/analyses/weightBarcode/barcode';
import { computeWeightBarcodeSeries } from '../../../analysis/analyses/weightBarcode/series';
import { ui, type Journey } from '../journey';
import { listRunFolders, runsRoot } from '../runFolders';

export async function staticPageScenario(j: Journey, browser: Browser): Promise<void> {
  const { clock, env } = j;
  const facts: Record<string, unknown> = {};
  j.facts.staticPage = facts;
  await clock.step('static page: the Weight Barcode bundle renders a run\'s barcode without VS Code', async () => {
    const run = listRunFolders(runsRoot(env.workspace)).filter((r) => r.name === ui.preset && r.status === 'completed').at(-1);
    assert.ok(run, `no completed "${ui.preset}" run`);
    const barcode = computeWeightBarcode({ runDirs: [run.dir] });
    const series = computeWeightBarcodeSeries({ runDirs: [run.dir], layer: barcode.layer });
    const target = { runDirs: [run.dir] };
    const html = staticPanelHtml({
      title: `Weight Barcode — ${barcode.runName}`,
      panel: 'weightBarcode',
      script: fs.readFileSync(path.resolve('dist/webviews/weightBarcode.js'), 'utf8'),
      styles: [fs.readFileSync(path.resolve('media/panel.css'), 'utf8')],
      messages: [{ type: 'barcode', barcode, target }, { type: 'series', series }],
      state: { target },
    });
    const file = path.join(env.out, 'static-weight-barcode.html');
    fs.writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    try {
      await page.goto(pathToFileURL(file).href);
      const bars = page.locator('svg.barcode-chart rect.bar');
      await bars.first().waitFor({ timeout: 30_000 }).catch((e: unknown) => {
        throw new Error(`the static page drew no bars (page errors: ${JSON.stringify(errors)})`, { cause: e });
      });
      assert.equal(await bars.count(), barcode.bars.length, 'the static page draws every bar of the barcode');
      const subtitle = ((await page.locator('.panel-header .subtitle').textContent()) ?? '').trim();
      assert.match(subtitle, new RegExp(`step ${barcode.step}\\b`), `static page subtitle: "${subtitle}"`);
      // The "Across training" section shows once the second message (the series) is replayed.
      await page.locator('section.timeline').waitFor({ state: 'visible', timeout: 10_000 });
      assert.ok(await page.locator('svg.timeline-chart path').count() > 0, 'the static page drew no timeline');
      assert.deepEqual(errors, [], 'the static page had errors or requests');
      facts.bars = barcode.bars.length;
      facts.bytes = html.length;
      await page.screenshot({ path: path.join(env.out, 'static-weight-barcode.png') });
      clock.log(`static page ${path.basename(file)} (${(html.length / 1024).toFixed(0)} KiB): ${barcode.bars.length} bars at step ${barcode.step}`);
    } finally {
      await page.close();
    }
  });
}
