/**
 * Training trajectories in InPCA coordinates, d3 style:
 * `manifoldPlot().width(w).axes([0, 1]).timeLike(flags).onHover(f).onPick(g)(svg, tracks, markers, highlight)`.
 *
 * Two axes: a plane with its own scale per axis (InPCA axes differ in spread by orders of magnitude).
 * Three axes: an orthographic view of the three axes (each scaled to the same box) that rotates by dragging
 * (`rotation(yaw, pitch)`, `onRotate` reports the new angles so the panel can persist them).
 * One path per track with a marker per checkpoint (projected, i.e. placed out-of-sample, ones hollow);
 * P0 and P* as labelled squares/diamonds. Time-like axes (lambda < 0) get dashed axis lines and a "time-like"
 * label. Colours come from the tracks; theme colours are read at draw time. Marks carry data-* for tests.
 */
import * as d3 from 'd3';
import { themeColor } from '../shared/theme';
import { formatNumber } from '../shared/dom';

export interface ManifoldPoint { step: number; coords: number[]; projected: boolean }
export interface ManifoldTrack { key: string; label: string; color: string; dash?: string; points: ManifoldPoint[] }
export interface ManifoldMarker { label: string; coords: number[]; shape: 'square' | 'diamond' }
export interface ManifoldHover { track: ManifoldTrack; index: number }

type SvgSelection = d3.Selection<SVGSVGElement, unknown, null, undefined>;
const MARGIN = { top: 16, right: 20, bottom: 44, left: 64 };

export function manifoldPlot() {
  let width = 640;
  let height = 480;
  let axes: number[] = [0, 1];
  let timeLike: boolean[] = [];
  let yaw = 0.6;
  let pitch = 0.35;
  let hover: (h: ManifoldHover | undefined, event: MouseEvent) => void = () => undefined;
  let pick: (h: ManifoldHover) => void = () => undefined;
  let rotate: (yaw: number, pitch: number) => void = () => undefined;

  function axisName(a: number): string {
    return `axis ${a + 1}${timeLike[a] ? ' (time-like)' : ''}`;
  }

  function chart(svg: SvgSelection, tracks: ManifoldTrack[], markers: ManifoldMarker[], highlight?: { key: string; step: number }): void {
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('role', 'img')
      .attr('aria-label', `Training trajectories of ${tracks.length} runs in InPCA ${axes.map((a) => `axis ${a + 1}`).join(', ')}`);
    svg.selectAll('*').remove();
    const fg = themeColor('--vscode-foreground', '#ccc');
    const muted = themeColor('--vscode-descriptionForeground', '#999');
    const all = [...tracks.flatMap((t) => t.points.map((p) => p.coords)), ...markers.map((m) => m.coords)];
    let project: (c: number[]) => [number, number];
    if (axes.length === 3) {
      // Normalise each axis to [-1, 1] about its midpoint, rotate (yaw about the vertical, then pitch), drop depth.
      const ext = axes.map((a) => d3.extent(all, (c) => c[a]) as [number, number]);
      const norm = (c: number[]) => axes.map((a, i) => { const [lo, hi] = ext[i]; return hi > lo ? (2 * (c[a] - lo)) / (hi - lo) - 1 : 0; });
      const size = Math.min(width - MARGIN.left - MARGIN.right, height - MARGIN.top - MARGIN.bottom) / 2 / Math.SQRT2 * 1.2;
      const cx = (MARGIN.left + width - MARGIN.right) / 2;
      const cy = (MARGIN.top + height - MARGIN.bottom) / 2;
      const rot = ([x, y, z]: number[]): [number, number] => {
        const x1 = Math.cos(yaw) * x + Math.sin(yaw) * z;
        const z1 = -Math.sin(yaw) * x + Math.cos(yaw) * z;
        const y1 = Math.cos(pitch) * y - Math.sin(pitch) * z1;
        return [cx + size * x1, cy - size * y1];
      };
      project = (c) => rot(norm(c));
      const box = svg.append('g').attr('class', 'axes-3d');
      axes.forEach((a, i) => {
        const end = [0, 0, 0];
        end[i] = 1.15;
        const start = [0, 0, 0];
        start[i] = -1;
        const [x0, y0] = rot(start);
        const [x1, y1] = rot(end);
        box.append('line').attr('x1', x0).attr('y1', y0).attr('x2', x1).attr('y2', y1).attr('stroke', muted)
          .attr('stroke-dasharray', timeLike[a] ? '5,4' : null).attr('data-axis', a);
        box.append('text').attr('x', x1).attr('y', y1).attr('fill', timeLike[a] ? themeColor('--vscode-charts-red', '#f14c4c') : fg)
          .attr('font-size', 11).attr('font-style', timeLike[a] ? 'italic' : null).text(axisName(a));
      });
      svg.append('rect').attr('class', 'rotate-area').attr('x', 0).attr('y', 0).attr('width', width).attr('height', height)
        .attr('fill', 'transparent').style('cursor', 'grab')
        .call(d3.drag<SVGRectElement, unknown>().on('drag', (event: d3.D3DragEvent<SVGRectElement, unknown, unknown>) => {
          yaw += event.dx * 0.01;
          pitch = Math.max(-1.5, Math.min(1.5, pitch + event.dy * 0.01));
          rotate(yaw, pitch);
          chart(svg, tracks, markers, highlight);
        }));
    } else {
      const [ax, ay] = axes;
      const x = d3.scaleLinear().domain(d3.extent(all, (c) => c[ax]) as [number, number]).nice().range([MARGIN.left, width - MARGIN.right]);
      const y = d3.scaleLinear().domain(d3.extent(all, (c) => c[ay]) as [number, number]).nice().range([height - MARGIN.bottom, MARGIN.top]);
      project = (c) => [x(c[ax]), y(c[ay])];
      const gx = svg.append('g').attr('class', 'x-axis').attr('transform', `translate(0,${height - MARGIN.bottom})`).call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))).tickFormat((v) => formatNumber(Number(v))));
      const gy = svg.append('g').attr('class', 'y-axis').attr('transform', `translate(${MARGIN.left},0)`).call(d3.axisLeft(y).ticks(6).tickFormat((v) => formatNumber(Number(v))));
      for (const [g, a] of [[gx, ax], [gy, ay]] as const) {
        g.selectAll('text').attr('fill', muted);
        g.selectAll('line,path').attr('stroke', muted).attr('stroke-dasharray', timeLike[a] ? '5,4' : null);
      }
      const labelColor = (a: number) => (timeLike[a] ? themeColor('--vscode-charts-red', '#f14c4c') : fg);
      svg.append('text').attr('class', 'axis-label').attr('x', (MARGIN.left + width - MARGIN.right) / 2).attr('y', height - 8).attr('text-anchor', 'middle')
        .attr('fill', labelColor(ax)).attr('font-style', timeLike[ax] ? 'italic' : null).text(axisName(ax));
      svg.append('text').attr('class', 'axis-label').attr('transform', `translate(14,${(MARGIN.top + height - MARGIN.bottom) / 2}) rotate(-90)`).attr('text-anchor', 'middle')
        .attr('fill', labelColor(ay)).attr('font-style', timeLike[ay] ? 'italic' : null).text(axisName(ay));
    }

    const line = d3.line<ManifoldPoint>().x((p) => project(p.coords)[0]).y((p) => project(p.coords)[1]);
    const g = svg.append('g').attr('class', 'tracks');
    for (const track of tracks) {
      const tg = g.append('g').attr('class', 'track').attr('data-run', track.key);
      tg.append('path').attr('d', line(track.points)).attr('fill', 'none').attr('stroke', track.color).attr('stroke-width', 1.6).attr('opacity', 0.85)
        .attr('stroke-dasharray', track.dash ?? null);
      tg.selectAll('circle').data(track.points).join('circle')
        .attr('class', 'checkpoint').attr('data-step', (p) => p.step)
        .attr('cx', (p) => project(p.coords)[0]).attr('cy', (p) => project(p.coords)[1]).attr('r', 3)
        .attr('fill', (p) => (p.projected ? 'none' : track.color)).attr('stroke', track.color).attr('stroke-width', 1.2)
        .style('cursor', 'pointer')
        .on('mousemove', (event: MouseEvent, p) => hover({ track, index: track.points.indexOf(p) }, event))
        .on('mouseleave', (event: MouseEvent) => hover(undefined, event))
        .on('click', (_event: MouseEvent, p) => pick({ track, index: track.points.indexOf(p) }));
      if (highlight && highlight.key === track.key) {
        const p = track.points.find((q) => q.step === highlight.step);
        if (p) {
          const [hx, hy] = project(p.coords);
          tg.append('circle').attr('class', 'linked').attr('cx', hx).attr('cy', hy).attr('r', 7).attr('fill', 'none')
            .attr('stroke', themeColor('--vscode-focusBorder', '#007fd4')).attr('stroke-width', 2).style('pointer-events', 'none');
        }
      }
    }
    const mg = svg.append('g').attr('class', 'references');
    for (const m of markers) {
      const [mx, my] = project(m.coords);
      const r = 7;
      const shape = m.shape === 'square' ? `M${mx - r},${my - r}h${2 * r}v${2 * r}h${-2 * r}Z` : `M${mx},${my - r - 2}l${r + 2},${r + 2}l${-r - 2},${r + 2}l${-r - 2},${-r - 2}Z`;
      mg.append('path').attr('class', 'reference').attr('data-label', m.label).attr('d', shape).attr('fill', fg).attr('stroke', themeColor('--vscode-editor-background', '#1e1e1e'));
      mg.append('text').attr('x', mx + r + 4).attr('y', my + 4).attr('fill', fg).attr('font-size', 12).attr('font-weight', 600).text(m.label);
    }
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.height = (h: number) => { height = h; return chart; };
  chart.axes = (a: number[]) => { axes = a; return chart; };
  chart.timeLike = (t: boolean[]) => { timeLike = t; return chart; };
  chart.rotation = (y: number, p: number) => { yaw = y; pitch = p; return chart; };
  chart.onHover = (f: typeof hover) => { hover = f; return chart; };
  chart.onPick = (f: typeof pick) => { pick = f; return chart; };
  chart.onRotate = (f: typeof rotate) => { rotate = f; return chart; };
  return chart;
}
