/**
 * A path's loss profile, d3 style: `pathProfileChart().width(260).height(120)(svg, optimised, straight)`:
 * loss against normalised arc length along the optimised path (solid) and the straight line (dashed), with
 * the barrier of each marked. Small enough for a tooltip.
 */
import * as d3 from 'd3';
import { themeColor } from '../shared/theme';
import { formatNumber } from '../shared/dom';

export interface Profile { t: number[]; loss: number[] }

export function pathProfileChart() {
  let width = 260;
  let height = 120;

  function chart(svg: d3.Selection<SVGSVGElement, unknown, null, undefined>, optimised: Profile, straight: Profile): void {
    const m = { top: 8, right: 8, bottom: 18, left: 40 };
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('role', 'img').attr('aria-label', 'Loss along the path');
    svg.selectAll('*').remove();
    const all = [...optimised.loss, ...straight.loss];
    const y = d3.scaleLinear().domain([d3.min(all) ?? 0, d3.max(all) ?? 1]).nice().range([height - m.bottom, m.top]);
    const x = d3.scaleLinear().domain([0, 1]).range([m.left, width - m.right]);
    const muted = themeColor('--vscode-descriptionForeground', '#999');
    const ax = svg.append('g').attr('transform', `translate(${m.left},0)`).call(d3.axisLeft(y).ticks(3).tickFormat((v) => formatNumber(Number(v))).tickSizeOuter(0));
    ax.selectAll('text').attr('fill', muted).attr('font-size', 9);
    ax.selectAll('line,path').attr('stroke', muted);
    svg.append('text').attr('x', (m.left + width) / 2).attr('y', height - 4).attr('text-anchor', 'middle').attr('fill', muted).attr('font-size', 9).text('along the path →');
    const line = (p: Profile) => d3.line<number>().x((_, i) => x(p.t[i])).y((v) => y(v))(p.loss) ?? '';
    svg.append('path').attr('class', 'straight-profile').attr('d', line(straight)).attr('fill', 'none').attr('stroke', muted).attr('stroke-dasharray', '4,3');
    svg.append('path').attr('class', 'optimised-profile').attr('d', line(optimised)).attr('fill', 'none').attr('stroke', themeColor('--vscode-charts-blue', '#3794ff')).attr('stroke-width', 1.5);
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.height = (h: number) => { height = h; return chart; };
  return chart;
}
