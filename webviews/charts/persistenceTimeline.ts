/**
 * How a barcode evolves over training, d3 style: `persistenceTimeline().width(w).onPick(f)(svg, series, step)`.
 * One small panel per homology dimension (total finite persistence against step, with the longest bar as
 * a dashed line), a shared step axis, a marker at the shown checkpoint; clicking picks the nearest step.
 */
import * as d3 from 'd3';
import type { BarcodeSeries } from '../../analysis/worker/protocol/weightBarcode';
import { dimensionColor, themeColor } from '../shared/theme';
import { formatNumber } from '../shared/dom';

const MARGIN = { top: 10, right: 44, bottom: 30, left: 60 };
const ROW = 64;
const GAP = 14;

export function persistenceTimeline() {
  let width = 640;
  let pick: (step: number) => void = () => undefined;

  function chart(svg: d3.Selection<SVGSVGElement, unknown, null, undefined>, series: BarcodeSeries, currentStep: number): void {
    const dims = d3.range(series.maxDim + 1);
    const height = MARGIN.top + dims.length * ROW + (dims.length - 1) * GAP + MARGIN.bottom;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`)
      .attr('role', 'img').attr('aria-label', `Persistence over ${series.points.length} checkpoints`);
    svg.selectAll('*').remove();
    const steps = series.points.map((p) => p.step);
    const x = d3.scaleLinear().domain(d3.extent(steps) as [number, number]).range([MARGIN.left, width - MARGIN.right]);
    if (steps.length === 1) x.domain([steps[0] - 1, steps[0] + 1]);
    const muted = themeColor('--vscode-descriptionForeground', '#999');
    const fg = themeColor('--vscode-foreground', '#ccc');

    dims.forEach((dim, row) => {
      const top = MARGIN.top + row * (ROW + GAP);
      const values = series.points.map((p) => p.perDim.find((d) => d.dim === dim) ?? { total: 0, longest: 0, bars: 0 });
      const y = d3.scaleLinear().domain([0, d3.max(values, (v) => Math.max(v.total, v.longest)) || 1]).nice(3).range([top + ROW, top]);
      const g = svg.append('g').attr('class', `timeline dim-${dim}`);
      const axis = g.append('g').attr('transform', `translate(${MARGIN.left},0)`).call(d3.axisLeft(y).ticks(3).tickFormat((v) => formatNumber(Number(v))).tickSizeOuter(0));
      axis.selectAll('text').attr('fill', muted);
      axis.selectAll('line,path').attr('stroke', muted);
      g.append('text').attr('x', width - MARGIN.right + 6).attr('y', top + 12).attr('fill', fg).attr('font-size', 12).attr('font-weight', 600).text(`H${dim}`);
      const colour = dimensionColor(dim);
      const line = (acc: (v: (typeof values)[number]) => number) =>
        d3.line<number>().x((i) => x(steps[i])).y((i) => y(acc(values[i])))(d3.range(values.length));
      g.append('path').attr('class', 'total').attr('d', line((v) => v.total)).attr('fill', 'none').attr('stroke', colour).attr('stroke-width', 2);
      g.append('path').attr('class', 'longest').attr('d', line((v) => v.longest)).attr('fill', 'none').attr('stroke', colour)
        .attr('stroke-width', 1.2).attr('stroke-dasharray', '4,3').attr('opacity', 0.8);
      g.selectAll('circle').data(d3.range(values.length)).join('circle')
        .attr('cx', (i) => x(steps[i])).attr('cy', (i) => y(values[i].total)).attr('r', 2.2).attr('fill', colour);
    });

    const bottom = height - MARGIN.bottom;
    const axis = svg.append('g').attr('transform', `translate(0,${bottom + 4})`).call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))).tickSizeOuter(0));
    axis.selectAll('text').attr('fill', muted);
    axis.selectAll('line,path').attr('stroke', muted);
    svg.append('line').attr('class', 'current-step').attr('x1', x(currentStep)).attr('x2', x(currentStep))
      .attr('y1', MARGIN.top - 4).attr('y2', bottom + 4).attr('stroke', themeColor('--vscode-focusBorder', '#007fd4')).attr('stroke-width', 1.5);
    svg.append('rect').attr('class', 'pick-area').attr('x', MARGIN.left).attr('y', MARGIN.top).attr('width', Math.max(0, width - MARGIN.left - MARGIN.right))
      .attr('height', Math.max(0, bottom - MARGIN.top)).attr('fill', 'transparent').style('cursor', 'pointer')
      .on('click', (event: MouseEvent) => {
        const sx = x.invert(d3.pointer(event)[0]);
        pick(steps.reduce((best, s) => (Math.abs(s - sx) < Math.abs(best - sx) ? s : best), steps[0]));
      });
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.onPick = (f: (step: number) => void) => { pick = f; return chart; };
  return chart;
}
