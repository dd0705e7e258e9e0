/**
 * Weight Barcode panel (webview side): header, controls (layer, checkpoint scrubber, dimensions),
 * the barcode chart with hover tooltips, a summary table and PNG/SVG/CSV export.
 */
/**
 * Weight Barcode panel (webview side): controls (layer, checkpoint scrubber, dimensions, view), the barcode
 * or persistence diagram with hover tooltips, a summary table and the "across training" timeline. The
 * shell (webviews/shared/shell.ts) owns the frame, status and exports.
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import * as d3 from 'd3';
import type { BarcodeSeries, WeightBarcode, WireBar } from '../../../analysis/worker/protocol/weightBarcode';
import type { PanelTarget } from '../../protocol/common';
import type { WeightBarcodeHostMessage, WeightBarcodeState, WeightBarcodeViewMessage } from './protocol';
import { createShell } from '../../shared/shell';
import { barcodeChart, type BarcodeRow } from '../../charts/barcode';
import { persistenceTimeline } from '../../charts/persistenceTimeline';
import { persistenceDiagram } from '../../charts/persistenceDiagram';
import { el, formatNumber } from '../../shared/dom';
import { createTooltip } from '../../shared/tooltip';

let current: WeightBarcode | undefined;
/** What the host was asked to show (step undefined = follow the newest checkpoint): what a reload restores. */
let target: PanelTarget | undefined;
/** Summaries of every checkpoint of the shown run and layer (arrives after the barcode). */
let series: BarcodeSeries | undefined;
/** Which picture of the same bars: the barcode (bars) or the persistence diagram (points). */
type View = 'barcode' | 'diagram';

const svgNode = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
const shell = createShell<WeightBarcodeHostMessage, WeightBarcodeViewMessage, WeightBarcodeState>({
  title: 'Weight Barcode',
  explain: 'Each point is one neuron: its incoming weight vector. H0 bars end when clusters of neurons merge as the distance grows; ' +
    'long H1 bars are loops in how the neurons are arranged. Hover a bar for details; drag the checkpoint slider to scrub through training.',
  exports: {
    name: () => {
      const what = view === 'barcode' ? 'weight-barcode' : 'weight-diagram';
      return current ? `${current.runName}-step${current.step}-${what}` : what;
    },
    svg: () => svgNode,
    csv: () => current && {
      header: ['dim', 'birth', 'death', 'persistence', 'birth_simplex', 'death_simplex'],
      rows: current.bars.map((b) => [b.dim, b.birth, b.death, b.death === null ? null : b.death - b.birth, b.birthSimplex.join(' '), b.deathSimplex.join(' ')]),
    },
  },
  onMessage: receive,
  onThemeChange: () => render(),
});
/** Dimensions the user unticked; restored from the saved view state on the first barcode. */
let hiddenDims = new Set<number>();
let restoredDims = shell.state()?.showDims;
let view: View = shell.state()?.view ?? 'barcode';

const layerSelect = el('vscode-single-select', { id: 'layer', 'aria-label': 'Layer' }) as HTMLElement & { value: string };
const scrub = el('input', { id: 'step', type: 'range', min: '0', max: '0', step: '1', 'aria-label': 'Checkpoint' }) as HTMLInputElement;
const stepLabel = el('span', { class: 'step-label' });
const dimBoxes = el('span', { class: 'dims' });
const viewGroup = el('vscode-radio-group', { id: 'view', 'aria-label': 'View' },
  el('vscode-radio', { name: 'view', value: 'barcode', label: 'Barcode', ...(view === 'barcode' ? { checked: '' } : {}) }),
  el('vscode-radio', { name: 'view', value: 'diagram', label: 'Diagram', ...(view === 'diagram' ? { checked: '' } : {}) }));
shell.addControl('Layer', layerSelect);
shell.addControl('Checkpoint', el('span', { class: 'scrubber' }, scrub, stepLabel));
shell.addControl('Show', dimBoxes);
shell.addControl('View', viewGroup);

const chartBox = el('div', { class: 'chart' });
svgNode.classList.add('barcode-chart');
chartBox.append(svgNode);
const summary = el('table', { class: 'summary' });
const timelineBox = el('section', { class: 'timeline' });
const timelineTitle = el('h2', {}, 'Across training');
const timelineNote = el('p', { class: 'explain' }, 'Total finite persistence per checkpoint (solid) and the longest bar (dashed), per dimension. Click to jump to a checkpoint.');
const timelineSvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
timelineSvg.classList.add('timeline-chart');
timelineBox.append(timelineTitle, timelineSvg, timelineNote);
timelineBox.hidden = true;
shell.content.append(chartBox, summary, timelineBox);
const tooltip = createTooltip(document.body);

function superscript(n: number): string {
  return String(n).replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]);
}

function receive(message: WeightBarcodeHostMessage): void {
  switch (message.type) {
    case 'series':
      series = message.series;
      renderTimeline();
      break;
    case 'barcode':
      current = message.barcode;
      target = message.target;
      if (restoredDims) {
        const shown = new Set(restoredDims);
        hiddenDims = new Set(d3.range(current.maxDim + 1).filter((d) => !shown.has(d)));
        restoredDims = undefined;
      }
      shell.status.clear();
      persist();
      render();
      break;
  }
}

/** Saves the view state for hide/show and reloads: the target asked for, the layer, view and ticked dimensions. */
function persist(): void {
  if (!target) return;
  shell.saveState({ target, layer: current?.layer, view, showDims: current ? visibleDims(current) : shell.state()?.showDims });
}

function visibleDims(b: WeightBarcode): number[] {
  return d3.range(b.maxDim + 1).filter((d) => !hiddenDims.has(d));
}

function render(): void {
  const b = current;
  if (!b) return;
  shell.subtitle.textContent = `${b.runName} · layer ${b.layer} · step ${b.step} · ${b.nPoints} neurons in ℝ${superscript(b.pointDim)} · ${formatNumber(b.computeMs)} ms`;
  renderControls(b);
  const bars = b.bars.filter((x) => !hiddenDims.has(x.dim));
  const width = Math.max(360, chartBox.clientWidth || 640);
  svgNode.classList.toggle('barcode-chart', view === 'barcode');
  svgNode.classList.toggle('diagram-chart', view === 'diagram');
  if (view === 'barcode') {
    const rowHeight = Math.max(3, Math.min(12, 420 / Math.max(1, bars.length)));
    barcodeChart().width(width).rowHeight(rowHeight).onHover(showTooltip)(d3.select(svgNode), bars);
  } else {
    persistenceDiagram().width(width).onHover(showTooltip)(d3.select(svgNode), bars);
  }
  renderSummary(b);
  renderTimeline();
}

function renderTimeline(): void {
  const b = current;
  if (!b || !series || series.runDir !== b.runDir || series.layer !== b.layer || series.points.length < 2) {
    timelineBox.hidden = true;
    return;
  }
  timelineBox.hidden = false;
  const width = Math.max(360, chartBox.clientWidth || 640);
  persistenceTimeline().width(width).onPick((step) => {
    if (step !== current?.step) post({ type: 'select', step, layer: current?.layer });
  })(d3.select(timelineSvg), series, b.step);
}

function renderControls(b: WeightBarcode): void {
  if (layerSelect.dataset.for !== `${b.runDir}|${b.layers.map((l) => l.name).join(',')}`) {
    layerSelect.replaceChildren(...b.layers.map((l) => el('vscode-option', { value: l.name, description: `${l.neurons} neurons, fan-in ${l.fanIn}` }, `${l.name} (${l.neurons})`)));
    layerSelect.dataset.for = `${b.runDir}|${b.layers.map((l) => l.name).join(',')}`;
  }
  layerSelect.value = b.layer;
  scrub.max = String(Math.max(0, b.steps.length - 1));
  scrub.value = String(Math.max(0, b.steps.indexOf(b.step)));
  stepLabel.textContent = `step ${b.step} (${b.steps.indexOf(b.step) + 1}/${b.steps.length})`;
  dimBoxes.replaceChildren(...d3.range(b.maxDim + 1).map((dim) => {
    const box = el('vscode-checkbox', { 'data-dim': String(dim), label: `H${dim}` }) as HTMLElement & { checked: boolean };
    box.checked = !hiddenDims.has(dim);
    box.addEventListener('change', () => {
      if (box.checked) hiddenDims.delete(dim); else hiddenDims.add(dim);
      persist();
      render();
    });
    return box;
  }));
}

function renderSummary(b: WeightBarcode): void {
  const rows = d3.range(b.maxDim + 1).map((dim) => {
    const bars = b.bars.filter((x) => x.dim === dim);
    const lengths = bars.filter((x) => x.death !== null).map((x) => (x.death as number) - x.birth);
    return [`H${dim}`, String(bars.length), String(bars.length - lengths.length), formatNumber(d3.max(lengths) ?? 0), formatNumber(d3.sum(lengths))];
  });
  summary.replaceChildren(
    el('thead', {}, el('tr', {}, ...['dimension', 'bars', 'essential', 'longest finite', 'total persistence'].map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
  );
}

function showTooltip(row: BarcodeRow | undefined, event: MouseEvent): void {
  if (!row) return tooltip.hide();
  const bar: WireBar = row.bar;
  const death = bar.death === null ? '∞' : formatNumber(bar.death);
  const persistence = bar.death === null ? '∞ (essential)' : formatNumber(bar.death - bar.birth);
  const born = bar.birthSimplex.length ? `born with ${simplexName(bar.birthSimplex)}` : '';
  const killed = bar.deathSimplex.length ? `killed by ${simplexName(bar.deathSimplex)}` : 'never dies';
  tooltip.show(event, [
    `H${bar.dim} bar`,
    `birth ${formatNumber(bar.birth)} · death ${death}`,
    `persistence ${persistence}`,
    [born, killed].filter(Boolean).join('; '),
  ]);
}

function simplexName(vertices: number[]): string {
  const kind = ['neuron', 'edge', 'triangle', 'tetrahedron'][vertices.length - 1] ?? 'simplex';
  return `${kind} ${vertices.map((v) => `#${v}`).join('–')}`;
}

viewGroup.addEventListener('change', (event) => {
  const value = (event.target as HTMLElement & { value?: string }).value;
  if (value !== 'barcode' && value !== 'diagram') return;
  view = value;
  persist();
  render();
});

layerSelect.addEventListener('change', () => {
  if (!current || layerSelect.value === current.layer) return;
  post({ type: 'select', step: current.step, layer: layerSelect.value });
});
let scrubTimer: number | undefined;
scrub.addEventListener('input', () => {
  if (!current) return;
  const step = current.steps[Number(scrub.value)];
  stepLabel.textContent = `step ${step} (${Number(scrub.value) + 1}/${current.steps.length})`;
  window.clearTimeout(scrubTimer);
  scrubTimer = window.setTimeout(() => post({ type: 'select', step, layer: current?.layer }), 120);
});

function post(message: WeightBarcodeViewMessage): void {
  if (message.type === 'select' && target) {
    target = { ...target, step: message.step };
    persist();
  }
  shell.post(message);
}

new ResizeObserver(() => render()).observe(chartBox);
