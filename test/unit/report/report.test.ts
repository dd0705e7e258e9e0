/**
 * Headless analyses and the HTML report on a real (tiny) study: two 2-8-2 ReLU MLPs trained on toy moons in
 * the test. `analyze` must give the same numbers as the single-analysis commands (an independent path to the
 * same analyses), fill the caches the panels read, and say what it skipped; the report must open offline in
 * headless Chromium with every panel drawn, hover tooltips, answered scrubbers, disabled host-only controls
 * and a CSP, with no request and no console error. The browser part is skipped (with the reason) where no
 * Chromium is installed; CI installs one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trainRun } from '../../../analysis/training/train';
import { parseTrainConfig, type TrainConfigInput } from '../../../analysis/spec/trainConfig';
import { createStudyFromRuns } from '../../../analysis/store/studyStore';
import { analyze, analyzeExitCode } from '../../../analysis/cli/commands/analyze';
import { runTrees, treesJson } from '../../../analysis/cli/commands/trees';
import { geometryJson } from '../../../analysis/cli/commands/decisionGeometry';
import { computeDecisionGeometry } from '../../../analysis/analyses/decisionGeometry/geometry';
import { planPanels } from '../../../analysis/report/panelPlan';
import { capturePanel } from '../../../analysis/report/capturePanel';
import { PANELS } from '../../../extension/panels/registry';
import { buildReport } from '../../../analysis/report/buildReport';
import { progressDisplay } from '../../../analysis/report/progressDisplay';
import { findChromium, withOpenReport } from '../../../analysis/report/renderPngs';
import { spreadOrder } from '../../../analysis/report/interactions';

let root = '';
let studyDir = '';
const runDirs: string[] = [];
const quiet = progressDisplay(process.stderr, true);

const moons = (seed: number): TrainConfigInput => ({
  dataset: { kind: 'toy', shape: 'moons', trainSamples: 200, testSamples: 200, noise: 0.1, classes: 2, seed: 0 },
  model: { kind: 'mlp', hidden: [8], activation: 'relu', bias: true },
  optimizer: { kind: 'adam', lr: 0.02 },
  batchSize: 50,
  epochs: 8,
  seeds: { init: seed, shuffle: seed, probe: 1 },
  checkpoints: { kind: 'log', count: 5 },
  probe: { size: 100, split: 'test' },
  evaluation: { trainSize: 'all', testSize: 'all' },
});

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-report-'));
  for (const seed of [1, 2]) {
    const name = `moons-s${seed}`;
    const r = await trainRun({ config: parseTrainConfig(moons(seed), name), runsRoot: root, name, backend: 'cpu', isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
    assert.equal(r.status, 'completed', `${name}: ${r.error?.message}`);
    runDirs.push(r.runDir);
  }
  studyDir = createStudyFromRuns('moons', runDirs).dir;
});

after(() => fs.rmSync(root, { recursive: true, force: true }));

test('the plan: per-run panels once per member, study panels once, with the study folder as their cache', () => {
  const plan = planPanels([studyDir]);
  const count = (id: string) => plan.planned.filter((p) => p.panel.id === id).length;
  assert.equal(count('weightTrees'), 2);
  assert.equal(count('decisionGeometry'), 2);
  assert.equal(count('lossBarcode'), 1);
  assert.equal(plan.planned.find((p) => p.panel.id === 'predictionManifold')?.target.studyDir, studyDir);
  // One run alone: the study-wide panels are skipped with the registry's own reason.
  const single = planPanels([runDirs[0]]);
  assert.deepEqual(single.skipped.map((s) => [s.panel.id, s.reason]), [['lossBarcode', 'needs 2 or more runs (a study)'], ['toScoreTable', 'needs 2 or more runs (a study)']]);
  assert.throws(() => planPanels([path.join(root, 'nope')]), /nope: neither a run folder \(no run\.json\) nor a study folder/);
});

test('analyze: the numbers of the single-analysis commands, cached where the panels read them, then served from the cache', async () => {
  const first = await analyze([studyDir], { quiet: true });
  assert.equal(first.failed, 0, JSON.stringify(first.json.failed));
  assert.equal(analyzeExitCode(first), 0);
  const json = first.json as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(json.trees).sort(), [...runDirs].sort());
  // trees: the `trees` command computes it through its own path (runTrees, cacheSlot): same JSON.
  for (const dir of runDirs) assert.deepEqual(json.trees[dir], treesJson(runTrees(dir, { layer: [], force: true })));
  // geometry at the panel's grid: the same numbers as computeDecisionGeometry called directly.
  for (const dir of runDirs) {
    const direct = geometryJson(computeDecisionGeometry({ runDirs: [dir], grid: 256, alpha: 1 }));
    assert.deepEqual(json.geometry[dir], JSON.parse(JSON.stringify(direct)));
  }
  const manifold = json.manifold as unknown as { eigenvalues: number[]; points: unknown[] };
  assert.equal(manifold.points.length, 2 * 5 + 2, 'every checkpoint of both runs, then P0 and P*');
  const barcode = json.lossBarcode as unknown as { minima: { runDir: string }[]; bars: unknown[] };
  assert.deepEqual(barcode.minima.map((m) => m.runDir).sort(), [...runDirs].sort());
  assert.equal((json.toScore as unknown as { rows: unknown[] }).rows.length, 1);
  assert.deepEqual(json.skipped, []);
  // The caches the worker would write, in the run and study folders.
  for (const dir of runDirs) assert.ok(fs.readdirSync(path.join(dir, 'analysis', 'weightTrees')).some((f) => f.endsWith('.json')));
  assert.ok(fs.readdirSync(path.join(studyDir, 'analysis', 'predictionManifold')).length > 0);
  // A second time every request of the panels is answered from the cache (opening VS Code is instant).
  const again = await capturePanel(PANELS.find((p) => p.id === 'weightTrees')!, { runDirs: [runDirs[0]] }, { budgetBytes: 0 });
  assert.ok(again.requests.length > 0 && again.requests.every((r) => r.cached), JSON.stringify(again.requests.map((r) => [r.analysis, r.cached])));
  // Only the chosen analyses; a study-wide one on one run is skipped with the reason, and nothing ran: exit 1.
  const one = await analyze([runDirs[0]], { lossBarcode: true, quiet: true });
  assert.equal(one.succeeded, 0);
  assert.deepEqual((one.json.skipped as { analysis: string }[]).map((s) => s.analysis), ['lossBarcode', 'toScore']);
  assert.equal(analyzeExitCode(one), 1);
  assert.equal(analyzeExitCode({ succeeded: 3, failed: 1 }), 2);
});

test('spreadOrder keeps any prefix evenly spread: the last, the first, the middle, the quarters', () => {
  assert.deepEqual(spreadOrder(5), [4, 0, 2, 1, 3]);
  assert.deepEqual(spreadOrder(1), [0]);
  assert.deepEqual(spreadOrder(0), []);
  for (const n of [2, 7, 41]) assert.deepEqual([...spreadOrder(n)].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
});

test('remote-safe: what every controller posts to its webview is plain JSON data naming no file to read', async () => {
  const plan = planPanels([studyDir]);
  // A webview runs on the user's machine while the runs may live on a remote host: the messages must carry the
  // data itself. Run folders appear as identifiers (which run a point belongs to), never as files to open.
  const fileLike = /\.(safetensors|npy|npz|jsonl|json|bin|h5|csv|png)$/i;
  let checked = 0;
  for (const p of plan.planned) {
    const c = await capturePanel(p.panel, p.target, { budgetBytes: 2 ** 20 });
    const all = [...c.page.messages, ...(c.page.responses ?? []).flatMap((r) => r.messages)];
    for (const m of all) {
      // Plain JSON: strings, finite numbers, booleans, null, arrays and plain objects (an Infinity, a typed
      // array or a Map would not survive the trip to the webview as it was sent).
      const walk = (v: unknown, where: string): void => {
        if (v === null || v === undefined || typeof v === 'boolean') return;
        if (typeof v === 'number') return assert.ok(Number.isFinite(v), `${p.panel.id} ${where}: ${v} is not JSON`);
        if (typeof v === 'object' && !Array.isArray(v)) assert.equal(Object.getPrototypeOf(v), Object.prototype, `${p.panel.id} ${where}: not a plain object`);
        else assert.ok(typeof v === 'string' || Array.isArray(v), `${p.panel.id} ${where}: a ${typeof v} is not JSON`);
        if (typeof v === 'string') {
          assert.ok(!fileLike.test(v) && !v.startsWith('file:') && !v.startsWith('vscode-resource:'), `${p.panel.id} ${where}: "${v}" names a file`);
          if (path.isAbsolute(v)) assert.ok(runDirs.includes(v) || v === studyDir || v === root, `${p.panel.id} ${where}: path "${v}" is not a run or study folder`);
        } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
        // A file the controller offers for download carries a suggested name and the content, not a path to read.
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (!((m as { type: string }).type === '__topolensDownload' && (k === 'name' || k === 'text'))) walk(x, `${where}.${k}`);
      };
      walk(m, (m as { type: string }).type);
      checked++;
    }
  }
  assert.ok(checked > 30, `only ${checked} messages checked`);
});

const chromium = findChromium();

test('the report opens offline in Chromium: every panel drawn, tooltips, scrubbing, disabled host-only controls, CSP', { skip: chromium ? false : 'no Chromium installed (apt install chromium, or set TOPOLENS_CHROMIUM)' }, async () => {
  const out = path.join(root, 'report.html');
  // A budget that holds every barcode and tree answer but one checkpoint of each geometry (about 1.15 MiB
  // each, the pool split between the two): the cut is exercised.
  const summary = await buildReport([studyDir], { out, budgetMb: 3, display: quiet });
  const ids = summary.panels.map((p) => p.id);
  assert.deepEqual([...new Set(ids)].sort(), ['decisionGeometry', 'lossBarcode', 'predictionManifold', 'runDashboard', 'toScoreTable', 'weightBarcode', 'weightTrees']);
  const geometry = summary.panels.filter((p) => p.id === 'decisionGeometry');
  assert.ok(geometry.every((g) => g.answered === 1 && g.leftOut === 4), JSON.stringify(geometry));
  assert.ok(summary.panels.filter((p) => p.id === 'weightBarcode').every((p) => p.answered === 2 * 5), 'both layers x 5 checkpoints fit');
  const html = fs.readFileSync(out, 'utf8');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-[^']+'/);
  assert.doesNotMatch(html, /<script(?![^>]*(nonce=|type="application\/json"))[^>]*>/, 'every executable script carries the nonce');

  await withOpenReport(out, async (page, opened) => {
    const sections = page.locator('section.panel');
    assert.equal(await sections.count(), summary.panels.length);
    for (const s of await sections.evaluateAll((els) => els.map((e) => ({ id: e.id, svgs: Number(e.getAttribute('data-svgs')) })))) {
      assert.ok(s.svgs > 0, `${s.id} drew no SVG`);
    }
    const frameOf = (anchor: string) => page.frameLocator(`section#${anchor} iframe`);
    const barcodeAnchor = summary.panels.find((p) => p.id === 'weightBarcode')?.anchor as string;
    const barcode = frameOf(barcodeAnchor);
    await barcode.locator('meta[http-equiv="Content-Security-Policy"]').waitFor({ state: 'attached' });
    assert.match(await barcode.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content') ?? '', /^default-src 'none'; script-src 'nonce-/);

    // Hover a bar: the panel's own tooltip says what it is.
    await page.locator(`section#${barcodeAnchor}`).scrollIntoViewIfNeeded();
    const bar = barcode.locator('svg.barcode-chart rect.bar').first();
    await bar.hover();
    const tooltip = barcode.locator('#tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await tooltip.textContent() ?? '', /^H0 bar.*birth/);

    // Scrub to the first checkpoint: answered from the precomputed responses by the controller's own message.
    const subtitle = barcode.locator('.panel-header .subtitle');
    assert.match(await subtitle.textContent() ?? '', /step 32\b/);
    await barcode.locator('#step').evaluate((input) => {
      const range = input as unknown as { value: string; dispatchEvent(e: unknown): boolean };
      range.value = '0';
      range.dispatchEvent(new (globalThis as unknown as { Event: new (t: string) => unknown }).Event('input'));
    });
    await barcode.locator('.panel-header .subtitle', { hasText: /step 0\b/ }).waitFor({ timeout: 5000 });

    // Controls that need the run itself are disabled and say why.
    const geometryFrame = frameOf(geometry[0].anchor);
    const alpha = geometryFrame.locator('#alpha');
    assert.equal(await alpha.getAttribute('disabled'), '');
    assert.match(await alpha.getAttribute('title') ?? '', /needs the run itself/);
    // A checkpoint the budget left out snaps to the nearest one the report holds (no error).
    await page.locator(`section#${geometry[0].anchor}`).scrollIntoViewIfNeeded();
    await geometryFrame.locator('#step').evaluate((input) => {
      const range = input as unknown as { value: string; dispatchEvent(e: unknown): boolean };
      range.value = '1';
      range.dispatchEvent(new (globalThis as unknown as { Event: new (t: string) => unknown }).Event('input'));
    });
    await page.waitForTimeout(400);
    assert.equal(await geometryFrame.locator('.status.error').count(), 0);
    assert.match(await geometryFrame.locator('.panel-header .subtitle').textContent() ?? '', /step 32\b/, 'the only checkpoint in the budget');

    // Export PNG from inside a sandboxed frame downloads a real PNG.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), barcode.locator('#export-png').click()]);
    const png = fs.readFileSync(await download.path());
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

    assert.deepEqual(opened.blockedRequests, [], 'the report asked the network for something');
    assert.deepEqual(opened.consoleErrors, [], 'console errors');
  });
});
