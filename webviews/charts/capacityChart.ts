/**
 * Effective capacity against accuracy, d3 style:
 * `capacityChart().width(w).events(steps).selected(step).onPick(f)(svg, steps, clusters, accuracy)`.
 *
 * Clusters among the layer's neurons per checkpoint (left axis, a step line: the count holds until the
 * next checkpoint) and test accuracy (right axis, 0-100%), with the graph's branch events as ticks along
 * the bottom and the selected step as a rule. A click picks the nearest checkpoint.
 */
import * as d3 from 'd3';
import { themeColor } from '../shared/theme';
import { seriesColor } from './lineChart';

const MARGIN = { top: 22, right: 48, bottom: 30, left: 48 };
type SvgSelection = d3.Selection<SVGSVGElement, unknown, null, undefined>;

export function capacityChart() {
  let width = 640;
  let height = 200;
  let events: number[] = [];
  let selected: number | undefined;
  let pick: (step: number) => void = () => undefined;

  function chart(svg: SvgSelection, steps: number[], clusters: number[], accuracy: (number | null)[]): void {
    const muted = themeColor('--vscode-descriptionForeground', '#999');
    const accent = themeColor('--vscode-focusBorder', '#007fd4');
    const cColor = seriesColor(0);
    const aColor = seriesColor(1);
    svg.selectAll('*').remove();
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('class', 'capacity-chart')
      .attr('role', 'img').attr('aria-label', 'Effective capacity (clusters of neurons) and test accuracy per checkpoint');
    const x = d3.scaleLinear().domain([steps[0] ?? 0, steps[steps.length - 1] ?? 1]).range([MARGIN.left, width - MARGIN.right]);
    const y = d3.scaleLinear().domain([0, Math.max(1, d3.max(clusters) ?? 1)]).nice().range([height - MARGIN.bottom, MARGIN.top]);
    const ya = d3.scaleLinear().domain([0, 1]).range([height - MARGIN.bottom, MARGIN.top]);
    const style = (g: d3.Selection<SVGGElement, unknown, null, undefined>) => { g.selectAll('text').attr('fill', muted); g.selectAll('line,path').attr('stroke', muted); };
    svg.append('g').attr('transform', `translate(0,${height - MARGIN.bottom})`).call(d3.axisBottom(x).ticks(6)).call(style);
    svg.append('g').attr('transform', `translate(${MARGIN.left},0)`).call(d3.axisLeft(y).ticks(5)).call(style);
    svg.append('g').attr('transform', `translate(${width - MARGIN.right},0)`).call(d3.axisRight(ya).ticks(5, '%')).call(style);
    svg.append('text').attr('x', MARGIN.left).attr('y', 12).attr('fill', cColor).attr('font-size', 11).text('clusters of neurons');
    svg.append('text').attr('x', width - MARGIN.right).attr('y', 12).attr('text-anchor', 'end').attr('fill', aColor).attr('font-size', 11).text('test accuracy');
    const idx = d3.range(steps.length);
    svg.append('path').attr('class', 'capacity-line').attr('fill', 'none').attr('stroke', cColor).attr('stroke-width', 2)
      .attr('d', d3.line<number>().curve(d3.curveStepAfter).x((i) => x(steps[i])).y((i) => y(clusters[i]))(idx));
    const withAcc = idx.filter((i) => accuracy[i] !== null);
    svg.append('path').attr('class', 'accuracy-line').attr('fill', 'none').attr('stroke', aColor).attr('stroke-width', 1.5)
      .attr('d', d3.line<number>().x((i) => x(steps[i])).y((i) => ya(accuracy[i] as number))(withAcc));
    svg.append('g').attr('class', 'branch-events').selectAll('line').data(events).join('line')
      .attr('x1', (s) => x(s)).attr('x2', (s) => x(s)).attr('y1', height - MARGIN.bottom).attr('y2', height - MARGIN.bottom - 8)
      .attr('stroke', themeColor('--vscode-charts-red', '#f14c4c')).attr('stroke-width', 1.5)
      .append('title').text((s) => `branch event at step ${Math.round(s)}`);
    if (selected !== undefined) {
      svg.append('line').attr('class', 'selected-step').attr('x1', x(selected)).attr('x2', x(selected))
        .attr('y1', MARGIN.top).attr('y2', height - MARGIN.bottom).attr('stroke', accent).attr('stroke-dasharray', '3,3');
    }
    svg.append('rect').attr('x', MARGIN.left).attr('y', MARGIN.top).attr('width', width - MARGIN.left - MARGIN.right)
      .attr('height', height - MARGIN.top - MARGIN.bottom).attr('fill', 'transparent').style('cursor', 'pointer')
      .on('click', (event: MouseEvent) => {
        if (steps.length === 0) return;
        const s = x.invert(d3.pointer(event)[0]);
        pick(steps[d3.minIndex(steps, (t) => Math.abs(t - s))]);
      });
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.height = (h: number) => { height = h; return chart; };
  /** Steps of branch events, marked along the x axis. */
  chart.events = (e: number[]) => { events = e; return chart; };
  chart.selected = (s: number | undefined) => { selected = s; return chart; };
  chart.onPick = (f: (step: number) => void) => { pick = f; return chart; };
  return chart;
}
