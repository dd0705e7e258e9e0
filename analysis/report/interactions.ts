/**
 * What a static report precomputes for each panel's controls, and what it switches off. The report asks
 * the panel's own controller the questions its webview would ask (the view messages of
 * webviews/panels/<id>/protocol.ts, shaped exactly as main.ts posts them) and inlines the answers;
 * the rest of the controls that need a live host are disabled with the reason as tooltip.
 *
 * Precomputed, most useful first (a size budget may cut the list; see capturePanel.ts):
 * - Weight Barcode: every checkpoint of the shown layer (scrubber, timeline clicks), then the other layers.
 * - Decision Geometry: every checkpoint with the view shown (scrubber, play, chart clicks).
 * - Weight Trees: each layer's KeplerMapper JSON (Export graph JSON), each layer's learning surface at the
 *   last checkpoint, then each node's weight images (click a node).
 */
import type { StaticResponse, DisabledControl } from '../../webviews/protocol/staticPage';
import type { WeightBarcodeHostMessage, WeightBarcodeViewMessage } from '../../webviews/panels/weightBarcode/protocol';
import type { DecisionGeometryHostMessage, DecisionGeometryViewMessage } from '../../webviews/panels/decisionGeometry/protocol';
import type { WeightTreesHostMessage, WeightTreesViewMessage } from '../../webviews/panels/weightTrees/protocol';

/** One question to put to the controller: the view message, and how the page recognises it. */
export interface Ask { message: { type: string }; when: StaticResponse['when']; nearest?: string }

export interface PanelInteractions {
  asks: Ask[];
  disabled: DisabledControl[];
  /** View messages that need no answer in a report. */
  ignore: string[];
  missing?: string;
}

/**
 * Indices 0..n-1 in the order that spreads them best whatever prefix is kept: the last (what the panel
 * opens on), the first, then halves, quarters, ... (a budget cut keeps evenly spaced checkpoints).
 */
export function spreadOrder(n: number): number[] {
  if (n <= 0) return [];
  const order = [n - 1];
  if (n > 1) order.push(0);
  const seen = new Set(order);
  for (let parts = 2; seen.size < n; parts *= 2) {
    for (let k = 1; k < parts; k += 2) {
      const i = Math.round((k * (n - 1)) / parts);
      if (!seen.has(i)) { seen.add(i); order.push(i); }
    }
  }
  return order;
}

const NEEDS_HOST = 'Not in this static report: this needs the run itself. Open it in VS Code (TopoLens) to change it.';

type Initial = { type: string }[];

function weightBarcode(initial: Initial): PanelInteractions {
  const first = (initial as WeightBarcodeHostMessage[]).find((m) => m.type === 'barcode');
  const asks: Ask[] = [];
  if (first?.type === 'barcode') {
    const b = first.barcode;
    const layers = [b.layer, ...b.layers.map((l) => l.name).filter((n) => n !== b.layer)];
    for (const layer of layers) {
      for (const i of spreadOrder(b.steps.length)) {
        const message: WeightBarcodeViewMessage = { type: 'select', step: b.steps[i], layer };
        asks.push({ message, when: { ...message }, nearest: 'step' });
      }
    }
  }
  return { asks, disabled: [], ignore: [], missing: 'This checkpoint or layer is not in the report (its size budget): make it with a larger --budget, or open the run in VS Code.' };
}

function decisionGeometry(initial: Initial): PanelInteractions {
  const first = (initial as DecisionGeometryHostMessage[]).find((m) => m.type === 'geometry');
  const asks: Ask[] = [];
  if (first?.type === 'geometry') {
    const steps = first.result.steps;
    for (const i of spreadOrder(steps.length)) {
      const message: DecisionGeometryViewMessage = { type: 'select', step: steps[i], view: first.view };
      asks.push({ message, when: { ...message }, nearest: 'step' });
    }
  }
  const reason = `${NEEDS_HOST} (The report holds the maps at alpha ${first?.type === 'geometry' ? first.view.alpha : 1} with the default plane and depth.)`;
  return {
    asks,
    disabled: ['#alpha', '#region-layer', '#plane', '#subsample'].map((selector) => ({ selector, reason })),
    ignore: [],
    missing: 'This view is not in the report: open the run in VS Code to compute it.',
  };
}

function weightTrees(initial: Initial): PanelInteractions {
  const first = (initial as WeightTreesHostMessage[]).find((m) => m.type === 'trees');
  const asks: Ask[] = [];
  if (first?.type === 'trees') {
    const t = first.trees;
    const last = t.steps[t.steps.length - 1];
    const put = (message: WeightTreesViewMessage, when: Ask['when'], nearest?: string) => asks.push({ message, when, ...(nearest ? { nearest } : {}) });
    for (const l of t.layers) put({ type: 'saveGraph', layer: l.layer }, { type: 'saveGraph', layer: l.layer });
    for (const l of t.layers) put({ type: 'surface', layer: l.layer, step: last }, { type: 'surface', layer: l.layer, step: last }, 'step');
    for (const l of t.layers) {
      for (const n of l.nodes) put({ type: 'node', layer: l.layer, nodeId: n.id, points: n.members }, { type: 'node', layer: l.layer, nodeId: n.id });
    }
  }
  const reason = `${NEEDS_HOST} (topolens trees RUN --eps ... computes other Mapper settings from the shell.)`;
  return {
    asks,
    disabled: ['#recompute', '#fit-eps', '#pca', '#cover', '#intervals', '#overlap', '#eps', '#min-samples'].map((selector) => ({ selector, reason })),
    ignore: [],
    missing: 'Not in this report (its size budget): open the run in VS Code for this node or surface.',
  };
}

function predictionManifold(): PanelInteractions {
  const reason = `${NEEDS_HOST} (The report embeds exactly its own runs.)`;
  return {
    asks: [],
    disabled: ['.pickable vscode-checkbox', 'aside.legend > vscode-button', '.stale vscode-button'].map((selector) => ({ selector, reason })),
    // A pick only links other views; "live" follows training, which a report does not.
    ignore: ['pick', 'live'],
  };
}

const BY_PANEL: Record<string, (initial: Initial) => PanelInteractions> = {
  weightBarcode,
  decisionGeometry,
  weightTrees,
  predictionManifold,
  // The dashboard asks for finer curves on wide screens; the report's 1,000 points per curve stay.
  runDashboard: () => ({ asks: [], disabled: [], ignore: ['refresh'] }),
};

/** Whether a panel has questions to precompute (and so takes a share of the report's byte budget). */
export function precomputesAnswers(panel: string): boolean {
  return ['weightBarcode', 'decisionGeometry', 'weightTrees'].includes(panel);
}

export function panelInteractions(panel: string, initial: Initial): PanelInteractions {
  return BY_PANEL[panel]?.(initial) ?? { asks: [], disabled: [], ignore: [] };
}
