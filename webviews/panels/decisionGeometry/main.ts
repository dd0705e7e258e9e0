/**
 * Decision Geometry panel (webview side, SPEC D): the network over a plane as a region map (class or
 * confidence or gradient overlay, activation-region outlines, first-layer lines, the confidence contour,
 * training points, the segment with its exact breakpoints), hover read-outs computed from the plane-restricted
 * net, counts beside Zaslavsky's bound, the band table, charts across training and the subsampling study.
 * The shell (webviews/shared/shell.ts) owns the frame, status and exports.
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import * as d3 from 'd3';
import type { DecisionGeometryResult, DecisionSeriesResult, SubsamplingResult, WireDenseLayer } from '../../../analysis/worker/protocol/decisionGeometry';
import type { PanelTarget } from '../../protocol/common';
import type { DecisionGeometryHostMessage, DecisionGeometryState, DecisionGeometryViewMessage, GeometryView } from './protocol';
import { createShell } from '../../shared/shell';
import { regionMap, type MapHover, type Overlay, type RegionMapData } from '../../charts/regionMap';
import { lineChart, type LineSeries } from '../../charts/lineChart';
import { unitHeatmap } from '../../charts/unitHeatmap';
import { el, formatNumber } from '../../shared/dom';
import { createTooltip } from '../../shared/tooltip';
import './style.css';

const ALPHAS = [0.25, 0.5, 1, 2, 4, 8];
const PLAY_INTERVAL_MS = 300;

let current: DecisionGeometryResult | undefined;
let maps: RegionMapData | undefined;
let target: PanelTarget | undefined;
let series: DecisionSeriesResult | undefined;
let subsampling: SubsamplingResult | undefined;
let playing = false;

const mapSvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
const shell = createShell<DecisionGeometryHostMessage, DecisionGeometryViewMessage, DecisionGeometryState>({
  title: 'Decision Geometry',
  explain: 'Colours are the predicted class, paler where the network is unsure; thin outlines are linear regions (distinct ReLU activation patterns), ' +
    'dashed lines the first layer\'s hyperplanes, the solid contour the edge of the band max p < 0.95. Raising alpha scales the output layer: ' +
    'the boundary stays, the band narrows as 2·logit(1−c)/(alpha·‖w‖). Hover for class probabilities and the region; play to watch training.',
  exports: {
    name: () => (current ? `${current.runName}-step${current.step}-decision-regions` : 'decision-regions'),
    svg: () => mapSvg,
    csv: () => series && series.runs[0] && {
      header: ['step', ...series.runs[0].layers.map((l) => `norm_${l}`), 'grid_regions', 'first_layer_regions', 'zaslavsky_bound', 'train_accuracy', 'mean_gradient_norm', 'band_sample_share', 'band_gradient_share'],
      rows: series.runs[0].points.map((p) => [p.step, ...p.weightNorms, p.regionsByLayer.at(-1) ?? 1, p.firstLayerRegions, p.zaslavskyBound, p.trainAccuracy, p.meanGradientNorm, p.bandSampleShare, p.bandGradientShare]),
    },
  },
  onMessage: receive,
  onThemeChange: () => render(),
});

const saved = shell.state();
let view: GeometryView = saved?.view ?? { alpha: 1 };
let overlay: Overlay = saved?.overlay ?? 'class';
const show = saved?.show ?? { regions: true, lines: true, points: true, contour: true };

// ---- controls ---------------------------------------------------------------------------------------
const scrub = el('input', { id: 'step', type: 'range', min: '0', max: '0', step: '1', 'aria-label': 'Checkpoint' }) as HTMLInputElement;
const stepLabel = el('span', { class: 'step-label' });
const playButton = el('vscode-button', { id: 'play', secondary: '', title: 'Play through training' }, 'Play');
const layerSelect = el('vscode-single-select', { id: 'region-layer', 'aria-label': 'Region depth' }) as HTMLElement & { value: string };
const alphaSelect = el('vscode-single-select', { id: 'alpha', 'aria-label': 'Weight scale alpha' },
  ...ALPHAS.map((a) => el('vscode-option', { value: String(a) }, `α = ${a}`))) as HTMLElement & { value: string };
const overlayGroup = el('vscode-radio-group', { id: 'overlay', 'aria-label': 'Overlay' },
  ...(['class', 'confidence', 'gradient'] as const).map((o) => el('vscode-radio', { name: 'overlay', value: o, label: o, ...(overlay === o ? { checked: '' } : {}) })));
const showBoxes = el('span', { class: 'show' }, ...(Object.keys(show) as (keyof typeof show)[]).map((k) => {
  const box = el('vscode-checkbox', { 'data-show': k, label: k }) as HTMLElement & { checked: boolean };
  box.checked = show[k];
  box.addEventListener('change', () => { show[k] = box.checked; persist(); render(); });
  return box;
}));
const planeField = el('vscode-textfield', { id: 'plane', placeholder: 'default', size: '9', title: 'Three probe indices spanning the plane, e.g. 0,5,9 (Enter to apply; empty: default)' }) as HTMLElement & { value: string };
shell.addControl('Checkpoint', el('span', { class: 'scrubber' }, scrub, stepLabel, playButton));
shell.addControl('Regions of layers 1..', layerSelect);
shell.addControl('Scale', alphaSelect);
shell.addControl('Overlay', overlayGroup);
shell.addControl('Show', showBoxes);
shell.addControl('Plane (probes)', planeField);

// ---- content ----------------------------------------------------------------------------------------
const mapBox = el('div', { class: 'map' });
mapBox.append(mapSvg);
const facts = el('table', { class: 'summary facts' });
const bandsTable = el('table', { class: 'summary bands' });
const readout = el('div', { class: 'readout', 'aria-live': 'polite' });
const side = el('div', { class: 'side' }, facts, el('h2', {}, 'Bands for several α'), bandsTable, readout);
const top = el('div', { class: 'geometry-top' }, mapBox, side);
const chartsBox = el('section', { class: 'timeline' });
const regionSvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
const normSvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
const gradSvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
const unitSvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
unitSvg.id = 'units-over-training';
regionSvg.id = 'regions-over-training';
normSvg.id = 'norms-over-training';
gradSvg.id = 'gradient-over-training';
chartsBox.append(el('h2', {}, 'Across training'), regionSvg, normSvg, gradSvg, unitSvg,
  el('p', { class: 'explain' }, 'Click a chart to jump to a checkpoint. Gradient concentration: the share of samples in the band and the share of the summed per-sample gradient norm they carry. ' +
    'Units: per hidden unit, the share of training samples on which σ\'(z) exceeds 0.1 of its maximum (for ReLU: the unit is active).'));
chartsBox.hidden = true;
const subsampleButton = el('vscode-button', { id: 'subsample', secondary: '' }, 'Run subsampling study');
const subsampleTable = el('table', { class: 'summary subsampling' });
const subsampleBox = el('section', { class: 'subsampling-box' }, el('h2', {}, 'Subsampling: band vs uniform'),
  el('p', { class: 'explain' }, 'Fresh networks of this architecture trained on m samples: the least confident under this run\'s final model (plus 20 % random) or m uniform samples; test accuracy over 5 seeds.'),
  subsampleButton, subsampleTable);
shell.content.append(top, chartsBox, subsampleBox);
const tooltip = createTooltip(document.body);

// ---- messages ---------------------------------------------------------------------------------------
function decode<T extends Uint8Array | Int32Array | Float32Array>(b64: string, kind: new (b: ArrayBuffer) => T): T {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new kind(bytes.buffer);
}

function receive(message: DecisionGeometryHostMessage): void {
  switch (message.type) {
    case 'geometry': {
      const r = message.result;
      current = r;
      target = message.target;
      view = message.view;
      maps = {
        grid: r.grid, domain: r.domain, classes: r.classes,
        classMap: decode(r.maps.classMap, Uint8Array), confidence: decode(r.maps.confidence, Float32Array), regionMap: decode(r.maps.regionMap, Int32Array),
        gradientNorm: r.maps.gradientNorm ? decode(r.maps.gradientNorm, Float32Array) : undefined,
        lines: r.firstLayer.lines, points: r.points, anchors: r.plane.anchors, segment: r.segment ?? undefined,
      };
      shell.status.clear();
      persist();
      render();
      if (playing) window.setTimeout(playNext, PLAY_INTERVAL_MS);
      break;
    }
    case 'series':
      series = message.series;
      renderCharts();
      break;
    case 'subsampling':
      subsampling = message.result;
      shell.status.clear();
      renderSubsampling();
      break;
  }
}

function persist(): void {
  if (!target) return;
  shell.saveState({ target, view, overlay, show });
}

function post(message: DecisionGeometryViewMessage): void {
  if (message.type === 'select' && target) {
    target = { ...target, step: message.step };
    view = message.view;
    persist();
  }
  shell.post(message);
}

// ---- drawing ----------------------------------------------------------------------------------------
function render(): void {
  const r = current;
  if (!r || !maps) return;
  const t0 = performance.now();
  renderControls(r);
  const width = Math.max(260, Math.min(560, (mapBox.clientWidth || 480)));
  regionMap().width(width).overlay(overlay).showRegions(show.regions).showLines(show.lines).showPoints(show.points).showContour(show.contour)
    .onHover(showHover)(d3.select(mapSvg), maps);
  const drawMs = performance.now() - t0;
  shell.subtitle.textContent = `${r.runName} · step ${r.step} · ${r.plane.kind === 'data' ? 'data plane' : `plane through probes ${r.plane.probes?.join(', ')}`} · ` +
    `${r.grid}×${r.grid} grid · computed in ${formatNumber(r.computeMs)} ms, drawn in ${formatNumber(drawMs)} ms`;
  mapSvg.dataset.drawMs = String(drawMs);
  renderFacts(r);
  renderCharts();
  renderSubsampling();
}

function renderControls(r: DecisionGeometryResult): void {
  const depths = r.regionsByLayer.length;
  const forKey = `${r.runDir}|${depths}`;
  if (layerSelect.dataset.for !== forKey) {
    layerSelect.replaceChildren(...d3.range(depths).map((k) => el('vscode-option', { value: String(k) }, `1..${k + 1}`)));
    layerSelect.dataset.for = forKey;
  }
  layerSelect.value = String(r.regionLayer);
  alphaSelect.value = String(r.alpha);
  planeField.value = view.plane ? view.plane.join(',') : '';
  scrub.max = String(Math.max(0, r.steps.length - 1));
  scrub.value = String(Math.max(0, r.steps.indexOf(r.step)));
  stepLabel.textContent = `step ${r.step} (${r.steps.indexOf(r.step) + 1}/${r.steps.length})`;
  playButton.textContent = playing ? 'Pause' : 'Play';
}

function row(cells: (string | number)[], head = false): HTMLElement {
  return el('tr', {}, ...cells.map((c) => el(head ? 'th' : 'td', {}, typeof c === 'number' ? formatNumber(c) : c)));
}

function renderFacts(r: DecisionGeometryResult): void {
  const f = r.firstLayer;
  const rows: (string | number)[][] = [
    ['regions over the grid', `${r.gridRegions}${r.piecewiseLinear ? '' : ' (sign patterns)'}`],
    ['regions by depth', r.regionsByLayer.join(' · ')],
    ['first layer: lines in the plane', `${f.lines.length} of ${f.units} units`],
    ['first layer: regions (exact)', `${f.regionsInPlane} in the plane · ${f.regionsInView} in view`],
    ['Zaslavsky bound Σ C(n, i), i ≤ 2', f.zaslavskyBound],
  ];
  if (r.segment) {
    const s = r.segment;
    rows.push([`segment probe ${s.from} → ${s.to}`, `${s.breakpoints.length} exact breakpoints, ${s.pieces} pieces (per layer ${s.perLayer.join(' · ')})`]);
  }
  rows.push(['‖W‖ per layer', r.weightNorms.map((w) => `${w.layer} ${formatNumber(w.norm)}`).join(' · ')]);
  facts.replaceChildren(el('tbody', {}, ...rows.map((x) => row(x))));
  bandsTable.replaceChildren(
    el('thead', {}, row(['α', 'measured width', 'predicted 2·logit(1−c)/(α‖g‖)', 'share of view'], true)),
    el('tbody', {}, ...r.bands.map((b) => row([b.alpha, b.measuredWidth ?? 'n/a', b.predictedWidth ?? 'n/a', `${(100 * b.bandFraction).toFixed(1)} %`]))),
  );
}

/** Class probabilities at (u, v) from the plane-restricted net, output scaled by alpha. */
function probabilities(layers: WireDenseLayer[], u: number, v: number, alpha: number): number[] {
  let h = [u, v];
  layers.forEach((l, k) => {
    const z = l.b.slice();
    for (let i = 0; i < l.inDim; i++) for (let j = 0; j < l.outDim; j++) z[j] += h[i] * l.w[i * l.outDim + j];
    if (k < layers.length - 1) {
      h = z.map((x) => (l.activation === 'relu' ? Math.max(0, x) : l.activation === 'sigmoid' ? 1 / (1 + Math.exp(-x)) : l.activation === 'tanh' ? Math.tanh(x) : x));
    } else {
      const s = z.map((x) => alpha * x);
      const m = Math.max(...s);
      const e = s.map((x) => Math.exp(x - m));
      const sum = d3.sum(e);
      h = e.map((x) => x / sum);
    }
  });
  return h;
}

function showHover(hover: MapHover | undefined, event: MouseEvent): void {
  const r = current;
  if (!hover || !r || !maps) { tooltip.hide(); return; }
  const p = probabilities(r.planeNet, hover.u, hover.v, r.scaleMode === 'output' ? r.alpha : 1);
  const lines = [
    `(${formatNumber(hover.u)}, ${formatNumber(hover.v)})`,
    ...p.map((x, k) => `${r.classNames[k] ?? `class ${k}`}: ${(100 * x).toFixed(1)} %`),
    `region #${maps.regionMap[hover.cell]} of ${r.regionsByLayer[r.regionLayer] ?? 1} (layers 1..${r.regionLayer + 1})`,
  ];
  if (maps.gradientNorm) lines.push(`gradient norm ${formatNumber(maps.gradientNorm[hover.cell])}`);
  tooltip.show(event, lines);
  readout.textContent = lines.join(' · ');
}

function renderCharts(): void {
  const r = current;
  const run = series?.runs.find((x) => x.runDir === r?.runDir);
  if (!r || !run || run.points.length < 2) { chartsBox.hidden = true; return; }
  chartsBox.hidden = false;
  const steps = run.points.map((p) => p.step);
  const width = Math.max(360, chartsBox.clientWidth || 640);
  const pick = (step: number) => { if (step !== current?.step) post({ type: 'select', step, view }); };
  const line = (key: string, label: string, values: number[]): LineSeries => ({ key, label, steps, values });
  lineChart().title('Regions').width(width).height(180).checkpoints(steps).selectedStep(r.step).tooltip(tooltip).onStep(pick)(d3.select(regionSvg), [
    line('grid', 'regions over the grid', run.points.map((p) => p.regionsByLayer.at(-1) ?? 1)),
    line('first', 'first layer (exact, in view)', run.points.map((p) => p.firstLayerRegionsInView)),
    line('bound', 'Zaslavsky bound', run.points.map((p) => p.zaslavskyBound)),
  ]);
  // Every target run's norms (a second run is the same preset with or without L2, side by side).
  const all = series?.runs ?? [run];
  lineChart().title(all.length > 1 ? '‖W‖ per layer, both runs' : '‖W‖ per layer').width(width).height(180).checkpoints(steps).selectedStep(r.step).tooltip(tooltip).onStep(pick)(d3.select(normSvg),
    all.flatMap((x, i) => x.layers.map((layer, k): LineSeries => ({
      key: `${i}:${layer}`, label: all.length > 1 ? `${x.runName} (wd ${x.weightDecay}) ${layer}` : layer, steps: x.points.map((p) => p.step), values: x.points.map((p) => p.weightNorms[k]),
    }))));
  lineChart().title('Where the error backpropagates').width(width).height(180).checkpoints(steps).selectedStep(r.step).tooltip(tooltip).onStep(pick)(d3.select(gradSvg), [
    line('bandSamples', 'samples in the band', run.points.map((p) => p.bandSampleShare)),
    line('bandGradient', 'gradient norm they carry', run.points.map((p) => p.bandGradientShare)),
    line('top10', 'gradient norm of the top 10 %', run.points.map((p) => p.top10Share)),
  ]);
  const unitRows = run.layers.slice(0, -1).flatMap((layer, k) => (run.points[0]?.unitSlopeFractions[k] ?? []).map((_, j) => ({
    group: layer, label: `unit ${j}`, values: run.points.map((p) => p.unitSlopeFractions[k][j]),
  })));
  unitHeatmap().title('Units with σ\'(z) above threshold (share of training samples)').width(width).rowHeight(unitRows.length > 48 ? 3 : 5)
    .tooltip(tooltip).selectedStep(r.step).onPick(pick)(d3.select(unitSvg), unitRows, steps);
}

function renderSubsampling(): void {
  const s = subsampling;
  if (!s || s.runDir !== current?.runDir) { subsampleTable.replaceChildren(); return; }
  const budgets = [...new Set(s.rows.map((x) => x.budget))];
  const methods = [...new Set(s.rows.map((x) => x.method))];
  const cell = (b: number, m: string) => { const x = s.rows.find((y) => y.budget === b && y.method === m); return x ? `${(100 * x.mean).toFixed(1)} % ± ${(100 * x.std).toFixed(1)}` : ''; };
  subsampleTable.replaceChildren(
    el('thead', {}, row(['samples', ...methods], true)),
    el('tbody', {}, ...budgets.map((b) => row([String(b), ...methods.map((m) => cell(b, m))]))),
  );
}

// ---- interaction ------------------------------------------------------------------------------------
function select(step: number | undefined, next: Partial<GeometryView> = {}): void {
  post({ type: 'select', step, view: { ...view, ...next } });
}

function playNext(): void {
  if (!playing || !current) return;
  const i = current.steps.indexOf(current.step);
  if (i < 0 || i + 1 >= current.steps.length) { playing = false; renderControls(current); return; }
  select(current.steps[i + 1]);
}

playButton.addEventListener('click', () => {
  if (!current) return;
  playing = !playing;
  if (playing && current.steps.indexOf(current.step) === current.steps.length - 1) select(current.steps[0]);
  else if (playing) playNext();
  renderControls(current);
});
let scrubTimer: number | undefined;
scrub.addEventListener('input', () => {
  if (!current) return;
  const step = current.steps[Number(scrub.value)];
  stepLabel.textContent = `step ${step} (${Number(scrub.value) + 1}/${current.steps.length})`;
  window.clearTimeout(scrubTimer);
  scrubTimer = window.setTimeout(() => select(step), 120);
});
layerSelect.addEventListener('change', () => { if (current) select(current.step, { regionLayer: Number(layerSelect.value) }); });
alphaSelect.addEventListener('change', () => { if (current) select(current.step, { alpha: Number(alphaSelect.value) }); });
overlayGroup.addEventListener('change', (event) => {
  const value = (event.target as HTMLElement & { value?: string }).value;
  if (value !== 'class' && value !== 'confidence' && value !== 'gradient') return;
  overlay = value;
  persist();
  render();
});
planeField.addEventListener('keydown', (event) => {
  if ((event as KeyboardEvent).key !== 'Enter' || !current) return;
  const text = planeField.value.trim();
  if (text === '') return select(current.step, { plane: undefined });
  const idx = text.split(',').map((x) => Number(x.trim()));
  if (idx.length !== 3 || idx.some((x) => !Number.isInteger(x) || x < 0)) return shell.status.error(`Plane "${text}": give three probe indices separated by commas, e.g. 0,5,9.`);
  select(current.step, { plane: idx as [number, number, number] });
});
subsampleButton.addEventListener('click', () => shell.post({ type: 'subsample' }));

new ResizeObserver(() => render()).observe(mapBox);
