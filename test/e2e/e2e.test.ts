/**
 * The user's journey through TopoLens in a real VS Code (code-server) driven by Debian's chromium:
 * open the workbench -> TopoLens view -> "TopoLens: Train & Analyze" with the `quick` preset -> watch the run
 * train (tree, status bar) -> click a checkpoint -> read the weight barcode in the webview -> hover a bar ->
 * export PNG and SVG through the save dialog -> check the files; then the robustness scenarios in the same
 * session: the run dashboard (scenarios/dashboard.ts: curves, hover, a clicked step the barcode follows), the
 * worker killed mid-training (scenarios/workerCrash.ts), the panel restored after a window reload
 * (scenarios/reloadRestore.ts) and a two-run study grouped in the tree (scenarios/study.ts).
 *
 * Started by test/e2e/run.sh, which installs the VSIX into a throwaway profile and serves it. Environment:
 *   TOPOLENS_E2E_URL        code-server's URL            TOPOLENS_E2E_WORKSPACE  the folder it opens
 *   TOPOLENS_E2E_OUT        screenshots + logs go here   TOPOLENS_E2E_USER_DATA  code-server's user-data dir
 *   TOPOLENS_E2E_CHROMIUM   browser (/usr/bin/chromium)  TOPOLENS_E2E_TRAIN_TIMEOUT_S  training budget (300)
 *   TOPOLENS_E2E_EXTENSIONS the extensions dir the VSIX was installed into (the worker runs from there)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type ConsoleMessage, type Locator } from 'playwright-core';
import { numberAfter, readBars, showsValue, type Bar } from './barcodeReading';
import { waitForPanel } from './barcodePanel';
import { activationTime } from './extensionHostLog';
import { makeScreenshot, readEnv, startTraining, ui, type Journey } from './journey';
import { readPngInfo } from './png';
import { listRunFolders, runsRoot } from './runFolders';
import { RunsTree, stepOf, type RunRow } from './runsTree';
import { reloadRestoreScenario } from './scenarios/reloadRestore';
import { dashboardScenario } from './scenarios/dashboard';
import { studyScenario } from './scenarios/study';
import { staticPageScenario } from './scenarios/staticPage';
import { analysisPanelsScenario } from './scenarios/analysisPanels';
import { decisionGeometryScenario } from './scenarios/decisionGeometry';
import { weightTreesScenario } from './scenarios/weightTrees';
import { predictionManifoldScenario } from './scenarios/predictionManifold';
import { lossBarcodeScenario } from './scenarios/lossBarcode';
import { RequestLog, remoteSafetyScenario } from './scenarios/remoteSafety';
import { readDashboard } from './dashboardPanel';
import { workerCrashScenario } from './scenarios/workerCrash';
import { StepClock } from './stepClock';
import { waitUntil, Workbench } from './workbench';

const env = readEnv();
const { url, workspace, out, userData, browserPath, trainTimeoutS } = env;

// run.sh starts the driver in the repository root.
const manifest = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8')) as { publisher: string; name: string };
const extensionId = `${manifest.publisher}.${manifest.name}`;

/** Finds the exported file `<run>-step<N>-weight-barcode.<ext>` that the extension wrote into the workspace. */
function exportedFile(ext: 'png' | 'svg'): string | undefined {
  const name = fs.readdirSync(workspace).find((f) => f.endsWith(`-weight-barcode.${ext}`));
  return name === undefined ? undefined : path.join(workspace, name);
}

/** Runs the journey; returns the process exit code. */
async function main(): Promise<number> {
  fs.mkdirSync(out, { recursive: true });
  const clock = new StepClock();
  const consoleLines: string[] = [];

  const browser = await chromium.launch({
    executablePath: browserPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const requests = new RequestLog();
  requests.attach(context);
  const page = await context.newPage();
  page.on('console', (message: ConsoleMessage) => {
    const text = message.text().replace(/%c/g, '').replace(/\s*color: [^ ]+/g, '');
    consoleLines.push(`[${clock.now().toFixed(1)}s ${message.type()}] ${text}`);
    // The extension host's console is forwarded to the page as "[Extension Host] ...": show TopoLens' lines.
    if (/topolens/i.test(text) && (message.type() === 'error' || text.includes('[Extension Host]'))) {
      clock.log(`  page ${message.type()}: ${text.slice(0, 300)}`);
    }
  });
  page.on('pageerror', (error) => consoleLines.push(`[${clock.now().toFixed(1)}s pageerror] ${error.message}`));
  const wb = new Workbench(page);
  const screenshot = makeScreenshot(page, out);
  /** Checkpoint rows of the runs tree (their labels read "step N"). */
  const checkpointRows = (): Locator => wb.sideBarRows().and(page.locator('[aria-label*="step"]'));

  let failed: unknown;
  let workbenchWallMs: number | undefined;
  const facts: Record<string, unknown> = {};
  const journey: Journey = { env, page, wb, tree: new RunsTree(page), clock, facts, screenshot };
  try {
    await clock.step('open the workbench', async () => {
      await wb.open(url, workspace);
      workbenchWallMs = Date.now();
      clock.mark('workbench');
    });

    await clock.step(`show the "${ui.runsView}" view`, async () => {
      await wb.activityBarItem(ui.container).waitFor({ timeout: 60_000 }).catch((e: unknown) => {
        throw new Error(`no activity-bar entry "${ui.container}": is the extension installed and enabled?`, { cause: e });
      });
      // Clicking the entry of the container already shown would close the side bar.
      if (!(await wb.sideBarViewTitle(ui.runsView).isVisible())) await wb.activityBarItem(ui.container).click();
      await wb.sideBarViewTitle(ui.runsView).waitFor({ timeout: 60_000 });
      clock.mark('view');
    });

    let stepsSeen: number[] = [];
    let statusText = '';
    await clock.step(`run "${ui.trainCommand}" with preset "${ui.preset}"`, async () => {
      await startTraining(wb, ui.preset);
      clock.mark('train');
    });

    await clock.step('watch training: run in the tree, status bar, live barcode panel, completion', async () => {
      const status = wb.statusBarItem(/loss/i);
      const progress = wb.notification(/training/i);
      const panelTab = wb.editorTab(ui.panelTitle);
      let progressSeen = false;
      let run: RunRow | undefined;
      let seenRunning = false;
      let panelWhileRunning = false;
      const dashboardTab = wb.editorTab(ui.dashboardTitle);
      let dashboardShown = false;
      let dashboardWhileTraining = false;
      let curvesWhileRunning: string[] = [];
      // Sample the live UI until the run's row says it completed. Short timeouts: this is a poll, and an
      // element that is missing right now is normal.
      const now = { timeout: 1_000 };
      // The status bar and the progress notification live only while the run trains (seconds on a free
      // machine): sample them on their own, faster than the loop below, which also reads the tree.
      let watching = true;
      const sampler = (async () => {
        while (watching) {
          progressSeen ||= await progress.isVisible().catch(() => false);
          const text = (await status.textContent({ timeout: 200 }).catch(() => null))?.trim();
          if (text && /\bstep\b/.test(text)) {
            statusText = text;
            // Still training: the run's dashboard must already be open (it opens as training starts).
            dashboardWhileTraining ||= await dashboardTab.isVisible().catch(() => false);
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      try {
        await waitUntil(async () => {
          run = (await journey.tree.runsNamed(ui.preset))[0];
          if (!run) return undefined;
          if (!seenRunning && /^running\b/.test(run.description)) {
            seenRunning = true;
            clock.log(`run in tree: "${run.label}" · "${run.description}"`);
          }
          // Live panels: the first checkpoint opens the barcode beside the editor while the run trains.
          if (/^running\b/.test(run.description)) panelWhileRunning ||= await panelTab.isVisible();
          // The run's dashboard opened as training started; once the analysis panel has opened beside it (and
          // taken the front), bring the dashboard forward and read its curves while the run still trains.
          if (/^running\b/.test(run.description) && !dashboardShown && await dashboardTab.isVisible() && await panelTab.isVisible()) {
            dashboardShown = true;
            await dashboardTab.click(now).catch(() => undefined);
          }
          if (dashboardShown && curvesWhileRunning.length === 0 && /^running\b/.test(run.description)) {
            const reading = await readDashboard(wb.webview()).catch(() => undefined);
            curvesWhileRunning = reading?.series.loss ?? [];
            if (curvesWhileRunning.length > 0) {
              clock.log(`dashboard curves while training: ${JSON.stringify(reading?.series)}`);
              await screenshot('dashboard-live.png', wb.webviewElement());
            }
          }
          await journey.tree.expand(run);
          stepsSeen = [...new Set([...stepsSeen, ...run.checkpoints.map((c) => stepOf(c.label)).filter(Number.isFinite)])];
          return /^completed\b/.test(run.description) ? true : undefined;
        }, trainTimeoutS * 1000, () => `the "${ui.preset}" run's row never read "completed ..." (row: ${JSON.stringify(run && { label: run.label, description: run.description })}, checkpoints seen: ${JSON.stringify(stepsSeen)}, status bar: "${statusText}")`);
      } finally {
        watching = false;
        await sampler;
      }
      clock.mark('trained');
      clock.log(`status bar while training: "${statusText}"; checkpoints seen while training: ${JSON.stringify(stepsSeen)}; panel open while running: ${panelWhileRunning}`);
      facts.livePanel = { runSeenRunning: seenRunning, panelOpenWhileRunning: panelWhileRunning, dashboardOpenWhileTraining: dashboardWhileTraining, dashboardReadWhileRunning: dashboardShown, curvesWhileRunning };
      assert.ok(dashboardWhileTraining, 'the run dashboard was not open while the run was training');
      assert.ok(progressSeen, 'no progress notification mentioning "training" appeared while training');
      assert.ok(statusText !== '', 'no status-bar item showing the loss appeared while training');
      assert.match(statusText, /step/i, `the status-bar item "${statusText}" does not show the step`);
      assert.match(statusText, /samples\s*\/\s*s/i, `the status-bar item "${statusText}" does not show samples/s`);
      if (seenRunning) assert.ok(panelWhileRunning, 'the Weight Barcode panel did not open while the run was training (live panels)');
      // Once trained, the panel shows the run's final checkpoint.
      const trained = listRunFolders(runsRoot(workspace)).filter((r) => r.name === ui.preset).at(-1);
      assert.ok(trained && trained.checkpointSteps.length > 0, `no "${ui.preset}" run folder with checkpoints under ${runsRoot(workspace)}`);
      await panelTab.click();
      await waitForPanel(wb, { step: Math.max(...trained.checkpointSteps), runDir: trained.dir }, 30_000, 'after training');
    });

    let checkpointStep = NaN;
    await clock.step('click a checkpoint in the tree', async () => {
      const rows = checkpointRows();
      await rows.first().waitFor({ timeout: 30_000 }).catch((e: unknown) => {
        throw new Error('the finished run shows no checkpoint rows ("step N") in the tree', { cause: e });
      });
      const labels = await rows.evaluateAll((els) => els.map((r) => r.getAttribute('aria-label') ?? ''));
      const steps = labels.map(stepOf);
      assert.ok(steps.every(Number.isFinite), `checkpoint rows without a step number: ${JSON.stringify(labels)}`);
      facts.checkpoints = steps;
      // Take the earliest checkpoint: the panel opened at the final one, so this must really update it.
      const first = steps.indexOf(Math.min(...steps));
      checkpointStep = steps[first];
      await rows.nth(first).click();
      await wb.editorTab(ui.panelTitle).waitFor({ timeout: 30_000 });
      // The panel was showing the final checkpoint: wait until it says it shows the clicked one.
      await wb.webview().locator('body', { hasText: new RegExp(`\\bstep ${checkpointStep}(?!\\d)`) }).waitFor({ timeout: 60_000 }).catch((e: unknown) => {
        throw new Error(`after clicking "step ${checkpointStep}" the Weight Barcode webview never showed "step ${checkpointStep}"`, { cause: e });
      });
    });

    let bars: Bar[] = [];
    const chart = wb.webview().locator('svg.barcode-chart');
    await clock.step('read the barcode in the webview', async () => {
      await chart.locator('rect.bar').first().waitFor({ timeout: 60_000 }).catch((e: unknown) => {
        throw new Error('no svg.barcode-chart rect.bar in the Weight Barcode webview', { cause: e });
      });
      bars = await readBars(chart);
      const h0 = bars.filter((b) => b.dim === 0);
      assert.ok(bars.every((b) => b.dim === 0 || b.dim === 1), `data-dim outside {0,1}: ${JSON.stringify(bars.map((b) => b.dim))}`);
      assert.ok(h0.length > 0, 'the barcode has no H0 bars');
      // Vietoris-Rips invariants: every H0 class is born at 0; nothing dies before it is born.
      assert.ok(h0.every((b) => b.birth === 0), `H0 bars must be born at 0: ${JSON.stringify(h0.filter((b) => b.birth !== 0))}`);
      assert.ok(bars.every((b) => b.birth >= 0 && b.death >= b.birth), `a bar dies before it is born: ${JSON.stringify(bars.filter((b) => !(b.death >= b.birth)))}`);
      facts.bars = { total: bars.length, h0: h0.length, h1: bars.length - h0.length, essential: bars.filter((b) => b.death === Infinity).length };
      await screenshot('webview.png', wb.webviewElement());
    });

    await clock.step('hover a bar and read the tooltip', async () => {
      // Hover the longest finite bar on screen: the largest target, and its numbers are all finite.
      const rects = chart.locator('rect.bar');
      let target = bars[0];
      let widest = -1;
      for (const bar of bars) {
        const box = await rects.nth(bar.index).boundingBox();
        if (box && box.width * box.height > widest && Number.isFinite(bar.death)) {
          widest = box.width * box.height;
          target = bar;
        }
      }
      await rects.nth(target.index).hover();
      const tooltip = wb.webview().locator('#tooltip');
      await tooltip.waitFor({ state: 'visible', timeout: 10_000 }).catch((e: unknown) => {
        throw new Error(`hovering bar ${target.index} did not show a visible #tooltip`, { cause: e });
      });
      const text = ((await tooltip.textContent()) ?? '').replace(/\s+/g, ' ').trim();
      clock.log(`tooltip: "${text}"`);
      assert.match(text, /H[01]/, `tooltip "${text}" does not name the dimension (H0/H1)`);
      for (const word of ['birth', 'death', 'persistence']) assert.match(text, new RegExp(word, 'i'), `tooltip "${text}" lacks "${word}"`);
      assert.ok(text.includes(`H${target.dim}`), `tooltip "${text}" names the wrong dimension: the bar has data-dim=${target.dim}`);
      for (const [word, value] of [['birth', target.birth], ['death', target.death], ['persistence', target.death - target.birth]] as const) {
        const shown = numberAfter(text, word);
        assert.ok(shown !== undefined && showsValue(shown, value), `tooltip "${text}" shows ${word} ${shown}, the bar has ${value}`);
      }
      facts.tooltip = text;
      await screenshot('webview-tooltip.png', wb.webviewElement());
    });

    await clock.step('export PNG through the save dialog', async () => {
      await wb.webview().locator('#export-png').click();
      const proposed = await wb.acceptSaveDialog();
      clock.log(`save dialog proposed "${proposed}"`);
      const name = path.basename(proposed);
      const parts = ui.exportName.exec(name);
      assert.ok(parts && parts[3] === 'png', `the save dialog proposed "${name}", expected <run>-step<N>-weight-barcode.png`);
      assert.equal(path.resolve(path.dirname(proposed)), path.resolve(workspace), `the save dialog proposed a folder outside the workspace: ${proposed}`);
      assert.equal(Number(parts[2]), checkpointStep, `the export names step ${parts[2]}, but the clicked checkpoint was step ${checkpointStep}`);
      await wb.notification(ui.exportedMessage).waitFor({ timeout: 30_000 }).catch((e: unknown) => {
        throw new Error('no "Exported ..." notification after saving the PNG', { cause: e });
      });
      const file = await waitUntil(async () => exportedFile('png'), 10_000, () => `no *-weight-barcode.png in ${workspace}`);
      const info = readPngInfo(fs.readFileSync(file), file);
      const svgBox = await chart.boundingBox();
      assert.ok(svgBox, 'the barcode SVG has no layout box');
      const scale = { x: info.width / svgBox.width, y: info.height / svgBox.height };
      facts.png = { file: path.basename(file), bytes: fs.statSync(file).size, width: info.width, height: info.height, scale, svgCssPx: [svgBox.width, svgBox.height] };
      clock.log(`PNG ${info.width}x${info.height} (${fs.statSync(file).size} bytes) for an SVG of ${svgBox.width.toFixed(0)}x${svgBox.height.toFixed(0)} CSS px`);
      assert.ok(scale.x > 1.8 && scale.x < 2.2 && scale.y > 1.8 && scale.y < 2.2,
        `the PNG (${info.width}x${info.height}) is not a 2x rendering of the ${svgBox.width.toFixed(0)}x${svgBox.height.toFixed(0)} chart`);
      fs.copyFileSync(file, path.join(out, 'exported-barcode.png'));
    });

    await clock.step('export SVG through the save dialog', async () => {
      await wb.webview().locator('#export-svg').click();
      const proposed = await wb.acceptSaveDialog();
      assert.match(path.basename(proposed), ui.exportName, `the save dialog proposed "${proposed}" for the SVG`);
      const file = await waitUntil(async () => exportedFile('svg'), 30_000, () => `no *-weight-barcode.svg in ${workspace}`);
      const svg = fs.readFileSync(file, 'utf8');
      assert.match(svg, /<svg[\s>]/, `${file} has no <svg> element`);
      const exportedBars = svg.match(/<rect\b[^>]*\bclass="[^"]*\bbar\b/g)?.length ?? 0;
      assert.equal(exportedBars, bars.length, `${file} holds ${exportedBars} rect.bar, the chart shows ${bars.length}`);
      facts.svg = { file: path.basename(file), bytes: svg.length, bars: exportedBars };
    });

    await clock.step('screenshot the workbench', async () => {
      await screenshot('workbench.png');
    });

    await dashboardScenario(journey);
    await staticPageScenario(journey, browser);
    await decisionGeometryScenario(journey);
    await weightTreesScenario(journey);
    await workerCrashScenario(journey);
    await reloadRestoreScenario(journey);
    await studyScenario(journey);
    await analysisPanelsScenario(journey);
    await predictionManifoldScenario(journey);
    await lossBarcodeScenario(journey);
    await remoteSafetyScenario(journey, requests);
  } catch (e) {
    failed = e;
    console.error(`\nE2E FAILED: ${e instanceof Error ? e.message : String(e)}`);
    if (e instanceof Error && e.cause instanceof Error) console.error(`  cause: ${e.cause.message.split('\n')[0]}`);
    await page.screenshot({ path: path.join(out, 'failure.png') }).catch(() => undefined);
    // What the webviews showed, for failures inside a panel.
    const frames = page.locator('iframe.webview.ready');
    const dump: string[] = [];
    for (let i = 0; i < (await frames.count()); i++) {
      const body = frames.nth(i).contentFrame().locator('iframe#active-frame').contentFrame().locator('body');
      const text = await body.innerText({ timeout: 2_000 }).catch((err: unknown) => `(unreadable: ${String(err).split('\n')[0]})`);
      dump.push(`--- webview ${i} (visible: ${await frames.nth(i).isVisible()})\n${text}`);
    }
    fs.writeFileSync(path.join(out, 'failure-webviews.txt'), dump.join('\n') + '\n');
  } finally {
    fs.writeFileSync(path.join(out, 'page-console.log'), consoleLines.join('\n') + '\n');
    await browser.close().catch(() => undefined);
  }

  // The extension host log is written lazily: read the activation time once the journey is over.
  const activatedAt = userData ? activationTime(userData, extensionId) : undefined;
  if (activatedAt !== undefined && workbenchWallMs !== undefined) facts.activateCalledAfterWorkbenchS = (activatedAt - workbenchWallMs) / 1000;
  const summary = {
    passed: failed === undefined,
    totalS: clock.now(),
    activationS: clock.span('workbench', 'view'),
    trainingS: clock.span('train', 'trained'),
    reloadRestoreS: clock.span('reloaded', 'restored'),
    steps: clock.steps,
    ...facts,
  };
  fs.writeFileSync(path.join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(`\nTopoLens e2e ${failed === undefined ? 'PASSED' : 'FAILED'} in ${summary.totalS.toFixed(1)} s`);
  console.log(clock.table());
  const fmt = (s: number | undefined): string => (s === undefined ? 'n/a' : `${s.toFixed(1)} s`);
  console.log(`  activation (workbench DOM -> "${ui.runsView}" header): ${fmt(summary.activationS)}`);
  if (typeof facts.activateCalledAfterWorkbenchS === 'number') console.log(`  activate() called (exthost log) ${fmt(facts.activateCalledAfterWorkbenchS)} after workbench DOM`);
  console.log(`  training (preset chosen -> run row completed): ${fmt(summary.trainingS)}`);
  console.log(`  panel restored (new workbench DOM -> barcode at the chosen step): ${fmt(summary.reloadRestoreS)}`);
  console.log(`  details: ${path.join(out, 'summary.json')}`);
  return failed === undefined ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error('e2e driver crashed:', e);
    process.exit(1);
  },
);
