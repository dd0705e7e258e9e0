/**
 * What the Weight Barcode webview says it shows: the subtitle ("quick · layer dense_1 · step 120 · ...")
 * names the run and the step, `svg.barcode-chart rect.bar` are the bars, and the layer picker remembers the
 * run folder it was filled for (`data-for="<runDir>|<layers>"`), which tells two runs of the same preset
 * apart where the subtitle cannot.
 */
import { waitUntil, type Workbench } from './workbench';

export interface PanelReading {
  readonly subtitle: string;
  /** The step in the subtitle, or NaN. */
  readonly step: number;
  readonly bars: number;
  /** The run folder the layer picker was filled for, or '' if none yet. */
  readonly runDir: string;
  /** The status line while loading or failing, '' otherwise. */
  readonly status: string;
}

/** Reads the visible Weight Barcode webview now (short timeouts: for polling). */
export async function readPanel(wb: Workbench): Promise<PanelReading> {
  const view = wb.webview();
  const now = { timeout: 1_000 };
  const subtitle = ((await view.locator('.panel-header .subtitle').textContent(now).catch(() => null)) ?? '').trim();
  const statusLine = view.locator('.status').first();
  const statusClass = (await statusLine.getAttribute('class', now).catch(() => null)) ?? '';
  const status = /\b(loading|error)\b/.test(statusClass) ? ((await statusLine.textContent(now).catch(() => null)) ?? '').trim() : '';
  const dataFor = (await view.locator('#layer').getAttribute('data-for', now).catch(() => null)) ?? '';
  const bars = await view.locator('svg.barcode-chart rect.bar').count().catch(() => 0);
  return { subtitle, step: Number(/\bstep (\d+)\b/.exec(subtitle)?.[1]), bars, runDir: dataFor.split('|')[0], status };
}

/**
 * Waits until the panel shows `step` (of `runDir`, if given) with bars drawn; returns what it read.
 * The failure message says what the panel showed instead.
 */
export async function waitForPanel(wb: Workbench, want: { step: number; runDir?: string }, timeoutMs: number, what: string): Promise<PanelReading> {
  let last: PanelReading | undefined;
  return waitUntil(async () => {
    last = await readPanel(wb);
    const ok = last.step === want.step && last.bars > 0 && last.status === '' && (want.runDir === undefined || last.runDir === want.runDir);
    return ok ? last : undefined;
  }, timeoutMs, () => `${what}: the Weight Barcode panel should show step ${want.step}${want.runDir ? ` of ${want.runDir}` : ''} with bars; it shows ${JSON.stringify(last)}`);
}
