/**
 * Reload restore (issue 2, "What a user gets"): with the Weight Barcode panel open at a checkpoint the user
 * chose, "Developer: Reload Window" must bring the panel back (WebviewPanelSerializer + the webview's saved
 * state) showing that same checkpoint, with its bars drawn. Also records what happened to the worker of the
 * old extension host (it should exit with its parent).
 */
import assert from 'node:assert/strict';
import { readPanel, waitForPanel } from '../barcodePanel';
import { ui, type Journey } from '../journey';
import { listRunFolders, runsRoot } from '../runFolders';
import { stepOf, type RunRow } from '../runsTree';
import { waitUntil } from '../workbench';
import { isAlive, workerPids } from '../workerProcess';

export async function reloadRestoreScenario(j: Journey): Promise<void> {
  const { wb, tree, clock, env } = j;
  const facts: Record<string, unknown> = {};
  j.facts.reloadRestore = facts;

  let chosen = NaN;
  let runDir = '';
  await clock.step('reload: click a middle checkpoint of the newest run', async () => {
    const newest = listRunFolders(runsRoot(env.workspace)).filter((r) => r.status === 'completed').at(-1);
    assert.ok(newest, 'no completed run to open');
    runDir = newest.dir;
    const steps = newest.checkpointSteps;
    assert.ok(steps.length >= 3, `${newest.dir} has ${steps.length} checkpoints; a middle one needs at least 3`);
    // Neither the first nor the final checkpoint: a panel that forgot the step would show the final one,
    // one that kept an older pin the first.
    chosen = steps[Math.floor(steps.length / 2)];
    let run: RunRow | undefined;
    const target = await waitUntil(async () => {
      run = (await tree.runsNamed(newest.name))[0];
      if (run?.expanded === false) await tree.expand(run);
      return run?.checkpoints.find((c) => stepOf(c.label) === chosen);
    }, 30_000, () => `the newest "${newest.name}" run shows no "step ${chosen}" row (rows: ${JSON.stringify(run?.checkpoints.map((c) => c.label))})`);
    await tree.row(target.index).click();
    const shown = await waitForPanel(wb, { step: chosen, runDir }, 60_000, `after clicking "step ${chosen}"`);
    facts.before = shown.subtitle;
  });

  let oldWorkers: number[] = [];
  await clock.step(`reload: "${ui.reloadCommand}" -> the panel comes back at the same step`, async () => {
    oldWorkers = env.extensionsDir ? workerPids(env.extensionsDir) : [];
    await wb.reload(ui.reloadCommand);
    clock.mark('reloaded');
    await wb.editorTab(ui.panelTitle).waitFor({ timeout: 60_000 }).catch((e: unknown) => {
      throw new Error('no "Weight Barcode" editor tab after the reload: the panel was not restored', { cause: e });
    });
    const shown = await waitForPanel(wb, { step: chosen, runDir }, 30_000, `after "${ui.reloadCommand}"`).catch(async (e: unknown) => {
      await j.screenshot('reload-restored.png');
      throw e;
    });
    clock.mark('restored');
    facts.after = shown.subtitle;
    facts.bars = shown.bars;
    facts.restoreS = clock.span('reloaded', 'restored');
    clock.log(`restored panel: "${shown.subtitle}" with ${shown.bars} bars, ${clock.span('reloaded', 'restored')?.toFixed(1)} s after the new workbench`);
    await j.screenshot('reload-restored.png');
    assert.equal((await readPanel(wb)).step, chosen);
  });

  // The old extension host is gone; so must its worker be ("the worker exits when its parent dies"). Not a
  // step of its own: code-server decides when the old extension host ends, so this is recorded, not judged.
  const lingering = oldWorkers.filter(isAlive);
  facts.oldWorkers = oldWorkers;
  facts.oldWorkersAliveAfterRestore = lingering;
  if (lingering.length > 0) clock.log(`note: worker(s) ${JSON.stringify(lingering)} of the old extension host still run after the reload`);
}
