/**
 * Runs a plan's panels one after another on report hosts, with a progress task each: what `topolens analyze`
 * (first pictures only, to fill the caches) and `topolens report` (plus precomputed answers) share.
 */
import type { PanelPlan, PlannedPanel } from './panelPlan';
import { capturePanel, type CapturedPanel } from './capturePanel';
import type { ProgressDisplay } from './progressDisplay';

export interface HeadlessPanel { planned: PlannedPanel; captured: CapturedPanel }

export interface HeadlessOptions {
  display: ProgressDisplay;
  /** Bytes of precomputed answers for all panels together (0: first pictures only). */
  budgetBytes: number;
  /** Whether a panel precomputes answers (takes a share of the budget). */
  precomputes(planned: PlannedPanel): boolean;
}

export async function runPanelsHeadless(plan: PanelPlan, options: HeadlessOptions): Promise<HeadlessPanel[]> {
  const out: HeadlessPanel[] = [];
  // Each panel that precomputes gets an equal share of what is left, so what one panel does not need
  // (a small barcode) goes to the panels after it (a decision geometry's maps, about 1 MiB a checkpoint).
  let remaining = options.budgetBytes;
  let sharers = plan.planned.filter((p) => options.precomputes(p)).length;
  for (const planned of plan.planned) {
    const share = options.precomputes(planned) && sharers > 0 ? Math.floor(remaining / sharers--) : 0;
    const task = options.display.task(`${planned.panel.title} · ${planned.label}`);
    const t0 = Date.now();
    let captured: CapturedPanel;
    try {
      captured = await capturePanel(planned.panel, planned.target, {
        budgetBytes: share,
        onProgress: (_analysis, fraction, message) => task.update(fraction, message),
      });
    } catch (e) {
      // A controller that throws (not an analysis that fails: those are in `errors`) fails this panel only.
      const message = e instanceof Error ? e.message : String(e);
      captured = { id: planned.panel.id, title: planned.panel.title, target: planned.target, page: { messages: [] }, requests: [], errors: [message], answered: 0, leftOut: 0, answerBytes: 0 };
    }
    const seconds = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    if (captured.errors.length) task.end('failed', captured.errors[0]);
    else {
      const cached = captured.requests.length > 0 && captured.requests.every((r) => r.cached);
      const extra = captured.answered ? `, ${captured.answered} answers precomputed${captured.leftOut ? `, ${captured.leftOut} left out by the budget` : ''}` : '';
      task.end(cached ? 'cached' : 'done', `${seconds}${extra}`);
    }
    remaining -= captured.answerBytes;
    out.push({ planned, captured });
  }
  return out;
}
