/**
 * Progress along the P0 -> P* geodesic per run, d3 style: `progressCurves().width(w).by('step')(svg, tracks)`.
 * x is the training step (log scale: checkpoints are log-spaced) or the train accuracy, so runs can be
 * compared at equal accuracy instead of equal step; y is progress in [0, 1]. Clicking a point picks it.
 */
import * as d3 from 'd3';
import { themeColor } from '../shared/theme';
import { formatNumber } from '../shared/dom';

export interface ProgressTrack { key: string; label: string; color: string; dash?: string; steps: number[]; progress: number[]; trainAccuracy: (number | null)[] }
type SvgSelection = d3.Selection<SVGSVGElement, unknown, null, undefined>;
const MARGIN = { top: 12, right: 16, bottom: 38, left: 48 };

export function progressCurves() {
  let width = 640;
  let height = 200;
  let by: 'step' | 'trainAccuracy' = 'step';
  let pick: (key: string, step: number) => void = () => undefined;

  function chart(svg: SvgSelection, tracks: ProgressTrack[]): void {
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('role', 'img').attr('aria-label', `Progress of ${tracks.length} runs`);
    svg.selectAll('*').remove();
    const muted = themeColor('--vscode-descriptionForeground', '#999');
    const xOf = (t: ProgressTrack, i: number): number | null => (by === 'step' ? t.steps[i] + 1 : t.trainAccuracy[i]);
    const xs = tracks.flatMap((t) => t.steps.map((_, i) => xOf(t, i))).filter((v): v is number => v !== null);
    const ext = (d3.extent(xs) as [number, number] | [undefined, undefined])[0] === undefined ? [1, 2] : (d3.extent(xs) as [number, number]);
    const x = by === 'step' ? d3.scaleLog().domain(ext).range([MARGIN.left, width - MARGIN.right]) : d3.scaleLinear().domain(ext).nice().range([MARGIN.left, width - MARGIN.right]);
    const y = d3.scaleLinear().domain([0, 1]).range([height - MARGIN.bottom, MARGIN.top]);
    const gx = svg.append('g').attr('transform', `translate(0,${height - MARGIN.bottom})`).call(d3.axisBottom(x).ticks(6, by === 'step' ? '~s' : '.0%'));
    const gy = svg.append('g').attr('transform', `translate(${MARGIN.left},0)`).call(d3.axisLeft(y).ticks(4));
    for (const g of [gx, gy]) { g.selectAll('text').attr('fill', muted); g.selectAll('line,path').attr('stroke', muted); }
    svg.append('text').attr('x', (MARGIN.left + width - MARGIN.right) / 2).attr('y', height - 6).attr('text-anchor', 'middle').attr('fill', muted).attr('font-size', 11)
      .text(by === 'step' ? 'step + 1 (log)' : 'train accuracy');
    svg.append('text').attr('transform', `translate(12,${(MARGIN.top + height - MARGIN.bottom) / 2}) rotate(-90)`).attr('text-anchor', 'middle').attr('fill', muted).attr('font-size', 11).text('progress P0 → P*');
    for (const t of tracks) {
      const idx = d3.range(t.steps.length).filter((i) => xOf(t, i) !== null);
      const g = svg.append('g').attr('class', 'progress-track').attr('data-run', t.key);
      g.append('path').attr('d', d3.line<number>().x((i) => x(xOf(t, i) as number)).y((i) => y(t.progress[i]))(idx)).attr('fill', 'none').attr('stroke', t.color).attr('stroke-width', 1.5)
        .attr('stroke-dasharray', t.dash ?? null);
      g.selectAll('circle').data(idx).join('circle').attr('cx', (i) => x(xOf(t, i) as number)).attr('cy', (i) => y(t.progress[i])).attr('r', 2.2).attr('fill', t.color)
        .style('cursor', 'pointer').on('click', (_e: MouseEvent, i) => pick(t.key, t.steps[i]))
        .append('title').text((i) => `${t.label}: step ${t.steps[i]}, progress ${formatNumber(t.progress[i])}`);
    }
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.height = (h: number) => { height = h; return chart; };
  chart.by = (b: typeof by) => { by = b; return chart; };
  chart.onPick = (f: typeof pick) => { pick = f; return chart; };
  return chart;
}
