/**
 * What every part of the e2e journey shares: the environment run.sh sets up, the UI contract of
 * package.json's contributions, and the open browser page with its helpers. The journey is one dependent
 * sequence in one code-server session (a scenario needs the runs and panels of the ones before it), so the
 * scenarios are functions over this context rather than independent tests.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { RunsTree } from './runsTree';
import type { StepClock } from './stepClock';
import type { Workbench } from './workbench';

/** The environment run.sh passes to the driver. */
export interface E2eEnv {
  /** code-server's URL. */
  readonly url: string;
  /** The folder code-server opens (runs go to `.topolens/runs` in it). */
  readonly workspace: string;
  /** Screenshots, logs and summary.json go here. */
  readonly out: string;
  /** code-server's user-data dir (logs), or '' when unknown. */
  readonly userData: string;
  /** The throwaway extensions dir the VSIX was installed into (the worker runs from there), or ''. */
  readonly extensionsDir: string;
  readonly browserPath: string;
  /** Budget for one training of the quick preset. */
  readonly trainTimeoutS: number;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e test through test/e2e/run.sh (npm run test:e2e).`);
  return value;
}

export function readEnv(): E2eEnv {
  const trainTimeoutS = Number(process.env.TOPOLENS_E2E_TRAIN_TIMEOUT_S ?? 300);
  if (!(trainTimeoutS > 0)) throw new Error(`TOPOLENS_E2E_TRAIN_TIMEOUT_S="${process.env.TOPOLENS_E2E_TRAIN_TIMEOUT_S}" is not a positive number of seconds.`);
  return {
    url: requiredEnv('TOPOLENS_E2E_URL'),
    workspace: requiredEnv('TOPOLENS_E2E_WORKSPACE'),
    out: requiredEnv('TOPOLENS_E2E_OUT'),
    userData: process.env.TOPOLENS_E2E_USER_DATA ?? '',
    extensionsDir: process.env.TOPOLENS_E2E_EXTENSIONS ?? '',
    browserPath: process.env.TOPOLENS_E2E_CHROMIUM ?? '/usr/bin/chromium',
    trainTimeoutS,
  };
}

/** The UI contract of package.json's contributions and the Weight Barcode panel. */
export const ui = {
  container: 'TopoLens',
  runsView: 'Training Runs',
  trainCommand: 'TopoLens: Train & Analyze',
  reloadCommand: 'Developer: Reload Window',
  preset: 'quick',
  /** Trains for minutes (SPEC A on all of MNIST) and writes a checkpoint about every second: a run that is
   *  surely still going when the test kills its worker, with a few checkpoints already on disk. */
  longPreset: 'gabella-tiny',
  panelTitle: /^\s*Weight Barcode/,
  dashboardTitle: /^\s*Run — /,
  /** A two-run study (two seeds of quick): trained by the study scenario. */
  study: 'quick-seeds',
  exportedMessage: /Exported/,
  exportName: /^(.+)-step(\d+)-weight-barcode\.(png|svg)$/,
  workerCrashed: /worker crashed/i,
};

export interface Journey {
  readonly env: E2eEnv;
  readonly page: Page;
  readonly wb: Workbench;
  readonly tree: RunsTree;
  readonly clock: StepClock;
  /** Measurements for summary.json, by topic. */
  readonly facts: Record<string, unknown>;
  /** Screenshot of the page, or of one element, into the output folder. */
  screenshot(name: string, target?: Locator): Promise<void>;
}

export function makeScreenshot(page: Page, out: string): Journey['screenshot'] {
  return async (name, target) => {
    const file = path.join(out, name);
    await (target ? target.screenshot({ path: file }) : page.screenshot({ path: file }));
  };
}

/** Runs "TopoLens: Train & Analyze" from the palette and picks `preset` (or a study) in its quick pick. */
export async function startTraining(wb: Workbench, preset: string): Promise<void> {
  // The picker opens after the command loads the presets; if focus moves meanwhile (a webview taking it),
  // the quick input closes: open it again.
  for (let attempt = 1; ; attempt++) {
    await wb.runCommand(ui.trainCommand);
    const shown = await wb.quickPickRow(ui.preset).waitFor({ timeout: 20_000 }).then(() => true, () => false);
    if (shown) break;
    if (attempt >= 3) throw new Error(`"${ui.trainCommand}" showed no preset picker (3 tries)`);
    await wb.page.keyboard.press('Escape');
  }
  // The list is virtual (studies sit below the presets): type to filter, as a user would.
  await wb.quickInput().fill(preset);
  const row = wb.quickPickRow(preset);
  await row.waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
    throw new Error(`no preset labelled exactly "${preset}" in the quick pick; it shows: ${JSON.stringify(await wb.quickPickLabels())}`, { cause: e });
  });
  await row.click();
}
