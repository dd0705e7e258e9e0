/**
 * Persistence barcode chart, d3 style: `barcodeChart().width(600).onHover(f)(svgSelection, bars)`.
 * One row per bar, grouped by homology dimension (H0 first), each group sorted by birth then death;
 * essential bars run to an "∞" lane at the right edge. Bars carry data-dim/birth/death for tests and
 * for the tooltip; colours come from the theme at draw time.
 */
import * as d3 from 'd3';
import type { WireBar } from '../../analysis/worker/protocol/weightBarcode';
import { dimensionColor, themeColor } from '../shared/theme';
import { formatNumber } from '../shared/dom';

export interface BarcodeRow { bar: WireBar; index: number }
export type Hover = (row: BarcodeRow | undefined, event: MouseEvent) => void;

/** What every mark of a bar carries, in any chart: class by dimension, data-dim/birth/death (read by the
 *  tests and the tooltip), the dimension's colour, and the hover handlers. */
export function markBars<E extends SVGElement>(marks: d3.Selection<E, BarcodeRow, SVGGElement, unknown>, kind: string, hover: Hover): void {
  marks
    .attr('class', (r) => `${kind} dim-${r.bar.dim}${r.bar.death === null ? ' essential' : ''}`)
    .attr('data-dim', (r) => r.bar.dim)
    .attr('data-birth', (r) => r.bar.birth)
    .attr('data-death', (r) => (r.bar.death === null ? 'inf' : r.bar.death))
    .attr('fill', (r) => dimensionColor(r.bar.dim))
    .on('mouseenter mousemove', (event: Event, r) => hover(r, event as MouseEvent))
    .on('mouseleave', (event: Event) => hover(undefined, event as MouseEvent));
}

const MARGIN = { top: 18, right: 44, bottom: 36, left: 46 };
const INFINITY_LANE = 44;

export function barcodeChart() {
  let width = 640;
  let rowHeight = 8;
  let hover: Hover = () => undefined;
  let click: (row: BarcodeRow) => void = () => undefined;

  function chart(svg: d3.Selection<SVGSVGElement, unknown, null, undefined>, bars: WireBar[]): void {
    const dims = [...new Set(bars.map((b) => b.dim))].sort((a, b) => a - b);
    const rows = orderBars(bars);
    const gap = rowHeight * 2.2;
    const plotH = rows.length * rowHeight + Math.max(0, dims.length - 1) * gap;
    const height = MARGIN.top + Math.max(plotH, 40) + MARGIN.bottom;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('role', 'img')
      .attr('aria-label', `Persistence barcode with ${bars.length} bars`);
    svg.selectAll('*').remove();

    const finiteMax = d3.max(bars, (b) => (b.death === null ? b.birth : b.death)) ?? 1;
    const x = d3.scaleLinear().domain([0, finiteMax > 0 ? finiteMax * 1.04 : 1]).range([MARGIN.left, width - MARGIN.right - INFINITY_LANE]).nice();
    const xInf = width - MARGIN.right;
    const fg = themeColor('--vscode-foreground', '#ccc');
    const muted = themeColor('--vscode-descriptionForeground', '#999');

    // y position of each row, with a gap between dimension groups
    const yOf = new Map<BarcodeRow, number>();
    let y = MARGIN.top;
    let prevDim: number | undefined;
    const groupStart = new Map<number, number>();
    for (const row of rows) {
      if (prevDim !== undefined && row.bar.dim !== prevDim) y += gap;
      if (!groupStart.has(row.bar.dim)) groupStart.set(row.bar.dim, y);
      yOf.set(row, y);
      y += rowHeight;
      prevDim = row.bar.dim;
    }

    const axis = svg.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${height - MARGIN.bottom + 6})`)
      .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))).tickFormat((v) => formatNumber(Number(v))).tickSizeOuter(0));
    axis.selectAll('text').attr('fill', muted);
    axis.selectAll('line,path').attr('stroke', muted);
    svg.append('text').attr('class', 'axis-label').attr('x', (MARGIN.left + xInf) / 2).attr('y', height - 4)
      .attr('text-anchor', 'middle').attr('fill', muted).attr('font-size', 11).text('filtration value (distance between neuron weight vectors)');

    // the ∞ lane
    svg.append('line').attr('class', 'infinity-rule').attr('x1', xInf - INFINITY_LANE / 2).attr('x2', xInf - INFINITY_LANE / 2)
      .attr('y1', MARGIN.top - 6).attr('y2', height - MARGIN.bottom + 6).attr('stroke', muted).attr('stroke-dasharray', '2,3');
    svg.append('text').attr('x', xInf - INFINITY_LANE / 2).attr('y', height - MARGIN.bottom + 22).attr('text-anchor', 'middle')
      .attr('fill', muted).attr('font-size', 12).text('∞');

    for (const dim of dims) {
      svg.append('text').attr('class', 'dim-label').attr('x', MARGIN.left - 8).attr('y', (groupStart.get(dim) ?? 0) + rowHeight)
        .attr('text-anchor', 'end').attr('fill', fg).attr('font-size', 12).attr('font-weight', 600).text(`H${dim}`);
    }

    const marks = svg.append('g').attr('class', 'bars').selectAll<SVGRectElement, BarcodeRow>('rect.bar').data(rows).join('rect');
    markBars(marks, 'bar', hover);
    marks
      .attr('x', (r) => x(r.bar.birth))
      .attr('y', (r) => (yOf.get(r) ?? 0) + rowHeight * 0.15)
      .attr('width', (r) => Math.max(1.5, (r.bar.death === null ? xInf : x(r.bar.death)) - x(r.bar.birth)))
      .attr('height', Math.max(1, rowHeight * 0.7))
      .attr('rx', Math.min(2, rowHeight * 0.3))
      .on('click', (_event, r) => click(r));
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.rowHeight = (h: number) => { rowHeight = h; return chart; };
  chart.onHover = (f: Hover) => { hover = f; return chart; };
  chart.onClick = (f: (row: BarcodeRow) => void) => { click = f; return chart; };
  return chart;
}

/** Dimension, then birth, then death (essential last): the conventional reading order. */
export function orderBars(bars: WireBar[]): BarcodeRow[] {
  return bars.map((bar, index) => ({ bar, index })).sort((a, b) =>
    a.bar.dim - b.bar.dim || a.bar.birth - b.bar.birth || (a.bar.death ?? Infinity) - (b.bar.death ?? Infinity));
}
