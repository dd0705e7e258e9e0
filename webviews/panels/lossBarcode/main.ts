/**
 * Loss Barcode panel (webview side): the minima barcode (one bar per minimum on a loss axis, optional log
 * scale, straight-line baseline behind each bar), hover for the minimum's details and the loss profile of the
 * path that killed it, click to open the run's dashboard; a second view with the barrier matrix and the merge
 * tree. The shell (webviews/shared/shell.ts) owns the frame, status, progress and exports. A method control
 * switches the barriers to the sampled k-NN approximation (SPEC B step 5, small nets), which the chart then
 * says in a label of its own (exports included).
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import * as d3 from 'd3';
import type { BarrierMethod, LossBarcodeResult, PairPath } from '../../../analysis/worker/protocol/lossBarcode';
import type { PanelTarget } from '../../protocol/common';
import type { LossBarcodeHostMessage, LossBarcodeState, LossBarcodeViewMessage } from './protocol';
import { createShell } from '../../shared/shell';
import { lossBarcodeChart, type LossBarRow } from '../../charts/lossBarcodeChart';
import { pathProfileChart } from '../../charts/pathProfileChart';
import { barrierMatrixChart } from '../../charts/barrierMatrixChart';
import { el, formatNumber } from '../../shared/dom';
import { createTooltip } from '../../shared/tooltip';
import { themeColor } from '../../shared/theme';

type View = 'barcode' | 'matrix';
let result: LossBarcodeResult | undefined;
let target: PanelTarget | undefined;

const svgNode = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
const shell = createShell<LossBarcodeHostMessage, LossBarcodeViewMessage, LossBarcodeState>({
  title: 'Loss Barcode',
  explain: 'Each bar is one minimum (a trained run): it starts at the minimum\'s training loss and ends at the lowest barrier (saddle) on an optimised path to a lower minimum. ' +
    'Short bars mean gradient descent meets no real obstacle between minima. Grey bars: the same from straight lines. Hover a bar for the path; click to open the run. ' +
    'Method "Sampled k-NN" (nets of at most 500 parameters) takes the barriers from a k-NN graph of sampled weights instead: an approximation (SPEC B step 5).',
  exports: {
    name: () => `loss-barcode${result ? `-${result.architecture.replace(/[^\w-]+/g, '_')}` : ''}-${view}`,
    svg: () => svgNode,
    csv: () => result && {
      header: ['minimum', 'run', 'init_seed', 'loss', 'test_error', 'birth', 'death', 'segment', 'merged_into', 'via_pair', 'straight_death'],
      rows: result.minima.map((m, i) => {
        const [b, d] = result!.bars[i];
        return [i, m.runName, m.seeds.init, m.loss, m.testError, b, d, d === null ? null : d - b, result!.mergedInto[i], result!.mergedVia[i]?.join('-') ?? null, result!.straightBars[i][1]];
      }),
    },
  },
  onMessage: receive,
  onThemeChange: () => render(),
});
let view: View = shell.state()?.view ?? 'barcode';
let logScale = shell.state()?.logScale ?? false;
let method: BarrierMethod = shell.state()?.method ?? 'paths';
const METHOD_LABEL = 'sampled k-NN approximation (SPEC B step 5)';

const logBox = el('vscode-checkbox', { id: 'log-scale', label: 'Log scale' }) as HTMLElement & { checked: boolean };
logBox.checked = logScale;
const viewGroup = el('vscode-radio-group', { id: 'view', 'aria-label': 'View' },
  el('vscode-radio', { name: 'view', value: 'barcode', label: 'Barcode', ...(view === 'barcode' ? { checked: '' } : {}) }),
  el('vscode-radio', { name: 'view', value: 'matrix', label: 'Barrier matrix & merge tree', ...(view === 'matrix' ? { checked: '' } : {}) }));
const methodRadio = (value: BarrierMethod, label: string) => el('vscode-radio', { name: 'method', value, label, ...(method === value ? { checked: '' } : {}) });
const methodGroup = el('vscode-radio-group', { id: 'method', 'aria-label': 'Barrier method' },
  methodRadio('paths', 'Optimised paths'),
  methodRadio('sampled', 'Sampled k-NN (small nets)'));
shell.addControl('Axis', logBox);
shell.addControl('View', viewGroup);
shell.addControl('Barriers', methodGroup);
const chartBox = el('div', { class: 'chart' });
chartBox.append(svgNode);
const summary = el('table', { class: 'summary' });
shell.content.append(chartBox, summary);
const tooltip = createTooltip(document.body);

function receive(message: LossBarcodeHostMessage): void {
  if (message.type !== 'barcode') return;
  result = message.result;
  target = message.target;
  if (result.settings.method !== method) {
    // The host computed another method than the control shows (a restored panel): follow the result.
    method = result.settings.method;
    for (const radio of methodGroup.querySelectorAll<HTMLElement & { checked: boolean; value: string }>('vscode-radio')) radio.checked = radio.value === method;
  }
  if (!message.partial) shell.status.clear();
  persist();
  render();
}

function persist(): void {
  if (target) shell.saveState({ target, view, logScale, method });
}

const label = (i: number) => `#${i}`;

function render(): void {
  const r = result;
  if (!r) return;
  const others = r.architectures.length > 1 ? ` · study has ${r.architectures.length} architectures` : '';
  const s = r.settings;
  const how = s.method === 'sampled' ? `${METHOD_LABEL}: ${formatNumber(s.samples ?? NaN)} samples, k = ${s.knn}` : `${s.points} points, ${s.iterations} iterations`;
  shell.subtitle.textContent = `${r.architecture} · ${r.minima.length} minima · ${r.pairsDone}/${r.pairsTotal} pairs · ${how} · ${formatNumber(r.computeMs / 1000)} s${others}`;
  const width = Math.max(420, chartBox.clientWidth || 720);
  if (view === 'barcode') {
    const rows: LossBarRow[] = r.minima.map((_m, i) => ({ index: i, label: label(i), birth: r.bars[i][0], death: r.bars[i][1], straightDeath: r.straightBars[i][1] }));
    lossBarcodeChart().width(width).log(logScale).onHover(showTooltip).onClick((row) => openRun(row.index))(d3.select(svgNode), rows);
  } else {
    barrierMatrixChart().width(width).onHoverCell((i, j, v, event) => tooltip.show(event, [
      i === j ? `${label(i)}: the minimum's loss` : `barrier ${label(i)} – ${label(j)}`,
      `loss ${v === null ? 'not computed' : formatNumber(v)}`,
      i === j ? '' : `straight line ${formatNumber(r.straightBarriers[i][j] ?? NaN)}`,
    ]), () => tooltip.hide())(d3.select(svgNode), { labels: r.minima.map((_, i) => label(i)), barriers: r.barriers, bars: r.bars, mergedInto: r.mergedInto });
  }
  if (s.method === 'sampled') labelMethod(svgNode);
  renderSummary(r);
}

/** The sampled method's label as a line of the chart itself (below what the chart drew), so exports carry it too. */
function labelMethod(svg: SVGSVGElement): void {
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  const extra = 20;
  d3.select(svg).attr('height', height + extra).attr('viewBox', `0 0 ${width} ${height + extra}`)
    .append('text').attr('class', 'method-label').attr('x', width / 2).attr('y', height + extra - 6).attr('text-anchor', 'middle')
    .attr('font-size', 12).attr('font-weight', 600).attr('fill', themeColor('--vscode-charts-orange', '#d18616'))
    .text(`Barriers: ${METHOD_LABEL}, not optimised paths`);
}

function renderSummary(r: LossBarcodeResult): void {
  const t = r.toScore;
  const rows: [string, string][] = [
    ['TO-score, sum of segments', formatNumber(t.sum)],
    ['TO-score, longest segment', formatNumber(t.max)],
    ['TO-score, sum / (f(init) − global min)', t.sumNormalized === null ? '— (no step-0 checkpoint)' : formatNumber(t.sumNormalized)],
    ['TO-score, longest / (f(init) − global min)', t.maxNormalized === null ? '—' : formatNumber(t.maxNormalized)],
    ['global minimum loss', formatNumber(t.globalMin)],
    ['segment length vs test error', r.correlation ? `Spearman ρ ${formatNumber(r.correlation.spearman)} (p = ${formatNumber(r.correlation.pValue)}, n = ${r.correlation.n})` : '— (needs 3+ finite bars)'],
  ];
  summary.replaceChildren(
    el('thead', {}, el('tr', {}, el('th', {}, 'summary'), el('th', {}, 'value'))),
    el('tbody', {}, ...rows.map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, v)))),
  );
  summary.title = 'The paper\'s exact TO-score normalisation was not in our sources: all four variants are shown.';
}

/** The pair whose barrier killed minimum i (undefined for the global minimum). */
function killingPair(r: LossBarcodeResult, i: number): PairPath | undefined {
  const via = r.mergedVia[i];
  return via ? r.pairs.find((p) => p.i === via[0] && p.j === via[1]) : undefined;
}

function showTooltip(row: LossBarRow | undefined, event: MouseEvent): void {
  const r = result;
  if (!row || !r) return tooltip.hide();
  const m = r.minima[row.index];
  const [birth, death] = r.bars[row.index];
  const into = r.mergedInto[row.index];
  tooltip.show(event, [
    `minimum ${label(row.index)} · ${m.runName}`,
    `init seed ${m.seeds.init}, shuffle seed ${m.seeds.shuffle} · step ${m.step}`,
    `train loss ${formatNumber(m.loss)} · test error ${m.testError === null ? '—' : `${formatNumber(100 * m.testError)}%`}`,
    death === null ? 'global minimum: the bar never ends' : `segment ${formatNumber(death - birth)}: merges into ${label(into as number)} (${r.minima[into as number].runName}) at barrier ${formatNumber(death)}`,
    row.straightDeath === null ? '' : `straight lines alone: ${formatNumber(row.straightDeath)}`,
  ]);
  const pair = killingPair(r, row.index);
  const node = document.getElementById('tooltip');
  if (pair && node) {
    const mini = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    mini.classList.add('path-profile');
    pathProfileChart().width(260).height(110)(d3.select(mini), { t: pair.t, loss: pair.loss }, { t: pair.straightT, loss: pair.straightLoss });
    const what = r.settings.method === 'sampled' ? `k-NN graph path (solid, through ${pair.points} samples)` : `optimised (solid, ${pair.points} points)`;
    node.append(el('div', {}, `path ${label(pair.i)} → ${label(pair.j)}: ${what} vs straight (dashed)`), mini);
  }
}

function openRun(i: number): void {
  const m = result?.minima[i];
  if (m) shell.post({ type: 'openPanel', panel: 'runDashboard', target: { runDirs: [m.runDir] } });
}

logBox.addEventListener('change', () => {
  logScale = logBox.checked;
  persist();
  render();
});
viewGroup.addEventListener('change', (event) => {
  const value = (event.target as HTMLElement & { value?: string }).value;
  if (value !== 'barcode' && value !== 'matrix') return;
  view = value;
  tooltip.hide();
  persist();
  render();
});
methodGroup.addEventListener('change', (event) => {
  const value = (event.target as HTMLElement & { value?: string }).value;
  if ((value !== 'paths' && value !== 'sampled') || value === method) return;
  method = value;
  persist();
  shell.post({ type: 'method', method });
});
new ResizeObserver(() => render()).observe(chartBox);
