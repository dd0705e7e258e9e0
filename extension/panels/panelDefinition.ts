/**
 * What a panel is to the registry: an id, a title, what it needs from the runs it is opened on, and a lazy
 * loader for its host-side controller (GitLens-style: nothing of a panel is evaluated until it opens).
 * This file does not import `vscode` at run time, so the registry can be checked by a plain unit test.
 *
 * From the id follow, by convention (checked against package.json by test/unit/extension/panelRegistry.test.ts):
 *   view type        topolens.<id>            (WebviewPanelSerializer, activation event onWebviewPanel:topolens.<id>)
 *   open command     topolens.panel.<id>      (palette title "Open <title>", argument: a tree node or a PanelTarget)
 *   webview bundle   dist/webviews/<id>.js    (built from webviews/panels/<id>/main.ts)
 */
import type { PanelController, PanelHost } from './panelHost';

/** What the registry knows of a run when it decides whether a panel applies (cheap: run.json + file list). */
export interface PanelRunInfo {
  runDir: string;
  name: string;
  status?: string;
  checkpoints: number;
  /** Dense layers with kernels (from run.json's shape). */
  denseLayers: number;
  /** Input shape of the model, e.g. [784] or [2]. */
  inputShape?: number[];
  classes?: number;
  probeSize?: number;
  studyId?: string;
  /** Converted by `topolens import`: weights (and maybe predictions and curves), but no training config or data. */
  imported?: boolean;
}

export interface PanelModule {
  /** Called by the VS Code panel manager and by the headless report (analysis/report/), with their own hosts. */
  createController(session: PanelHost): PanelController;
}

export interface PanelDefinition {
  id: string;
  title: string;
  /** One line for the dashboard's analysis buttons and the palette. */
  description: string;
  /** A codicon name for buttons. */
  icon: string;
  /** Why the panel cannot show these runs ("needs several runs"), or undefined when it can. */
  unavailableReason(runs: PanelRunInfo[]): string | undefined;
  load(): Promise<PanelModule>;
}

export function definePanel(definition: PanelDefinition): PanelDefinition {
  return definition;
}

export const panelViewType = (id: string) => `topolens.${id}`;
export const panelCommand = (id: string) => `topolens.panel.${id}`;

/** Common reasons, worded once. */
export const needs = {
  checkpoints: (runs: PanelRunInfo[]) => (runs.some((r) => r.checkpoints === 0) ? 'needs at least one checkpoint' : undefined),
  oneRun: (runs: PanelRunInfo[]) => (runs.length !== 1 ? 'shows one run at a time' : undefined),
  severalRuns: (runs: PanelRunInfo[], min = 2) => (runs.length < min ? `needs ${min} or more runs (a study)` : undefined),
  denseLayers: (runs: PanelRunInfo[]) => (runs.some((r) => r.denseLayers === 0) ? 'needs a model with dense layers' : undefined),
  /** Panels that regenerate the training data from the run's config (imported runs have none). */
  trainingData: (runs: PanelRunInfo[]) => (runs.some((r) => r.imported) ? 'needs runs trained by TopoLens (an imported run records no training data or config)' : undefined),
  probePredictions: (runs: PanelRunInfo[]) => (runs.some((r) => r.imported && r.probeSize === undefined) ? 'needs per-checkpoint probe predictions (import them with --predictions and --labels)' : undefined),
};

/** The first reason that applies, if any. */
export function firstReason(...reasons: (string | undefined)[]): string | undefined {
  return reasons.find((r) => r !== undefined);
}
