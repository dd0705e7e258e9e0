/**
 * Worker crash (issue 2, "The worker"): while a long training runs, the analysis worker is killed with
 * SIGKILL, as the OOM killer would. The extension must say so ("worker crashed"), mark the run interrupted
 * with its checkpoints so far still listed, and start a fresh worker for the next request: a new quick
 * training completes and the barcode panel shows it. Before the kill, the long run's dashboard must show its
 * train-loss curve growing live.
 */
import assert from 'node:assert/strict';
import { startTraining, ui, type Journey } from '../journey';
import { readPanel, waitForPanel } from '../barcodePanel';
import { checkpointSteps, listRunFolders, readRunFolder, runsRoot, type RunFolder } from '../runFolders';
import { stepOf, type RunRow } from '../runsTree';
import { waitUntil } from '../workbench';
import { readDashboard } from '../dashboardPanel';
import { isAlive, parentPid, workerPids } from '../workerProcess';

/** The one new run folder named `name` that appeared since `before` (ids of folders seen earlier). */
function newRun(root: string, before: Set<string>, name: string): RunFolder | undefined {
  return listRunFolders(root).filter((r) => !before.has(r.id) && r.name === name).at(-1);
}

/** The run's row in the tree: among the rows labelled `name`, the one at the same place as its folder in
 *  the newest-first order of folders with that name. */
async function rowOf(j: Journey, run: RunFolder): Promise<RunRow | undefined> {
  const sameName = listRunFolders(runsRoot(j.env.workspace)).filter((r) => r.name === run.name).reverse();
  const rows = await j.tree.runsNamed(run.name);
  return rows.length === sameName.length ? rows[sameName.findIndex((r) => r.id === run.id)] : undefined;
}

export async function workerCrashScenario(j: Journey): Promise<void> {
  const { wb, tree, clock, env } = j;
  assert.ok(env.extensionsDir, 'TOPOLENS_E2E_EXTENSIONS is not set: run.sh must say where the VSIX was installed (the worker runs from there)');
  const root = runsRoot(env.workspace);
  const facts: Record<string, unknown> = {};
  j.facts.workerCrash = facts;
  const now = { timeout: 1_000 };
  /** Checkpoints on disk before the kill: the run must keep more than its step-0 checkpoint. */
  const minCheckpoints = 3;

  let killedPid = 0;
  let long: RunFolder | undefined;
  await clock.step(`crash: start "${ui.longPreset}", wait for step > 0, its run row and ${minCheckpoints} checkpoints`, async () => {
    const before = new Set(listRunFolders(root).map((r) => r.id));
    // Fold the runs already shown: the long run's checkpoints must fit in the virtual list's rendered rows.
    for (const run of await tree.runs()) await tree.collapse(run);
    await startTraining(wb, ui.longPreset);
    const status = wb.statusBarItem(new RegExp(`${ui.longPreset} · step`));
    let statusText = '';
    await waitUntil(async () => {
      long ??= newRun(root, before, ui.longPreset);
      if (await status.isVisible()) statusText = (await status.textContent(now).catch(() => null))?.trim() ?? statusText;
      const step = Number(/\bstep (\d+)\//.exec(statusText)?.[1]);
      const row = long && (await rowOf(j, long));
      const checkpoints = long ? checkpointSteps(long.dir).length : 0;
      return step > 0 && row && checkpoints >= minCheckpoints ? true : undefined;
    }, 60_000, () => `"${ui.longPreset}" did not show step > 0 in the status bar ("${statusText}") with a run row in "${ui.runsView}" and ${minCheckpoints} checkpoints (run folder: ${long ? `${long.dir} with ${checkpointSteps(long.dir).length}` : 'none yet'})`);
    assert.ok(long);
    // While it trains, its dashboard (opened as training started) draws the curves and keeps them live.
    await wb.editorTab(ui.dashboardTitle).click();
    const growing: number[] = [];
    await waitUntil(async () => {
      const reading = await readDashboard(wb.webview());
      const points = await wb.webview().locator('svg.line-chart[data-group="loss"] .series[data-key="trainLoss"] path').first().getAttribute('d', now).catch(() => null);
      if ((reading.series.loss ?? []).includes('trainLoss') && points) growing.push(points.length);
      // Two readings of the same path, the second longer: the curve grew while the run trained.
      return growing.length >= 2 && growing[growing.length - 1] > growing[0] ? true : undefined;
    }, 60_000, () => `the dashboard of the training "${ui.longPreset}" run did not draw a growing train-loss curve (path lengths seen: ${JSON.stringify(growing)})`);
    facts.liveCurvePathLengths = [growing[0], growing[growing.length - 1]];
    clock.log(`dashboard curve grew while training: path d ${growing[0]} -> ${growing[growing.length - 1]} characters`);
    await j.screenshot('dashboard-live.png', wb.webviewElement());
    await wb.editorTab(ui.panelTitle).click();
    const pids = workerPids(env.extensionsDir);
    assert.equal(pids.length, 1, `expected one TopoLens worker under ${env.extensionsDir}, found pids ${JSON.stringify(pids)}`);
    killedPid = pids[0];
    facts.statusBarBeforeKill = statusText;
    facts.killedWorker = { pid: killedPid, parentPid: parentPid(killedPid) };
    clock.log(`status bar "${statusText}"; run ${long.id}; killing worker ${killedPid} (parent ${parentPid(killedPid)}) with SIGKILL`);
  });

  await clock.step('crash: SIGKILL the worker -> "worker crashed", run row interrupted with its checkpoints', async () => {
    assert.ok(long);
    process.kill(killedPid, 'SIGKILL');
    await waitUntil(async () => (isAlive(killedPid) ? undefined : true), 10_000, () => `worker ${killedPid} still runs after SIGKILL`);
    const toast = wb.notification(ui.workerCrashed);
    await toast.waitFor({ timeout: 30_000 }).catch((e: unknown) => {
      throw new Error(`no notification matching ${ui.workerCrashed} after the worker was killed`, { cause: e });
    });
    facts.notification = await wb.notificationMessage(toast);
    clock.log(`notification: "${facts.notification}"`);

    // The tree: the run's row says "interrupted" first, and, expanded, lists the checkpoints on disk.
    let row: RunRow | undefined;
    await waitUntil(async () => {
      row = await rowOf(j, long as RunFolder);
      if (row?.expanded === false) await tree.expand(row);
      return row && /^interrupted\b/.test(row.description) && row.checkpoints.length > 0 ? true : undefined;
    }, 30_000, () => `the killed run's row should read "interrupted ..." and list its checkpoints; it reads ${JSON.stringify(row)}`);
    assert.ok(row);
    const onDisk = readRunFolder(long.dir);
    facts.runJsonStatus = onDisk.status;
    assert.equal(onDisk.status, 'interrupted', `${long.dir}/run.json says status "${onDisk.status}" after the crash`);
    assert.ok(onDisk.checkpointSteps.length > 0, `${long.dir} has no checkpoints`);
    const listed = row.checkpoints.map((c) => stepOf(c.label));
    // The virtual list renders only the rows near the viewport: compare what is rendered, in order.
    assert.deepEqual(listed, onDisk.checkpointSteps.slice(0, listed.length),
      `the tree lists checkpoints ${JSON.stringify(listed)}, the run folder holds ${JSON.stringify(onDisk.checkpointSteps)}`);
    if (onDisk.checkpointSteps.length <= 20) {
      assert.equal(listed.length, onDisk.checkpointSteps.length, `the tree lists ${listed.length} checkpoints, the run folder holds ${onDisk.checkpointSteps.length}`);
    }
    facts.interruptedRow = { label: row.label, description: row.description, checkpointsListed: listed.length, checkpointsOnDisk: onDisk.checkpointSteps.length };
    // The status bar's last word on the run agrees with the tree: interrupted, not "failed".
    let statusAfter = '';
    await waitUntil(async () => {
      statusAfter = ((await wb.statusBarItem(new RegExp(ui.longPreset)).textContent(now).catch(() => null)) ?? '').trim();
      return /interrupted/i.test(statusAfter) ? true : undefined;
    }, 10_000, () => `after the crash the status bar should say the run was interrupted; it says "${statusAfter}"`);
    facts.statusBarAfterKill = statusAfter;
    // The panel was following the killed run live: record what it says now (a request may have died too).
    facts.panelAfterKill = await readPanel(wb);
    clock.log(`row "${row.label}" · "${row.description}" with ${listed.length} checkpoints (on disk ${onDisk.checkpointSteps.length}); status bar now "${facts.statusBarAfterKill}"; panel ${JSON.stringify(facts.panelAfterKill)}`);
    await j.screenshot('crash-interrupted.png');
    await tree.collapse(row);
  });

  await clock.step(`crash: "${ui.preset}" again on a fresh worker -> completes, panel shows it`, async () => {
    const before = new Set(listRunFolders(root).map((r) => r.id));
    await startTraining(wb, ui.preset);
    let run: RunFolder | undefined;
    await waitUntil(async () => {
      run = newRun(root, before, ui.preset);
      return run?.status === 'completed' ? run : undefined;
    }, env.trainTimeoutS * 1000, () => `the second "${ui.preset}" run did not complete (run folder: ${run ? `${run.dir}, status ${run.status}` : 'none'})`);
    assert.ok(run);
    const pids = workerPids(env.extensionsDir);
    facts.freshWorker = pids;
    assert.equal(pids.length, 1, `expected one fresh worker after the crash, found ${JSON.stringify(pids)}`);
    assert.notEqual(pids[0], killedPid, 'the worker pid did not change: the killed worker cannot have trained the new run');
    const finalStep = Math.max(...run.checkpointSteps);
    // Train & Analyze opens the panel on the run it just trained, at its final checkpoint.
    const shown = await waitForPanel(wb, { step: finalStep, runDir: run.dir }, 30_000, `after "${ui.preset}" completed on the fresh worker`);
    await waitUntil(async () => {
      const row = await rowOf(j, run as RunFolder);
      return row && /^completed\b/.test(row.description) ? true : undefined;
    }, 30_000, () => `the new "${ui.preset}" run's row never read "completed ..."`);
    facts.afterCrash = { run: run.id, worker: pids[0], panel: shown.subtitle };
    clock.log(`fresh worker ${pids[0]} trained ${run.id}; panel: "${shown.subtitle}"`);
  });
}
