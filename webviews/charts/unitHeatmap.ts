/**
 * Heatmap of a per-unit quantity over training, d3 style: `unitHeatmap().width(w).onPick(f)(svg, rows, steps)`.
 * One row per hidden unit (grouped by layer), one column per checkpoint, colour = value in [0, 1] (viridis).
 * Used for the share of training samples on which a unit's sigma'(z) is above threshold (SPEC D.4): rows
 * that fade out over training are units whose gradient vanishes. Hover shows the cell; a click picks the step.
 */
import * as d3 from 'd3';
import { formatNumber } from '../shared/dom';
import { themeColor } from '../shared/theme';
import type { Tooltip } from '../shared/tooltip';

export interface HeatmapRow { label: string; group: string; values: number[] }

type SvgSelection = d3.Selection<SVGSVGElement, unknown, null, undefined>;

const MARGIN = { top: 22, right: 18, bottom: 30, left: 58 };

export function unitHeatmap() {
  let width = 640;
  let rowHeight = 4;
  let title = '';
  let tooltip: Tooltip | undefined;
  let selectedStep: number | undefined;
  let pick: (step: number) => void = () => undefined;

  function chart(svg: SvgSelection, rows: HeatmapRow[], steps: number[]): void {
    const innerW = Math.max(50, width - MARGIN.left - MARGIN.right);
    const innerH = Math.max(rowHeight, rows.length * rowHeight);
    svg.attr('width', width).attr('height', innerH + MARGIN.top + MARGIN.bottom).attr('class', 'unit-heatmap');
    svg.selectAll('*').remove();
    const fg = themeColor('--vscode-editor-foreground', '#cccccc');
    svg.append('text').attr('x', MARGIN.left).attr('y', 14).attr('fill', fg).attr('font-weight', 600).text(title);
    const g = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    // columns are checkpoints in order (log-spaced steps would crush early ones on a step axis)
    const x = d3.scaleBand<number>().domain(d3.range(steps.length)).range([0, innerW]).paddingInner(0);
    const color = d3.scaleSequential(d3.interpolateViridis).domain([0, 1]);
    const cells = rows.flatMap((r, i) => r.values.map((v, j) => ({ i, j, v })));
    g.selectAll('rect.cell').data(cells).join('rect').attr('class', 'cell')
      .attr('x', (c) => x(c.j)!).attr('y', (c) => c.i * rowHeight).attr('width', Math.ceil(x.bandwidth())).attr('height', rowHeight)
      .attr('fill', (c) => color(c.v))
      .on('mousemove', (event: MouseEvent, c) => tooltip?.show(event, [`${rows[c.i].group} · ${rows[c.i].label}`, `step ${steps[c.j]}`, `share ${formatNumber(c.v)}`]))
      .on('mouseleave', () => tooltip?.hide())
      .on('click', (_event, c) => pick(steps[c.j]));
    // layer labels at the first row of each group
    const starts = rows.map((r, i) => ({ r, i })).filter(({ r, i }) => i === 0 || rows[i - 1].group !== r.group);
    g.selectAll('text.group').data(starts).join('text').attr('class', 'group').attr('x', -6).attr('y', (s) => s.i * rowHeight + 9)
      .attr('text-anchor', 'end').attr('fill', fg).attr('font-size', 11).text((s) => s.r.group);
    const ticks = steps.length <= 8 ? d3.range(steps.length) : d3.range(0, steps.length, Math.ceil(steps.length / 8));
    g.append('g').attr('transform', `translate(0,${innerH})`).call(d3.axisBottom(x).tickValues(ticks).tickFormat((j) => String(steps[j as number])))
      .call((a) => a.selectAll('text,line,path').attr('stroke', null).attr('fill', fg));
    if (selectedStep !== undefined && steps.includes(selectedStep)) {
      const j = steps.indexOf(selectedStep);
      g.append('rect').attr('class', 'selected').attr('x', x(j)!).attr('y', 0).attr('width', Math.max(2, x.bandwidth())).attr('height', innerH)
        .attr('fill', 'none').attr('stroke', fg).attr('stroke-width', 1.5);
    }
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.rowHeight = (h: number) => { rowHeight = h; return chart; };
  chart.title = (t: string) => { title = t; return chart; };
  chart.tooltip = (t: Tooltip | undefined) => { tooltip = t; return chart; };
  chart.selectedStep = (s: number | undefined) => { selectedStep = s; return chart; };
  chart.onPick = (f: (step: number) => void) => { pick = f; return chart; };
  return chart;
}
