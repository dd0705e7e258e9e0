/**
 * Persistence diagram, d3 style: `persistenceDiagram().size(w, h).onHover(f)(svg, bars)`. Each bar is a
 * point (birth, death); distance above the diagonal is persistence; essential classes sit on an "∞" line
 * at the top. Same rows and hover contract as the barcode chart, so the panel can switch between them.
 */
import * as d3 from 'd3';
import type { WireBar } from '../../analysis/worker/protocol/weightBarcode';
import { themeColor } from '../shared/theme';
import { formatNumber } from '../shared/dom';
import { markBars, orderBars, type BarcodeRow, type Hover } from './barcode';

const MARGIN = { top: 26, right: 24, bottom: 40, left: 56 };

export function persistenceDiagram() {
  let width = 420;
  let hover: Hover = () => undefined;

  function chart(svg: d3.Selection<SVGSVGElement, unknown, null, undefined>, bars: WireBar[]): void {
    const side = Math.max(200, Math.min(width, 520));
    const height = side;
    svg.attr('width', side).attr('height', height).attr('viewBox', `0 0 ${side} ${height}`).attr('role', 'img')
      .attr('aria-label', `Persistence diagram with ${bars.length} points`);
    svg.selectAll('*').remove();
    const rows = orderBars(bars);
    const maxValue = d3.max(bars, (b) => Math.max(b.birth, b.death ?? 0)) || 1;
    const domain: [number, number] = [0, maxValue * 1.05];
    const x = d3.scaleLinear().domain(domain).range([MARGIN.left, side - MARGIN.right]).nice();
    const yFinite = d3.scaleLinear().domain(x.domain()).range([height - MARGIN.bottom, MARGIN.top + 14]);
    const yInf = MARGIN.top;
    const muted = themeColor('--vscode-descriptionForeground', '#999');

    const ax = svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${height - MARGIN.bottom})`)
      .call(d3.axisBottom(x).ticks(5).tickFormat((v) => formatNumber(Number(v))).tickSizeOuter(0));
    const ay = svg.append('g').attr('class', 'axis').attr('transform', `translate(${MARGIN.left},0)`)
      .call(d3.axisLeft(yFinite).ticks(5).tickFormat((v) => formatNumber(Number(v))).tickSizeOuter(0));
    for (const a of [ax, ay]) {
      a.selectAll('text').attr('fill', muted);
      a.selectAll('line,path').attr('stroke', muted);
    }
    svg.append('text').attr('x', (MARGIN.left + side - MARGIN.right) / 2).attr('y', height - 6).attr('text-anchor', 'middle').attr('fill', muted).attr('font-size', 11).text('birth');
    svg.append('text').attr('transform', `translate(14,${(height - MARGIN.bottom + MARGIN.top) / 2}) rotate(-90)`).attr('text-anchor', 'middle').attr('fill', muted).attr('font-size', 11).text('death');
    const [d0, d1] = x.domain();
    svg.append('line').attr('class', 'diagonal').attr('x1', x(d0)).attr('y1', yFinite(d0)).attr('x2', x(d1)).attr('y2', yFinite(d1)).attr('stroke', muted).attr('stroke-dasharray', '3,3');
    svg.append('line').attr('class', 'infinity-rule').attr('x1', MARGIN.left).attr('x2', side - MARGIN.right).attr('y1', yInf).attr('y2', yInf).attr('stroke', muted).attr('stroke-dasharray', '2,3');
    svg.append('text').attr('x', MARGIN.left - 8).attr('y', yInf + 4).attr('text-anchor', 'end').attr('fill', muted).attr('font-size', 12).text('∞');

    const marks = svg.append('g').attr('class', 'points').selectAll<SVGCircleElement, BarcodeRow>('circle.point').data(rows).join('circle');
    markBars(marks, 'point', hover);
    marks
      .attr('cx', (r) => x(r.bar.birth))
      .attr('cy', (r) => (r.bar.death === null ? yInf : yFinite(r.bar.death)))
      .attr('r', 4)
      .attr('fill-opacity', 0.8);
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.onHover = (f: Hover) => { hover = f; return chart; };
  return chart;
}
