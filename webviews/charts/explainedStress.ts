/**
 * Explained stress per InPCA axis, d3 style: `explainedStressChart().width(w)(svg, eigenvalues, es)`.
 * A bar per axis for what that axis adds (ES(k) - ES(k-1)) and a line through the cumulative ES(k) with its
 * value; time-like axes (lambda < 0) are drawn in another colour with a dashed outline and named in the
 * legend, so they are never mistaken for ordinary (space-like) axes.
 */
import * as d3 from 'd3';
import { themeColor } from '../shared/theme';

type SvgSelection = d3.Selection<SVGSVGElement, unknown, null, undefined>;
const MARGIN = { top: 24, right: 16, bottom: 32, left: 44 };

export function explainedStressChart() {
  let width = 640;
  let height = 180;

  function chart(svg: SvgSelection, eigenvalues: number[], es: number[]): void {
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('role', 'img')
      .attr('aria-label', `Explained stress of ${es.length} axes: ES(1) = ${es[0]?.toFixed(3)}`);
    svg.selectAll('*').remove();
    const fg = themeColor('--vscode-foreground', '#ccc');
    const muted = themeColor('--vscode-descriptionForeground', '#999');
    const space = themeColor('--vscode-charts-blue', '#3794ff');
    const time = themeColor('--vscode-charts-red', '#f14c4c');
    const idx = d3.range(es.length);
    const x = d3.scaleBand<number>().domain(idx).range([MARGIN.left, width - MARGIN.right]).padding(0.25);
    const y = d3.scaleLinear().domain([0, 1]).range([height - MARGIN.bottom, MARGIN.top]);
    const gx = svg.append('g').attr('transform', `translate(0,${height - MARGIN.bottom})`).call(d3.axisBottom(x).tickFormat((i) => String(Number(i) + 1)));
    const gy = svg.append('g').attr('transform', `translate(${MARGIN.left},0)`).call(d3.axisLeft(y).ticks(4));
    for (const g of [gx, gy]) { g.selectAll('text').attr('fill', muted); g.selectAll('line,path').attr('stroke', muted); }
    svg.append('g').selectAll('rect').data(idx).join('rect')
      .attr('class', (i) => `axis-bar ${eigenvalues[i] < 0 ? 'time-like' : 'space-like'}`).attr('data-axis', (i) => i)
      .attr('x', (i) => x(i) as number).attr('width', x.bandwidth())
      .attr('y', (i) => y(es[i] - (i > 0 ? es[i - 1] : 0))).attr('height', (i) => y(0) - y(es[i] - (i > 0 ? es[i - 1] : 0)))
      .attr('fill', (i) => (eigenvalues[i] < 0 ? time : space)).attr('fill-opacity', (i) => (eigenvalues[i] < 0 ? 0.35 : 0.8))
      .attr('stroke', (i) => (eigenvalues[i] < 0 ? time : space)).attr('stroke-dasharray', (i) => (eigenvalues[i] < 0 ? '3,2' : null))
      .append('title').text((i) => `axis ${i + 1}: lambda = ${eigenvalues[i].toPrecision(4)}${eigenvalues[i] < 0 ? ' (time-like)' : ''}, adds ${(es[i] - (i > 0 ? es[i - 1] : 0)).toFixed(3)}, ES(${i + 1}) = ${es[i].toFixed(3)}`);
    const cx = (i: number) => (x(i) as number) + x.bandwidth() / 2;
    svg.append('path').attr('class', 'cumulative').attr('d', d3.line<number>().x(cx).y((i) => y(es[i]))(idx)).attr('fill', 'none').attr('stroke', fg).attr('stroke-width', 1.5);
    svg.append('g').selectAll('text').data(idx).join('text').attr('x', cx).attr('y', (i) => y(es[i]) - 5).attr('text-anchor', 'middle')
      .attr('fill', fg).attr('font-size', 10).text((i) => es[i].toFixed(2));
    const legend = svg.append('g').attr('transform', `translate(${MARGIN.left},12)`).attr('font-size', 11);
    [['space-like axis (lambda > 0)', space, null], ['time-like axis (lambda < 0)', time, '3,2'], ['cumulative ES(k)', fg, null]].forEach(([label, color, dash], i) => {
      const gx0 = i * 190;
      legend.append('rect').attr('x', gx0).attr('y', -8).attr('width', 10).attr('height', 10).attr('fill', color as string).attr('fill-opacity', i === 1 ? 0.35 : 0.8)
        .attr('stroke', color as string).attr('stroke-dasharray', dash);
      legend.append('text').attr('x', gx0 + 14).attr('y', 1).attr('fill', muted).text(label as string);
    });
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.height = (h: number) => { height = h; return chart; };
  return chart;
}
