/**
 * Which panels a set of runs gets, headless: the panel registry's own rules (extension/panels/registry.ts
 * `unavailableReason`, the same reasons the dashboard's buttons show) decide; a panel about one run gets one
 * entry per run, a panel about several runs one entry for them all (a study's members, with the study folder
 * so its caches are the study's, as in VS Code). Shared by `topolens analyze` and `topolens report`.
 */
import path from 'node:path';
import { PANELS } from '../../extension/panels/registry';
import { panelRunInfo } from '../../extension/panels/runInfo';
import type { PanelDefinition, PanelRunInfo } from '../../extension/panels/panelDefinition';
import type { PanelTarget } from '../../webviews/protocol/common';
import { resolveRunDirs } from '../cli/commands/manifold';

/** Whether a panel shows one run (one entry per run) or the whole set (one entry). */
const SCOPE: Record<string, 'run' | 'set'> = {
  runDashboard: 'run',
  weightBarcode: 'run',
  weightTrees: 'run',
  // The maps are one run's; the panel's second run only feeds a chart, so each run gets its own.
  decisionGeometry: 'run',
  predictionManifold: 'set',
  lossBarcode: 'set',
  toScoreTable: 'set',
};

export interface PlannedPanel {
  panel: PanelDefinition;
  target: PanelTarget;
  /** Run names the entry is about (for headings and progress lines). */
  label: string;
}

export interface SkippedPanel { panel: PanelDefinition; label: string; reason: string }

export interface PanelPlan {
  runs: PanelRunInfo[];
  studyDir?: string;
  planned: PlannedPanel[];
  skipped: SkippedPanel[];
}

/** Resolves run and study folders (a study as its member runs) and plans the panels `only` names (all when absent). */
export function planPanels(dirs: string[], only?: ReadonlySet<string>): PanelPlan {
  const { runDirs, studyDir } = resolveRunDirs(dirs);
  const runs = runDirs.map((d) => panelRunInfo(d));
  const planned: PlannedPanel[] = [];
  const skipped: SkippedPanel[] = [];
  const setLabel = studyDir ? `study ${path.basename(studyDir)}` : runs.length === 1 ? runs[0].name : `${runs.length} runs`;
  for (const panel of PANELS) {
    if (only && !only.has(panel.id)) continue;
    const scope = SCOPE[panel.id] ?? (runs.length > 1 && panel.unavailableReason(runs) === undefined ? 'set' : 'run');
    if (scope === 'set' || runs.length === 1) {
      const reason = panel.unavailableReason(runs);
      const target: PanelTarget = { runDirs, ...(studyDir ? { studyDir } : {}) };
      if (reason) skipped.push({ panel, label: setLabel, reason });
      else planned.push({ panel, target, label: setLabel });
      continue;
    }
    for (const run of runs) {
      const reason = panel.unavailableReason([run]);
      if (reason) skipped.push({ panel, label: run.name, reason });
      else planned.push({ panel, target: { runDirs: [run.runDir] }, label: run.name });
    }
  }
  return { runs, ...(studyDir ? { studyDir } : {}), planned, skipped };
}
