/**
 * Line chart of several series over one step axis, d3 style:
 * `lineChart().title('Loss').width(w).yScale('log').smoothing(0.6).checkpoints(steps).onStep(f)(svg, series)`.
 *
 * What a TensorBoard user expects: smoothing by a debiased EMA with the raw curve drawn faint behind the
 * smoothed one; a crosshair on hover with every series' value at the nearest step (in the shared tooltip);
 * a click picks that step. Checkpoints are ticks under the x axis and the selected step is a highlighted
 * rule. The chart is focusable: arrow keys move the crosshair through the recorded steps (Home/End,
 * PageUp/PageDown jump), Enter or Space picks the step, Escape hides the crosshair. Legend entries are
 * switches (click, or Enter/Space when focused) that hide or show a series.
 *
 * Redrawing the same <svg> (live curves, resize, theme change) keeps a keyboard crosshair where it was.
 * Colours come from the theme at draw time. Marks carry classes and data-* attributes for tests.
 */
import * as d3 from 'd3';
import { formatNumber } from '../shared/dom';
import { themeColor } from '../shared/theme';
import type { Tooltip } from '../shared/tooltip';
import { nearestIndex, smoothEma } from './smoothing';

export interface LineSeries {
  key: string;
  label: string;
  /** Ascending. */
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
  /** A CSS colour; by default the series' position picks a theme chart colour. */
  color?: string;
}

export type YScaleKind = 'linear' | 'log';
type SvgSelection = d3.Selection<SVGSVGElement, unknown, null, undefined>;

const PALETTE: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'], ['--vscode-charts-orange', '#d18616'], ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'], ['--vscode-charts-red', '#f14c4c'], ['--vscode-charts-yellow', '#cca700'],
];

/** The i-th distinct chart colour of the current theme. */
export function seriesColor(i: number): string {
  const [variable, fallback] = PALETTE[i % PALETTE.length];
  return themeColor(variable, fallback);
}

const MARGIN = { top: 8, right: 18, bottom: 36, left: 58 };
/** Series with at most this many points also get dots (eval records are one per checkpoint). */
const DOTS_UP_TO = 60;
/** Keyboard crosshair step per <svg>, so a redraw (live data) keeps it. */
const keyboardCursor = new WeakMap<SVGSVGElement, number>();
/** A legend entry toggled from the keyboard gets its focus back after the redraw it causes. */
const legendFocus = new WeakMap<SVGSVGElement, string>();
/** The pointer over each <svg>, so a redraw under a still mouse keeps the crosshair and tooltip. */
const pointer = new WeakMap<SVGSVGElement, MouseEvent>();
let clipIds = 0;

interface Prepared {
  series: LineSeries;
  color: string;
  steps: ArrayLike<number>;
  raw: ArrayLike<number>;
  /** The drawn line: smoothed values, or the raw ones when smoothing is 0. */
  shown: number[];
}

export function lineChart() {
  let width = 640;
  let height = 220;
  let title = '';
  let yLabel = '';
  let xLabel = 'step';
  let yScaleKind: YScaleKind = 'linear';
  let smoothing = 0;
  let checkpoints: number[] = [];
  let selectedStep: number | undefined;
  let xDomain: [number, number] | undefined;
  let tooltip: Tooltip | undefined;
  let formatValue: (v: number) => string = formatNumber;
  let formatTick: ((v: number) => string) | undefined;
  let tickSpecifier: string | undefined;
  let pick: (step: number) => void = () => undefined;
  let minLeft = 0;
  let hidden: ReadonlySet<string> = new Set();
  let toggle: (key: string) => void = () => undefined;

  function chart(svg: SvgSelection, series: LineSeries[]): void {
    const node = svg.node() as SVGSVGElement;
    const fg = themeColor('--vscode-foreground', '#ccc');
    const muted = themeColor('--vscode-descriptionForeground', '#999');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,.25)');
    const accent = themeColor('--vscode-focusBorder', '#007fd4');
    const log = yScaleKind === 'log';
    const plottable = (v: number) => Number.isFinite(v) && (!log || v > 0);
    // Every series with data gets a legend entry (a switch); hidden ones are not drawn, scaled or listed.
    const legendEntries = series.filter((s) => s.steps.length > 0).map((s, i) => ({ series: s, color: s.color ?? seriesColor(i) }));
    const prepared: Prepared[] = legendEntries.filter((e) => !hidden.has(e.series.key)).map((e) => ({
      ...e, steps: e.series.steps, raw: e.series.values,
      shown: smoothing > 0 ? smoothEma(e.series.values, smoothing) : Array.from(e.series.values),
    }));

    svg.selectAll('*').remove();
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`)
      .attr('class', 'line-chart').attr('tabindex', 0).attr('role', 'group').attr('aria-roledescription', 'line chart')
      .attr('aria-label', `${title || 'Chart'}: ${prepared.map((p) => p.series.label).join(', ') || 'no data yet'}. ` +
        'Arrow keys move through the steps, Enter selects the step.');

    // Title and legend share the top rows; the legend wraps, pushing the plot down.
    const head = svg.append('g').attr('class', 'chart-head');
    head.append('text').attr('class', 'chart-title').attr('x', MARGIN.left - 50).attr('y', 14).attr('fill', fg)
      .attr('font-size', 12).attr('font-weight', 600).text(title);
    const titleWidth = title ? (head.select<SVGTextElement>('text').node()?.getComputedTextLength() || title.length * 7) + 18 : 0;
    let lx = MARGIN.left - 50 + titleWidth;
    let ly = 14;
    for (const p of legendEntries) {
      const off = hidden.has(p.series.key);
      const item = head.append('g').attr('class', `legend-item${off ? ' off' : ''}`).attr('data-key', p.series.key)
        .attr('tabindex', 0).attr('role', 'switch').attr('aria-checked', String(!off)).attr('aria-label', p.series.label)
        .attr('opacity', off ? 0.4 : 1).style('cursor', 'pointer')
        .on('click', () => toggle(p.series.key))
        .on('keydown', (event: KeyboardEvent) => {
          if (event.key !== 'Enter' && event.key !== ' ') return;
          event.preventDefault();
          event.stopPropagation();
          legendFocus.set(node, p.series.key);
          toggle(p.series.key);
        });
      item.append('line').attr('x1', 0).attr('x2', 14).attr('y1', -4).attr('y2', -4).attr('stroke', p.color).attr('stroke-width', 2.5);
      const text = item.append('text').attr('x', 18).attr('y', 0).attr('fill', muted).attr('font-size', 11).text(p.series.label);
      const w = 18 + (text.node()?.getComputedTextLength() || p.series.label.length * 6) + 16;
      if (lx + w > width - MARGIN.right && lx > MARGIN.left) { lx = MARGIN.left - 50 + titleWidth; ly += 16; }
      item.attr('transform', `translate(${lx},${ly})`);
      lx += w;
    }
    const top = ly + MARGIN.top + 6;
    const bottom = height - MARGIN.bottom;
    const right = width - MARGIN.right;

    // y over what is drawn; then the left margin fits the widest tick label (25,000 or 0.00105) beside
    // the axis title; then x over every series (or the given domain, e.g. the run's total steps).
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of prepared) {
      for (const arr of [p.raw, p.shown]) {
        for (let i = 0; i < arr.length; i++) if (plottable(arr[i])) { lo = Math.min(lo, arr[i]); hi = Math.max(hi, arr[i]); }
      }
    }
    if (!(lo <= hi)) { lo = log ? 0.1 : 0; hi = 1; }
    let y: d3.ScaleContinuousNumeric<number, number>;
    if (log) {
      // Not nice(): rounding out to whole decades would squash a loss that spans less than one.
      y = d3.scaleLog().domain(lo === hi ? [lo / 2, hi * 2] : [lo / 1.05, hi * 1.05]).range([bottom, top]);
    } else {
      const pad = lo === hi ? Math.abs(lo) * 0.1 || 1 : 0;
      y = d3.scaleLinear().domain([lo - pad, hi + pad]).range([bottom, top]).nice(5);
    }
    const yTicks = log ? logTicks(y as d3.ScaleLogarithmic<number, number>) : y.ticks(Math.max(2, Math.floor((bottom - top) / 40)));
    // Tick labels: the given format, else d3's (precision from the tick spacing: 0.00095, not 9.500e-4).
    const tickLabel = formatTick ?? (log ? (v: number) => formatNumber(v) : y.tickFormat(yTicks.length, tickSpecifier));
    const needed = Math.ceil(Math.max(MARGIN.left, widestText(svg, yTicks.map((v) => tickLabel(v)), 11) + 12 + (yLabel ? 18 : 0)));
    // Charts stacked on one page align their plots by sharing the widest need (see marginLeft).
    svg.attr('data-left-needed', needed);
    const left = Math.max(needed, minLeft);

    const allSteps = mergedSteps(prepared.map((p) => p.steps));
    const [s0, s1] = xDomain ?? [allSteps[0] ?? 0, allSteps[allSteps.length - 1] ?? 1];
    const x = d3.scaleLinear().domain(s1 > s0 ? [s0, s1] : [s0 - 1, s0 + 1]).range([left, right]);

    // Grid and axes.
    svg.append('g').attr('class', 'grid').selectAll('line').data(yTicks).join('line')
      .attr('x1', left).attr('x2', right).attr('y1', (v) => y(v)).attr('y2', (v) => y(v)).attr('stroke', grid).attr('stroke-width', 1);
    const yAxis = svg.append('g').attr('class', 'axis y-axis').attr('transform', `translate(${left},0)`)
      .call(d3.axisLeft(y).tickValues(yTicks).tickFormat((v) => tickLabel(Number(v))).tickSizeOuter(0));
    const xAxis = svg.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${bottom})`)
      .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))).tickFormat((v) => formatStep(Number(v))).tickSizeOuter(0));
    for (const axis of [xAxis, yAxis]) {
      axis.selectAll('text').attr('fill', muted);
      axis.selectAll('line,path').attr('stroke', muted);
    }
    svg.append('text').attr('class', 'axis-label').attr('x', (left + right) / 2).attr('y', height - 4).attr('text-anchor', 'middle')
      .attr('fill', muted).attr('font-size', 11).text(xLabel);
    if (yLabel) {
      svg.append('text').attr('class', 'axis-label').attr('transform', `translate(12,${(top + bottom) / 2}) rotate(-90)`)
        .attr('text-anchor', 'middle').attr('fill', muted).attr('font-size', 11).text(yLabel + (log ? ' (log)' : ''));
    }
    // The focus ring: invisible until the page's CSS strokes it for `svg.line-chart:focus`.
    svg.append('rect').attr('class', 'focus-ring').attr('x', left - 1).attr('y', top - 1).attr('width', Math.max(0, right - left + 2))
      .attr('height', Math.max(0, bottom - top + 2)).attr('fill', 'none').attr('stroke', 'none');

    // Curves, clipped to the plot (a log axis or a fixed x domain may cut them).
    const clipId = `line-chart-clip-${++clipIds}`;
    svg.append('clipPath').attr('id', clipId).append('rect').attr('x', left).attr('y', top - 2).attr('width', Math.max(0, right - left)).attr('height', Math.max(0, bottom - top + 4));
    const curves = svg.append('g').attr('class', 'curves').attr('clip-path', `url(#${clipId})`);
    const path = (p: Prepared, values: ArrayLike<number>) =>
      d3.line<number>().defined((i) => plottable(values[i])).x((i) => x(p.steps[i])).y((i) => y(values[i]))(d3.range(values.length)) ?? '';
    for (const p of prepared) {
      const g = curves.append('g').attr('class', 'series').attr('data-key', p.series.key);
      if (smoothing > 0) {
        g.append('path').attr('class', 'raw').attr('d', path(p, p.raw)).attr('fill', 'none').attr('stroke', p.color)
          .attr('stroke-width', 1).attr('stroke-opacity', 0.28);
      }
      g.append('path').attr('class', smoothing > 0 ? 'smoothed' : 'raw line').attr('d', path(p, p.shown)).attr('fill', 'none')
        .attr('stroke', p.color).attr('stroke-width', 1.75).attr('stroke-linejoin', 'round');
      if (p.steps.length <= DOTS_UP_TO) {
        g.selectAll('circle').data(d3.range(p.shown.length).filter((i) => plottable(p.shown[i]))).join('circle')
          .attr('class', 'dot').attr('cx', (i) => x(p.steps[i])).attr('cy', (i) => y(p.shown[i])).attr('r', 2.2).attr('fill', p.color);
      }
    }

    // Checkpoints: ticks just under the x axis line.
    // Ticks closer than 4 px to a neighbour (hundreds of checkpoints, or log-spaced ones early on) fade to
    // a texture rather than merging into a solid bar.
    const shownCheckpoints = checkpoints.filter((s) => s >= x.domain()[0] && s <= x.domain()[1]);
    const crowded = (i: number) => (i > 0 && x(shownCheckpoints[i]) - x(shownCheckpoints[i - 1]) < 4) ||
      (i + 1 < shownCheckpoints.length && x(shownCheckpoints[i + 1]) - x(shownCheckpoints[i]) < 4);
    svg.append('g').attr('class', 'checkpoints').selectAll('line').data(shownCheckpoints).join('line')
      .attr('class', 'checkpoint').attr('data-step', (s) => s).attr('x1', (s) => x(s)).attr('x2', (s) => x(s))
      .attr('y1', (_s, i) => bottom - (crowded(i) ? 4 : 5)).attr('y2', bottom).attr('stroke', fg)
      .attr('stroke-width', (_s, i) => (crowded(i) ? 1 : 1.25)).attr('stroke-opacity', (_s, i) => (crowded(i) ? 0.3 : 0.7));

    if (selectedStep !== undefined && selectedStep >= x.domain()[0] && selectedStep <= x.domain()[1]) {
      const g = svg.append('g').attr('class', 'selected-step').attr('data-step', selectedStep);
      g.append('line').attr('x1', x(selectedStep)).attr('x2', x(selectedStep)).attr('y1', top).attr('y2', bottom)
        .attr('stroke', accent).attr('stroke-width', 1.5);
      g.append('path').attr('d', d3.symbol(d3.symbolTriangle, 40)()).attr('transform', `translate(${x(selectedStep)},${bottom + 1})`).attr('fill', accent);
    }

    // Crosshair: a rule at the hovered step and a dot on each series at its own nearest point.
    const cross = svg.append('g').attr('class', 'crosshair').attr('pointer-events', 'none').style('display', 'none');
    const rule = cross.append('line').attr('y1', top).attr('y2', bottom).attr('stroke', muted).attr('stroke-dasharray', '3,3');
    const dots = cross.selectAll('circle').data(prepared).join('circle').attr('r', 3.5).attr('fill', (p) => p.color)
      .attr('stroke', themeColor('--vscode-editor-background', '#1e1e1e')).attr('stroke-width', 1.5);

    /** Moves the crosshair to the data step nearest to `step` and returns that step (undefined: no data). */
    const showAt = (step: number, at: (px: number) => MouseEvent): number | undefined => {
      const k = nearestIndex(allSteps, step);
      if (k < 0) return undefined;
      const s = allSteps[k];
      cross.style('display', null).attr('data-step', s);
      rule.attr('x1', x(s)).attr('x2', x(s));
      const lines = [`step ${s.toLocaleString('en-US')}`];
      dots.each(function (p) {
        const i = nearestIndex(p.steps, s);
        const v = p.shown[i];
        const visible = plottable(v);
        d3.select(this).style('display', visible ? 'inline' : 'none').attr('cx', x(p.steps[i])).attr('cy', visible ? y(v) : 0);
        const rawText = formatValue(p.raw[i]);
        const rawNote = smoothing > 0 && rawText !== formatValue(v) ? ` (raw ${rawText})` : '';
        const atNote = p.steps[i] !== s ? ` at step ${p.steps[i].toLocaleString('en-US')}` : '';
        lines.push(`${p.series.label}: ${formatValue(v)}${rawNote}${atNote}`);
      });
      if (checkpoints.length) {
        const c = checkpoints[nearestIndex(checkpoints, s)];
        lines.push(`click or Enter: checkpoint ${c.toLocaleString('en-US')}`);
      }
      tooltip?.show(at(x(s)), lines);
      return s;
    };
    const hide = () => { cross.style('display', 'none'); tooltip?.hide(); };

    const overlay = svg.append('rect').attr('class', 'pick-area').attr('x', left).attr('y', top)
      .attr('width', Math.max(0, right - left)).attr('height', Math.max(0, bottom - top + 6)).attr('fill', 'transparent').style('cursor', 'crosshair');
    const hoverAt = (event: MouseEvent) => showAt(x.invert(d3.pointer(event, node)[0]), () => event);
    overlay
      .on('mousemove', (event: MouseEvent) => { pointer.set(node, event); hoverAt(event); })
      .on('mouseleave', () => { pointer.delete(node); hide(); })
      .on('click', (event: MouseEvent) => {
        const s = hoverAt(event);
        if (s !== undefined) pick(s);
      });

    // Keyboard: the crosshair walks the recorded steps; the tooltip sits at the rule, near the plot's top.
    const atRule = (px: number) => {
      const box = node.getBoundingClientRect();
      const scale = box.width / width || 1;
      return new MouseEvent('mousemove', { clientX: box.left + px * scale, clientY: box.top + top * scale });
    };
    const moveTo = (step: number) => {
      const s = showAt(step, atRule);
      if (s !== undefined) keyboardCursor.set(node, s);
    };
    svg.on('keydown', (event: KeyboardEvent) => {
      if (allSteps.length === 0) return;
      const current = keyboardCursor.get(node);
      const k = current === undefined ? allSteps.length - 1 : nearestIndex(allSteps, current);
      const page = Math.max(1, Math.round(allSteps.length / 10));
      const to: Record<string, number> = {
        ArrowLeft: k - 1, ArrowDown: k - 1, ArrowRight: k + 1, ArrowUp: k + 1,
        PageDown: k - page, PageUp: k + page, Home: 0, End: allSteps.length - 1,
      };
      if (event.key in to) {
        moveTo(allSteps[Math.max(0, Math.min(allSteps.length - 1, current === undefined ? k : to[event.key]))]);
      } else if ((event.key === 'Enter' || event.key === ' ') && current !== undefined) {
        pick(allSteps[k]);
      } else if (event.key === 'Escape') {
        keyboardCursor.delete(node);
        hide();
        return;
      } else {
        return;
      }
      event.preventDefault();
    });
    svg.on('focus', () => {
      if (keyboardCursor.has(node)) moveTo(keyboardCursor.get(node) as number);
      else if (selectedStep !== undefined) moveTo(selectedStep);
    });
    svg.on('blur', () => { keyboardCursor.delete(node); hide(); });
    svg.on('mouseleave', () => { pointer.delete(node); hide(); });
    const refocus = legendFocus.get(node);
    if (refocus !== undefined) {
      legendFocus.delete(node);
      head.selectAll<SVGGElement, unknown>('.legend-item').filter(function () { return this.getAttribute('data-key') === refocus; }).node()?.focus();
    }
    // A redraw while the crosshair is up (live curves, smoothing slider) puts it back.
    const still = pointer.get(node);
    if (still) hoverAt(still);
    else if (document.activeElement === node && keyboardCursor.has(node)) moveTo(keyboardCursor.get(node) as number);
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.height = (h: number) => { height = h; return chart; };
  chart.title = (t: string) => { title = t; return chart; };
  chart.yLabel = (t: string) => { yLabel = t; return chart; };
  chart.xLabel = (t: string) => { xLabel = t; return chart; };
  chart.yScale = (kind: YScaleKind) => { yScaleKind = kind; return chart; };
  /** TensorBoard's smoothing weight, 0 (off) to 0.999. */
  chart.smoothing = (w: number) => { smoothing = Math.min(0.999, Math.max(0, w)); return chart; };
  /** Steps with a checkpoint (ticks on the x axis). */
  chart.checkpoints = (steps: number[]) => { checkpoints = steps; return chart; };
  /** The highlighted step (the checkpoint the linked panels show), or undefined. */
  chart.selectedStep = (step: number | undefined) => { selectedStep = step; return chart; };
  /** A fixed step domain (e.g. 0 to the run's total steps, so charts align and a live run fills in). */
  chart.xDomain = (domain: [number, number] | undefined) => { xDomain = domain; return chart; };
  chart.tooltip = (t: Tooltip | undefined) => { tooltip = t; return chart; };
  /** Keys of series not drawn (their legend entries stay, dimmed). */
  chart.hidden = (keys: ReadonlySet<string>) => { hidden = keys; return chart; };
  /** Called with a series key when its legend entry is clicked or toggled from the keyboard. */
  chart.onToggle = (f: (key: string) => void) => { toggle = f; return chart; };
  /** The least left margin: charts stacked on a page pass the largest `data-left-needed` of the last draw
   *  (the width their tick labels needed) so their step axes line up. */
  chart.marginLeft = (px: number) => { minLeft = px; return chart; };
  /** How the tooltip shows a value (default: 4 significant digits). */
  chart.formatValue = (f: (v: number) => string) => { formatValue = f; return chart; };
  /** How the y axis labels its ticks (default: d3's, precise to the tick spacing). */
  chart.formatTick = (f: ((v: number) => string) | undefined) => { formatTick = f; return chart; };
  /** A d3-format specifier for linear y ticks whose precision d3 still picks from the spacing ('%': 10%, 10.2%). */
  chart.tickSpecifier = (specifier: string | undefined) => { tickSpecifier = specifier; return chart; };
  /** Called with the picked step (a data step of some series) on click, Enter or Space. */
  chart.onStep = (f: (step: number) => void) => { pick = f; return chart; };
  return chart;
}

/** The ascending union of the series' steps (each ascending): the places the crosshair can stop. */
export function mergedSteps(stepArrays: ArrayLike<number>[]): number[] {
  const all: number[] = [];
  for (const steps of stepArrays) for (let i = 0; i < steps.length; i++) all.push(steps[i]);
  all.sort((a, b) => a - b);
  return all.filter((s, i) => i === 0 || s !== all[i - 1]);
}

/** Width in px of the widest of `labels` at `fontSize` (measured in the chart's own <svg>). */
function widestText(svg: SvgSelection, labels: string[], fontSize: number): number {
  const probe = svg.append('text').attr('font-size', fontSize).attr('visibility', 'hidden');
  let widest = 0;
  for (const label of labels) widest = Math.max(widest, probe.text(label).node()?.getComputedTextLength() || label.length * fontSize * 0.6);
  probe.remove();
  return widest;
}

/** Log-axis ticks: the ones d3 would label (1, 2, 5 per decade or fewer), so labels never overlap. */
function logTicks(y: d3.ScaleLogarithmic<number, number>): number[] {
  const labelled = y.tickFormat(5);
  const ticks = y.ticks().filter((t) => labelled(t) !== '');
  return ticks.length >= 2 ? ticks : y.ticks();
}

function formatStep(step: number): string {
  return Math.abs(step) >= 10000 ? d3.format('~s')(step) : String(step);
}
