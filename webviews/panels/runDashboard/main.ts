/**
 * Run Dashboard (webview side): the run's header, its training curves (loss, accuracy, learning rate,
 * samples/s) with a log-scale toggle and TensorBoard smoothing, the analyses that apply to it, and its
 * config and timings. Clicking a curve links the step: every panel of the run shows the nearest checkpoint.
 * The shell (webviews/shared/shell.ts) owns the frame, status line and PNG/SVG/CSV export.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import * as d3 from 'd3';
import './style.css';
import type { CurveSeries, RunCurves } from '../../../analysis/worker/protocol/runCurves';
import type { AnalysisButton, DashboardRun, RunDashboardHostMessage, RunDashboardState, RunDashboardViewMessage } from './protocol';
import { createShell } from '../../shared/shell';
import { el } from '../../shared/dom';
import { createTooltip } from '../../shared/tooltip';
import { lineChart, seriesColor } from '../../charts/lineChart';
import { nearestStep, smoothEma } from '../../charts/smoothing';
import { describeConfig, describeTimings, formatPercent, type Row } from './describeRun';
import { chartLayout, CHARTS, type ChartSpec } from './layout';

let run: DashboardRun | undefined;
let analyses: AnalysisButton[] = [];
let curves: RunCurves | undefined;
/** The checkpoint the linked panels show (highlighted on every chart). */
let selectedStep: number | undefined;
/** The charts' shared left margin (the widest y tick labels of the last draw). */
let plotLeft = 0;

const svgNode = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
const shell = createShell<RunDashboardHostMessage, RunDashboardViewMessage, RunDashboardState>({
  title: 'Run Dashboard',
  explain: 'Curves come from metrics.jsonl (long runs are downsampled keeping each bucket\'s minimum and maximum, so spikes survive). ' +
    'Smoothing is TensorBoard\'s debiased moving average, with the raw curve faint behind it; the learning rate is never smoothed. ' +
    'Hover for the values at a step; click (or focus a chart, use the arrow keys and press Enter) to open the nearest checkpoint in every panel of this run.',
  exports: {
    name: () => `${run?.run?.name ?? 'run'}-curves`,
    svg: () => (curves?.series.length ? svgNode : undefined),
    csv: () => curves && {
      header: ['series', 'label', 'step', 'value', 'smoothed'],
      rows: curves.series.flatMap((s) => {
        const smoothed = smoothedValues(s);
        return s.steps.map((step, i) => [s.key, s.label, step, finiteOrNull(s.values[i]), finiteOrNull(smoothed[i])]);
      }),
    },
  },
  onMessage: receive,
  onThemeChange: () => scheduleRender(),
});

const saved = shell.state();
let logScale = saved?.logScale ?? false;
let smoothing = saved?.smoothing ?? 0.6;
const hiddenSeries = new Set(saved?.hiddenSeries ?? []);

// ---- controls ----------------------------------------------------------------------------------------
const logBox = el('vscode-checkbox', { id: 'log-scale', label: 'Log scale', title: 'Logarithmic y axis for the loss and learning-rate charts' }) as HTMLElement & { checked: boolean };
logBox.checked = logScale;
const slider = el('input', { id: 'smoothing', type: 'range', min: '0', max: '0.999', step: '0.001', 'aria-label': 'Smoothing (TensorBoard weight)' }) as HTMLInputElement;
slider.value = String(smoothing);
const smoothingLabel = el('span', { class: 'smoothing-value' }, formatWeight(smoothing));
shell.addControl('Scale', logBox);
shell.addControl('Smoothing', el('span', { class: 'smoothing' }, slider, smoothingLabel));

// ---- content -----------------------------------------------------------------------------------------
const runStatus = el('span', { class: 'run-status' });
shell.subtitle.append(runStatus);
const analysesBox = el('section', { class: 'dashboard-analyses', 'aria-label': 'Analyses' });
const chartBox = el('div', { class: 'chart dashboard-charts' });
svgNode.classList.add('dashboard-curves');
chartBox.append(svgNode);
const emptyNote = el('p', { class: 'explain dashboard-empty', hidden: '' });
const configList = el('dl', { class: 'dashboard-dl' });
const copyButton = el('vscode-button', { id: 'copy-config', secondary: '', icon: 'copy', title: 'Copy the run config as JSON, accepted by "From a config file…" and `topolens train --config`' }, 'Copy as config file');
const timingsList = el('dl', { class: 'dashboard-dl' });
const details = el('div', { class: 'dashboard-details' },
  el('section', { class: 'dashboard-config' }, el('h2', {}, 'Config'), configList, copyButton),
  el('section', { class: 'dashboard-timings' }, el('h2', {}, 'Timings'), timingsList));
shell.content.append(analysesBox, chartBox, emptyNote, details);
const tooltip = createTooltip(document.body);

function receive(message: RunDashboardHostMessage): void {
  switch (message.type) {
    case 'run':
      // Re-opened on another run: the old curves and selection are not this run's.
      if (curves && curves.runDir !== message.run.runDir) { curves = undefined; selectedStep = undefined; }
      run = message.run;
      analyses = message.analyses;
      if (run.problem) shell.status.error(run.problem);
      renderRun();
      scheduleRender();
      break;
    case 'curves':
      // The first curves end "Reading the run…"; live refreshes (every second while training) leave the
      // status line alone so an "Exported to …" note stays readable.
      if (curves?.runDir !== message.curves.runDir) shell.status.clear();
      curves = message.curves;
      scheduleRender();
      break;
    case 'linkedStep':
      if (message.runDir !== currentRunDir()) return;
      selectedStep = message.step;
      persist();
      scheduleRender();
      break;
  }
}

/** The run shown: from the run message, the curves, or (before either arrives) the saved state. */
function currentRunDir(): string | undefined {
  return run?.runDir ?? curves?.runDir ?? shell.state()?.target.runDirs[0];
}

function persist(): void {
  const runDir = currentRunDir();
  if (!runDir) return;
  shell.saveState({ target: { runDirs: [runDir], step: selectedStep }, logScale, smoothing, hiddenSeries: [...hiddenSeries] });
}

// ---- the run: header, analyses, config, timings -------------------------------------------------------
function renderRun(): void {
  const r = run?.run;
  shell.title.textContent = r?.name ?? run?.runDir.split(/[\\/]/).pop() ?? 'Run Dashboard';
  runStatus.replaceChildren(...(r ? [
    el('span', { class: `run-badge status-${r.status}`, title: `run status: ${r.status}` }, r.status),
    ` ${r.backend} · ${r.id}${r.study ? ` · study ${r.study.id}` : ''}`,
  ] : [run?.problem ? 'unreadable run' : '']));

  analysesBox.replaceChildren(...analyses.map((a) => {
    const button = el('vscode-button', { 'data-panel': a.id, icon: a.icon, title: a.reason ? `${a.title}: ${a.reason}` : a.description }, a.title);
    if (a.reason) {
      button.setAttribute('disabled', '');
      return el('span', { class: 'analysis disabled' }, button, el('span', { class: 'analysis-reason' }, a.reason));
    }
    button.addEventListener('click', () => {
      if (run) shell.post({ type: 'openPanel', panel: a.id, target: { runDirs: [run.runDir], step: selectedStep } });
    });
    return el('span', { class: 'analysis' }, button);
  }));

  fillList(configList, r ? describeConfig(r) : []);
  fillList(timingsList, r ? describeTimings(r) : []);
  details.hidden = !r;
  copyButton.toggleAttribute('disabled', !run?.configFileText);
}

function fillList(list: HTMLElement, rows: Row[]): void {
  list.replaceChildren(...rows.flatMap((row) => [el('dt', {}, row.label), el('dd', {}, row.value)]));
}

copyButton.addEventListener('click', () => {
  if (run?.configFileText) shell.post({ type: 'copy', text: run.configFileText, what: 'run config' });
});

// ---- the curves ----------------------------------------------------------------------------------------
function smoothedValues(s: CurveSeries): number[] {
  return smoothing > 0 && s.group !== 'lr' ? smoothEma(s.values, smoothing) : s.values;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Same colour for the same kind of curve on every chart: running = 0, eval subset = 1, test = 2. */
function colourOf(s: CurveSeries): string {
  if (s.key.startsWith('evalTrain')) return seriesColor(1);
  if (s.key.startsWith('test')) return seriesColor(2);
  if (s.key === 'lr') return seriesColor(3);
  return seriesColor(0);
}

/** Draws at most once per frame: a dragged slider or a burst of live updates costs one render each frame. */
let frame: number | undefined;
function scheduleRender(): void {
  if (frame !== undefined) return;
  frame = requestAnimationFrame(() => {
    frame = undefined;
    render();
  });
}

function render(): void {
  const c = curves;
  const present = CHARTS.filter((spec) => c?.series.some((s) => s.group === spec.group));
  emptyNote.hidden = !c || present.length > 0;
  emptyNote.textContent = 'No metrics recorded yet: curves appear here as the run trains.';
  const width = Math.max(320, chartBox.clientWidth || 720);
  const layout = chartLayout(width, present.length);
  const root = d3.select(svgNode).attr('width', width).attr('height', layout.height).attr('viewBox', `0 0 ${width} ${layout.height}`)
    .attr('role', 'group').attr('aria-label', 'Training curves');
  if (!c) {
    root.selectAll('svg.line-chart').remove();
    return;
  }
  if (layout.cells.length) requestResolution(layout.cells[0].width);
  const lastStep = d3.max(c.series, (s) => s.steps[s.steps.length - 1]) ?? 0;
  const xMax = Math.max(c.totalSteps ?? 0, lastStep, c.checkpointSteps[c.checkpointSteps.length - 1] ?? 0);
  const charts = root.selectAll<SVGSVGElement, ChartSpec>('svg.line-chart').data(present, (spec) => spec.group).join(
    (enter) => enter.append('svg'),
  ).order();
  const draw = () => charts.each(function (spec, i) {
    const cell = layout.cells[i];
    const chart = lineChart().width(cell.width).height(cell.height).marginLeft(plotLeft).title(spec.title).yLabel(spec.yLabel)
      .yScale(logScale && spec.logAllowed ? 'log' : 'linear').smoothing(spec.group === 'lr' ? 0 : smoothing)
      .checkpoints(c.checkpointSteps).selectedStep(selectedStep).xDomain([0, Math.max(1, xMax)]).tooltip(tooltip)
      .hidden(hiddenSeries).onToggle(toggleSeries).onStep(linkStep);
    if (spec.group === 'accuracy') chart.formatValue(formatPercent).tickSpecifier('%');
    const series = c.series.filter((s) => s.group === spec.group).map((s) => ({ ...s, color: colourOf(s) }));
    chart(d3.select(this as SVGSVGElement), series);
    d3.select(this).attr('x', cell.x).attr('y', cell.y).attr('data-group', spec.group);
  });
  draw();
  // One shared left margin so every step axis starts at the same x; redraw only when the need changed.
  const needed = d3.max(charts.nodes(), (n) => Number(n.getAttribute('data-left-needed'))) ?? 0;
  if (needed !== plotLeft) {
    plotLeft = needed;
    draw();
  }
}

function toggleSeries(key: string): void {
  if (!hiddenSeries.delete(key)) hiddenSeries.add(key);
  persist();
  scheduleRender();
}

/** A picked step: highlight the nearest checkpoint at once, and let the host link every panel of the run. */
function linkStep(step: number): void {
  const runDir = currentRunDir();
  if (!runDir) return;
  selectedStep = curves?.checkpointSteps.length ? nearestStep(curves.checkpointSteps, step) : step;
  persist();
  scheduleRender();
  shell.post({ type: 'linkStep', runDir, step });
}

/**
 * Min-max downsampling keeps two points per bucket, so a plot w pixels wide shows everything with about 2w
 * points. The host starts at 1,000; a wider plot asks for more (once per width), never fewer.
 */
let requestedPoints = 1000;
function requestResolution(plotWidth: number): void {
  const wanted = Math.min(4000, Math.ceil((2 * plotWidth) / 250) * 250);
  const thinned = curves?.series.some((s) => s.rawCount > s.steps.length);
  if (!thinned || wanted <= requestedPoints) return;
  requestedPoints = wanted;
  shell.post({ type: 'refresh', maxPoints: wanted });
}

logBox.addEventListener('change', () => {
  logScale = logBox.checked;
  persist();
  scheduleRender();
});
slider.addEventListener('input', () => {
  smoothing = Number(slider.value);
  smoothingLabel.textContent = formatWeight(smoothing);
  persist();
  scheduleRender();
});

selectedStep = saved?.target.step;
let lastWidth = 0;
new ResizeObserver(() => {
  // Only a width change needs a redraw (the charts' own height changes would loop otherwise).
  if (chartBox.clientWidth !== lastWidth) { lastWidth = chartBox.clientWidth; scheduleRender(); }
}).observe(chartBox);

/** The slider's weight as TensorBoard shows it: 0.6, 0.95, 0.999. */
function formatWeight(w: number): string {
  return String(Number(w.toFixed(3)));
}
