/**
 * `topolens report`: plan the panels the runs have data for, run each panel's controller headless
 * (first picture + precomputed answers within the byte budget), and write one self-contained HTML file.
 * Panels with no data or whose analysis failed are left out with the reason in the report's contents.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../store/atomic';
import { readRun } from '../store/runStore';
import { panelAssets, sharedPanelCss } from './panelAssets';
import { planPanels } from './panelPlan';
import { precomputesAnswers } from './interactions';
import type { ProgressDisplay } from './progressDisplay';
import { reportHtml, type ReportModel, type ReportPanel } from './reportPage';
import { runPanelsHeadless } from './runHeadless';

export const REPORT_VERSION = '0.1.0';
/** Default bytes of precomputed answers for the whole report (checkpoints of scrubbers, nodes, surfaces). */
export const DEFAULT_BUDGET_MB = 16;

export interface ReportOptions {
  out: string;
  /** Total MiB of precomputed answers, shared equally by the panels that precompute any. */
  budgetMb?: number;
  /** Panel ids to include (default: all that apply). */
  panels?: string[];
  title?: string;
  theme?: 'light' | 'dark' | 'auto';
  display: ProgressDisplay;
}

export interface ReportSummary {
  file: string;
  bytes: number;
  panels: { anchor: string; id: string; title: string; answered: number; leftOut: number; answerBytes: number }[];
  notes: { title: string; reason: string }[];
}

export async function buildReport(dirs: string[], options: ReportOptions): Promise<ReportSummary> {
  const out = path.resolve(options.out);
  if (!fs.existsSync(path.dirname(out))) throw new Error(`--out ${options.out}: the folder ${path.dirname(out)} does not exist`);
  const only = options.panels?.length ? new Set(options.panels) : undefined;
  const plan = planPanels(dirs, only);
  if (only) {
    const known = new Set([...plan.planned, ...plan.skipped].map((p) => p.panel.id));
    const unknown = [...only].filter((id) => !known.has(id));
    if (unknown.length) throw new Error(`--panels: unknown panel ${unknown.map((u) => `"${u}"`).join(', ')}`);
  }
  const budget = Math.max(0, (options.budgetMb ?? DEFAULT_BUDGET_MB) * 2 ** 20);
  // Load the bundles first: a missing build fails before minutes of analyses.
  const assets = Object.fromEntries([...new Set(plan.planned.map((p) => p.panel.id))].map((id) => [id, panelAssets(id)]));
  const sharedCss = sharedPanelCss();
  const done = await runPanelsHeadless(plan, { display: options.display, budgetBytes: budget, precomputes: (p) => precomputesAnswers(p.panel.id) });

  const notes = plan.skipped.map((s) => ({ title: `${s.panel.title} · ${s.label}`, reason: s.reason }));
  const panels: ReportPanel[] = [];
  for (const [i, { planned, captured }] of done.entries()) {
    if (captured.errors.length) {
      notes.push({ title: `${planned.panel.title} · ${planned.label}`, reason: `the analysis failed: ${captured.errors[0]}` });
      continue;
    }
    const anchor = `p${String(i + 1).padStart(2, '0')}-${planned.panel.id}`;
    const note = captured.answered || captured.leftOut
      ? `Precomputed for its controls: ${captured.answered} answer${captured.answered === 1 ? '' : 's'}${captured.leftOut ? ` (${captured.leftOut} more left out by the size budget; the nearest precomputed checkpoint is shown instead)` : ''}.`
      : undefined;
    panels.push({ anchor, panel: planned.panel.id, title: captured.title, description: planned.panel.description, runDirs: planned.target.runDirs, page: captured.page, ...(note ? { note } : {}) });
  }
  const runs = plan.runs.map((r) => {
    const entry = readRun(r.runDir);
    return { runDir: r.runDir, id: entry.id, run: entry.run, problem: entry.problem, checkpoints: entry.checkpoints.length };
  });
  const model: ReportModel = {
    title: options.title ?? `TopoLens report — ${plan.studyDir ? `study ${path.basename(plan.studyDir)}` : runs.map((r) => r.run?.name ?? r.id).join(', ')}`,
    generatedAt: new Date(),
    version: REPORT_VERSION,
    runs,
    ...(plan.studyDir ? { studyDir: plan.studyDir } : {}),
    panels,
    notes,
    assets,
    sharedCss,
    theme: options.theme ?? 'auto',
  };
  const html = reportHtml(model);
  writeFileAtomic(out, html);
  return {
    file: out,
    bytes: Buffer.byteLength(html),
    panels: panels.map((p) => {
      const c = done.find((d) => d.captured.page === p.page)?.captured;
      return { anchor: p.anchor, id: p.panel, title: p.title, answered: c?.answered ?? 0, leftOut: c?.leftOut ?? 0, answerBytes: c?.answerBytes ?? 0 };
    }),
    notes,
  };
}
