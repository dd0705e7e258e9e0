/**
 * Prediction Manifold panel (webview side): the runs' training trajectories in any pair of InPCA axes (or a
 * rotatable 3-D view of three), P0 and P* marked, one path per run coloured and grouped in a legend by
 * architecture, optimiser and seed; hover for run, step, accuracies and progress, click to move the run's
 * linked checkpoint. Below: explained stress per axis (time-like axes drawn apart) and progress along the
 * P0 -> P* geodesic per run (by step or by train accuracy). A run picker offers every run of the runs folder
 * with the same probe settings; live mode places new checkpoints by projection and offers a full recompute
 * when they fit badly. Exports: the trajectory chart (PNG, SVG) and all coordinates (CSV).
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import * as d3 from 'd3';
import type { ManifoldRun, PredictionManifold } from '../../../analysis/worker/protocol/predictionManifold';
import type { PanelTarget } from '../../protocol/common';
import type { PickableRun, PredictionManifoldHostMessage, PredictionManifoldState, PredictionManifoldViewMessage } from './protocol';
import { createShell } from '../../shared/shell';
import { el, formatNumber } from '../../shared/dom';
import { createTooltip } from '../../shared/tooltip';
import { seriesColor } from '../../charts/lineChart';
import { manifoldPlot, type ManifoldHover, type ManifoldTrack } from '../../charts/manifoldPlot';
import { explainedStressChart } from '../../charts/explainedStress';
import { progressCurves } from '../../charts/progressCurves';
import './style.css';

let current: PredictionManifold | undefined;
let target: PanelTarget | undefined;
let pickable: PickableRun[] = [];
let linked: { runDir: string; step: number } | undefined;

const svgNode = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
const shell = createShell<PredictionManifoldHostMessage, PredictionManifoldViewMessage, PredictionManifoldState>({
  title: 'Prediction Manifold',
  explain: 'Each point is one checkpoint: its predicted probabilities on the probe set, placed by InPCA of the Bhattacharyya distances ' +
    'between all checkpoints, the ignorance point P0 (uniform) and the truth P*. Time-like axes (negative eigenvalues) are marked; ' +
    'distances along them count negatively. Progress is the position along the geodesic from P0 to P*.',
  exports: {
    name: () => (current ? `prediction-manifold-${current.runs.length}-runs-axes-${axes.map((a) => a + 1).join('-')}` : 'prediction-manifold'),
    svg: () => svgNode,
    csv: () => current && coordinatesCsv(current),
  },
  onMessage: receive,
  onThemeChange: () => render(),
});

const saved = shell.state();
let axes: number[] = saved?.axes ?? [0, 1];
let threeD = saved?.threeD ?? false;
let yaw = saved?.yaw ?? 0.6;
let pitch = saved?.pitch ?? 0.35;
let live = saved?.live ?? true;
let progressBy: 'step' | 'trainAccuracy' = saved?.progressBy ?? 'step';
const hidden = new Set(saved?.hidden ?? []);

type Select = HTMLElement & { value: string };
const axisSelects = [0, 1, 2].map((i) => el('vscode-single-select', { 'aria-label': `Axis ${i + 1}`, class: 'axis-select' }) as Select);
const threeDBox = el('vscode-checkbox', { label: '3-D', ...(threeD ? { checked: '' } : {}) }) as HTMLElement & { checked: boolean };
const liveBox = el('vscode-checkbox', { label: 'Live', ...(live ? { checked: '' } : {}) }) as HTMLElement & { checked: boolean };
const progressSelect = el('vscode-single-select', { 'aria-label': 'Progress against' },
  el('vscode-option', { value: 'step' }, 'step'), el('vscode-option', { value: 'trainAccuracy' }, 'train accuracy')) as Select;
shell.addControl('Axes', el('span', { class: 'axes' }, ...axisSelects, threeDBox));
shell.addControl('Follow training', liveBox);

const staleNote = el('div', { class: 'stale', hidden: '' });
const recomputeButton = el('vscode-button', { secondary: '' }, 'Recompute');
staleNote.append(el('span', {}), recomputeButton);
const layout = el('div', { class: 'manifold-layout' });
const chartBox = el('div', { class: 'chart' });
chartBox.append(svgNode);
const side = el('aside', { class: 'legend' });
layout.append(chartBox, side);
const esTitle = el('h2', {}, 'Explained stress per axis');
const esSvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
const progressTitle = el('h2', {}, 'Progress along P0 → P* ', progressSelect);
const progressSvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
shell.content.append(staleNote, layout, esTitle, esSvg, progressTitle, progressSvg);
const tooltip = createTooltip(document.body);

function receive(message: PredictionManifoldHostMessage): void {
  switch (message.type) {
    case 'manifold':
      current = message.manifold;
      target = message.target;
      axes = axes.filter((a) => a < current!.eigenvalues.length);
      if (axes.length < 2) axes = [0, Math.min(1, current.eigenvalues.length - 1)];
      shell.status.clear();
      persist();
      render();
      break;
    case 'pickable':
      pickable = message.runs;
      renderLegend();
      break;
    case 'linkedStep':
      linked = { runDir: message.runDir, step: message.step };
      render();
      break;
  }
}

function persist(): void {
  if (!target) return;
  shell.saveState({ target, axes, threeD, yaw, pitch, live, progressBy, hidden: [...hidden] });
}

/** Colour per configuration (architecture and optimiser), so seeds of one configuration share it. */
function colorOf(m: PredictionManifold, runDir: string): string {
  const configs = [...new Set(m.runs.map(configOf))];
  const run = m.runs.find((r) => r.runDir === runDir);
  return seriesColor(run ? configs.indexOf(configOf(run)) : 0);
}

function configOf(r: ManifoldRun): string {
  return `${r.architecture} · ${r.optimizer}`;
}

/** Seeds of one configuration are told apart by dashes: the first solid, the next dashed, ... */
function dashOf(m: PredictionManifold, runDir: string): string | undefined {
  const run = m.runs.find((r) => r.runDir === runDir);
  if (!run) return undefined;
  const i = m.runs.filter((r) => configOf(r) === configOf(run)).indexOf(run);
  return [undefined, '6,3', '2,2', '8,3,2,3'][i % 4];
}

function tracksOf(m: PredictionManifold): ManifoldTrack[] {
  return m.runs.filter((r) => !hidden.has(r.runDir)).map((r) => ({
    key: r.runDir, label: r.name, color: colorOf(m, r.runDir), dash: dashOf(m, r.runDir),
    points: r.steps.map((step, i) => ({ step, coords: r.coords[i], projected: r.projected[i] })),
  }));
}

function render(): void {
  const m = current;
  if (!m) return;
  const timeLike = m.eigenvalues.map((l) => l < 0);
  const nTime = timeLike.filter(Boolean).length;
  shell.subtitle.textContent = `${m.runs.length} runs · ${m.m} models on ${m.probe.samples} probe samples, ${m.probe.classes} classes · ` +
    `ES(1..3) ${m.explainedStress.slice(0, 3).map((x) => x.toFixed(2)).join(' / ')} · ${nTime} of ${m.eigenvalues.length} axes time-like`;
  renderAxisSelects(m);
  const shown = threeD ? [axes[0], axes[1], axes[2] ?? Math.min(2, m.eigenvalues.length - 1)] : axes.slice(0, 2);
  const width = Math.max(360, chartBox.clientWidth || 640);
  const run = linked && m.runs.find((r) => r.runDir === linked?.runDir);
  const highlight = run && linked ? { key: run.runDir, step: nearest(run.steps, linked.step) } : undefined;
  manifoldPlot().width(width).height(Math.round(Math.min(560, width * 0.72))).axes(shown).timeLike(timeLike).rotation(yaw, pitch)
    .onHover(showTooltip).onPick(pick).onRotate((y, p) => { yaw = y; pitch = p; persist(); })(
      d3.select(svgNode), tracksOf(m), [{ label: 'P0', coords: m.p0.coords, shape: 'square' }, { label: 'P*', coords: m.pStar.coords, shape: 'diamond' }], highlight);
  explainedStressChart().width(width)(d3.select(esSvg), m.eigenvalues, m.explainedStress);
  progressCurves().width(width).by(progressBy).onPick((runDir, step) => post({ type: 'pick', runDir, step }))(d3.select(progressSvg),
    m.runs.filter((r) => !hidden.has(r.runDir)).map((r) => ({ key: r.runDir, label: r.name, color: colorOf(m, r.runDir), dash: dashOf(m, r.runDir), steps: r.steps, progress: r.progress, trainAccuracy: r.trainAccuracy })));
  renderStale(m);
  renderLegend();
}

function nearest(steps: number[], step: number): number {
  return steps.reduce((best, s) => (Math.abs(s - step) < Math.abs(best - step) ? s : best), steps[0]);
}

function renderAxisSelects(m: PredictionManifold): void {
  const key = m.eigenvalues.join(',');
  axisSelects.forEach((select, i) => {
    if (select.dataset.for !== key) {
      select.replaceChildren(...m.eigenvalues.map((l, a) => el('vscode-option', { value: String(a), description: `lambda = ${l.toPrecision(3)}` },
        `axis ${a + 1}${l < 0 ? ' (time-like)' : ''}`)));
      select.dataset.for = key;
    }
    select.hidden = i === 2 && !threeD;
    const value = axes[i] ?? Math.min(i, m.eigenvalues.length - 1);
    select.value = String(value);
  });
}

function renderStale(m: PredictionManifold): void {
  const p = m.projection;
  if (!p || p.count === 0) {
    staleNote.hidden = true;
    return;
  }
  staleNote.hidden = false;
  staleNote.classList.toggle('warn', p.recomputeAdvised);
  (staleNote.firstChild as HTMLElement).textContent = p.recomputeAdvised
    ? `${p.count} new checkpoint(s) were placed by projection and fit poorly (relative residual ${p.projectedResidual.toFixed(3)} vs ${p.inSampleResidual.toFixed(3)} in-sample): a full recompute would change the picture. `
    : `${p.count} new checkpoint(s) placed by out-of-sample projection (hollow markers); they fit as well as the rest. `;
}

/** Legend grouped by architecture, then optimiser; each entry toggles its run. Runs that could be added are listed below. */
function renderLegend(): void {
  const m = current;
  if (!m) return;
  const groups = d3.group(m.runs, (r) => r.architecture, (r) => r.optimizer);
  const entry = (r: ManifoldRun) => {
    const row = el('li', { class: hidden.has(r.runDir) ? 'off' : '', tabindex: '0', role: 'switch', 'aria-checked': String(!hidden.has(r.runDir)), 'data-run': r.runDir },
      swatch(colorOf(m, r.runDir), dashOf(m, r.runDir)), `${r.name}${r.seed !== undefined ? ` · seed ${r.seed}` : ''}`);
    const toggle = () => {
      if (hidden.has(r.runDir)) hidden.delete(r.runDir); else hidden.add(r.runDir);
      persist();
      render();
    };
    row.addEventListener('click', toggle);
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } });
    return row;
  };
  const blocks: HTMLElement[] = [el('h2', {}, 'Runs')];
  for (const [arch, byOpt] of groups) {
    blocks.push(el('h3', {}, arch));
    for (const [opt, runs] of byOpt) blocks.push(el('div', { class: 'optimizer' }, opt), el('ul', {}, ...runs.map(entry)));
  }
  const shownDirs = new Set(m.runs.map((r) => r.runDir));
  const others = pickable.filter((p) => !shownDirs.has(p.runDir));
  if (others.length > 0) {
    blocks.push(el('h3', {}, 'Add runs with the same probe set'));
    blocks.push(el('ul', { class: 'pickable' }, ...others.map((p) => {
      const box = el('vscode-checkbox', { label: `${p.name} (${p.status})` }) as HTMLElement & { checked: boolean };
      box.addEventListener('change', () => {
        if (box.checked && target) post({ type: 'setRuns', runDirs: [...m.runs.map((r) => r.runDir), p.runDir] });
      });
      return el('li', {}, box);
    })));
  }
  if (m.runs.length > 1) {
    const remove = el('vscode-button', { secondary: '' }, 'Embed only the shown runs');
    remove.addEventListener('click', () => {
      const keep = m.runs.filter((r) => !hidden.has(r.runDir)).map((r) => r.runDir);
      if (keep.length > 0 && keep.length < m.runs.length) {
        hidden.clear();
        post({ type: 'setRuns', runDirs: keep });
      }
    });
    blocks.push(remove);
  }
  side.replaceChildren(...blocks);
}

function swatch(color: string, dash: string | undefined): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '6');
  svg.classList.add('swatch');
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
  for (const [k, v] of Object.entries({ x1: '0', y1: '3', x2: '18', y2: '3', stroke: color, 'stroke-width': '2', ...(dash ? { 'stroke-dasharray': dash } : {}) })) line.setAttribute(k, v);
  svg.append(line);
  return svg;
}

function showTooltip(h: ManifoldHover | undefined, event: MouseEvent): void {
  const m = current;
  if (!h || !m) return tooltip.hide();
  const run = m.runs.find((r) => r.runDir === h.track.key);
  if (!run) return tooltip.hide();
  const i = h.index;
  const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
  tooltip.show(event, [
    `${run.name} · step ${run.steps[i]}`,
    `${run.architecture} · ${run.optimizer}${run.seed !== undefined ? ` · seed ${run.seed}` : ''}`,
    `train ${pct(run.trainAccuracy[i])} · test ${pct(run.testAccuracy[i])}`,
    `progress ${formatNumber(run.progress[i])}${run.projected[i] ? ' · placed by projection' : ''}`,
    `coordinates ${axes.map((a) => formatNumber(run.coords[i][a] ?? NaN)).join(', ')}`,
  ]);
}

function pick(h: ManifoldHover): void {
  const run = current?.runs.find((r) => r.runDir === h.track.key);
  if (!run) return;
  linked = { runDir: run.runDir, step: run.steps[h.index] };
  post({ type: 'pick', runDir: run.runDir, step: run.steps[h.index] });
  render();
}

function coordinatesCsv(m: PredictionManifold) {
  const k = m.eigenvalues.length;
  const header = ['run', 'run_dir', 'architecture', 'optimizer', 'seed', 'step', 'train_accuracy', 'test_accuracy', 'progress', 'projected', ...d3.range(k).map((a) => `x${a + 1}${m.eigenvalues[a] < 0 ? '_timelike' : ''}`)];
  const rows: (string | number | null)[][] = [];
  for (const r of m.runs) r.steps.forEach((s, i) => rows.push([r.name, r.runDir, r.architecture, r.optimizer, r.seed ?? null, s, r.trainAccuracy[i], r.testAccuracy[i], r.progress[i], r.projected[i] ? 1 : 0, ...r.coords[i]]));
  rows.push(['P0', null, null, null, null, null, null, null, m.p0.progress, 0, ...m.p0.coords]);
  rows.push(['P*', null, null, null, null, null, null, null, m.pStar.progress, 0, ...m.pStar.coords]);
  return { header, rows };
}

function post(message: PredictionManifoldViewMessage): void {
  shell.post(message);
}

axisSelects.forEach((select, i) => select.addEventListener('change', () => {
  const a = Number(select.value);
  if (!Number.isInteger(a)) return;
  axes = [...axes];
  axes[i] = a;
  persist();
  render();
}));
threeDBox.addEventListener('change', () => {
  threeD = threeDBox.checked;
  if (threeD && axes.length < 3 && current) axes = [...axes, [0, 1, 2].find((a) => !axes.includes(a) && a < (current?.eigenvalues.length ?? 0)) ?? 0];
  persist();
  render();
});
liveBox.addEventListener('change', () => {
  live = liveBox.checked;
  persist();
  post({ type: 'live', live });
});
progressSelect.value = progressBy;
progressSelect.addEventListener('change', () => {
  progressBy = progressSelect.value === 'trainAccuracy' ? 'trainAccuracy' : 'step';
  persist();
  render();
});
recomputeButton.addEventListener('click', () => post({ type: 'recompute' }));
svgNode.classList.add('manifold-chart');
new ResizeObserver(() => render()).observe(chartBox);
