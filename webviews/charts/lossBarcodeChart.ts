/**
 * Loss barcode chart, d3 style: `lossBarcodeChart().width(600).log(true).onHover(f).onClick(g)(svg, rows)`.
 * One horizontal row per minimum, sorted by its loss (birth): the minima segment [loss, death] as a bar,
 * the global minimum's bar running into an "∞" lane, and behind each bar a faint one ending at the death the
 * straight-line barriers give (the labelled baseline the optimised paths improve on). Rows carry data-index,
 * data-birth, data-death for tests and the tooltip.
 */
import * as d3 from 'd3';
import { themeColor } from '../shared/theme';
import { formatNumber } from '../shared/dom';

export interface LossBarRow {
  index: number;
  label: string;
  birth: number;
  /** null: the global minimum (infinite bar). */
  death: number | null;
  straightDeath: number | null;
}

export type LossBarHover = (row: LossBarRow | undefined, event: MouseEvent) => void;

const MARGIN = { top: 26, right: 16, bottom: 38, left: 56 };
const INFINITY_LANE = 40;

export function lossBarcodeChart() {
  let width = 640;
  let rowHeight = 18;
  let log = false;
  let hover: LossBarHover = () => undefined;
  let click: (row: LossBarRow) => void = () => undefined;

  function chart(svg: d3.Selection<SVGSVGElement, unknown, null, undefined>, input: LossBarRow[]): void {
    const rows = input.slice().sort((a, b) => a.birth - b.birth || a.index - b.index);
    const height = MARGIN.top + Math.max(1, rows.length) * rowHeight + MARGIN.bottom;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('role', 'img')
      .attr('aria-label', `Loss barcode of ${rows.length} minima`);
    svg.selectAll('*').remove();
    const values = rows.flatMap((r) => [r.birth, r.death, r.straightDeath]).filter((v): v is number => v !== null);
    const lo = d3.min(values) ?? 0;
    const hi = d3.max(values) ?? 1;
    const useLog = log && lo > 0;
    const x = (useLog ? d3.scaleLog().domain([lo / 1.1, hi * 1.1]) : d3.scaleLinear().domain([Math.min(0, lo), hi > lo ? hi + 0.04 * (hi - lo) : hi + 1]).nice())
      .range([MARGIN.left, width - MARGIN.right - INFINITY_LANE]);
    const xInf = width - MARGIN.right;
    const fg = themeColor('--vscode-foreground', '#ccc');
    const muted = themeColor('--vscode-descriptionForeground', '#999');
    const barColor = themeColor('--vscode-charts-blue', '#3794ff');
    const axis = svg.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${height - MARGIN.bottom + 4})`)
      .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90)), useLog ? '~g' : undefined).tickFormat((v) => formatNumber(Number(v))).tickSizeOuter(0));
    axis.selectAll('text').attr('fill', muted);
    axis.selectAll('line,path').attr('stroke', muted);
    svg.append('text').attr('class', 'axis-label').attr('x', (MARGIN.left + xInf) / 2).attr('y', height - 4).attr('text-anchor', 'middle')
      .attr('fill', muted).attr('font-size', 11).text(`training loss${useLog ? ' (log scale)' : ''}: bar from the minimum to the saddle that merges it into a lower one`);
    svg.append('line').attr('class', 'infinity-rule').attr('x1', xInf - INFINITY_LANE / 2).attr('x2', xInf - INFINITY_LANE / 2)
      .attr('y1', MARGIN.top - 6).attr('y2', height - MARGIN.bottom + 4).attr('stroke', muted).attr('stroke-dasharray', '2,3');
    svg.append('text').attr('x', xInf - INFINITY_LANE / 2).attr('y', height - MARGIN.bottom + 20).attr('text-anchor', 'middle').attr('fill', muted).attr('font-size', 12).text('∞');
    // Legend: optimised path vs straight line.
    const legend = svg.append('g').attr('class', 'legend').attr('transform', `translate(${MARGIN.left},12)`);
    legend.append('rect').attr('width', 14).attr('height', 8).attr('y', -7).attr('fill', barColor);
    legend.append('text').attr('x', 18).attr('fill', fg).attr('font-size', 11).text('optimised paths');
    legend.append('rect').attr('x', 120).attr('width', 14).attr('height', 8).attr('y', -7).attr('fill', muted).attr('opacity', 0.35);
    legend.append('text').attr('x', 138).attr('fill', fg).attr('font-size', 11).text('straight lines (baseline)');
    const yOf = (i: number) => MARGIN.top + i * rowHeight;
    const end = (d: number | null) => (d === null ? xInf : x(d));
    const g = svg.append('g').attr('class', 'bars').selectAll<SVGGElement, LossBarRow>('g.minimum').data(rows).join('g')
      .attr('class', (r) => `minimum${r.death === null ? ' essential' : ''}`)
      .attr('transform', (_r, i) => `translate(0,${yOf(i)})`);
    g.append('text').attr('x', MARGIN.left - 8).attr('y', rowHeight * 0.68).attr('text-anchor', 'end').attr('fill', fg).attr('font-size', 11).text((r) => r.label);
    g.append('rect').attr('class', 'straight')
      .attr('x', (r) => x(r.birth)).attr('y', rowHeight * 0.1).attr('height', rowHeight * 0.8)
      .attr('width', (r) => Math.max(0, end(r.straightDeath) - x(r.birth))).attr('fill', muted).attr('opacity', 0.35);
    g.append('rect').attr('class', 'bar')
      .attr('data-index', (r) => r.index).attr('data-birth', (r) => r.birth).attr('data-death', (r) => (r.death === null ? 'inf' : r.death))
      .attr('x', (r) => x(r.birth)).attr('y', rowHeight * 0.25).attr('height', rowHeight * 0.5).attr('rx', 2)
      .attr('width', (r) => Math.max(2, end(r.death) - x(r.birth))).attr('fill', barColor)
      .on('mouseenter mousemove', (event: Event, r) => hover(r, event as MouseEvent))
      .on('mouseleave', (event: Event) => hover(undefined, event as MouseEvent))
      .on('click', (_event, r) => click(r));
    g.append('circle').attr('cx', (r) => x(r.birth)).attr('cy', rowHeight / 2).attr('r', 3).attr('fill', fg);
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.rowHeight = (h: number) => { rowHeight = h; return chart; };
  chart.log = (on: boolean) => { log = on; return chart; };
  chart.onHover = (f: LossBarHover) => { hover = f; return chart; };
  chart.onClick = (f: (row: LossBarRow) => void) => { click = f; return chart; };
  return chart;
}
