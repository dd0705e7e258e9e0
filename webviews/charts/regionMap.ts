/**
 * Decision-region map, d3 style: `regionMap().width(w).overlay('class').showRegions(true).onHover(f)(svg, data)`.
 *
 * The grid (class, confidence, activation-region and gradient maps, row 0 at the top) is painted into a
 * canvas at grid resolution, pixel by pixel, and shown as one <image> scaled without smoothing; region
 * outlines (cells whose pattern differs from a neighbour's) and the confidence contour (the edge of the band
 * max p < 1 - c) are painted into the same pixels. Vector marks go on top in SVG: the first layer's lines,
 * the training points, the segment with its exact breakpoints and the plane's anchor inputs. One <svg>
 * holds everything, so the shell exports it as SVG or PNG as it is. A 256 x 256 grid paints in a few ms.
 */
import * as d3 from 'd3';
import { seriesColor } from './lineChart';
import { themeColor } from '../shared/theme';

export interface RegionMapData {
  grid: number;
  domain: { uMin: number; uMax: number; vMin: number; vMax: number };
  classes: number;
  classMap: Uint8Array;
  confidence: Float32Array;
  regionMap: Int32Array;
  gradientNorm?: Float32Array;
  lines: { unit: number; clipped: [[number, number], [number, number]] | null }[];
  points: { u: number[]; v: number[]; label: number[] };
  anchors: { probe: number; label: number; u: number; v: number }[];
  segment?: { fromUV: [number, number]; toUV: [number, number]; breakpoints: number[] };
}

export type Overlay = 'class' | 'confidence' | 'gradient';

/** What lies under the pointer: plane coordinates and the grid cell. */
export interface MapHover { u: number; v: number; cell: number }

type SvgSelection = d3.Selection<SVGSVGElement, unknown, null, undefined>;

function rgb(color: string): [number, number, number] {
  const c = d3.color(color)?.rgb() ?? d3.rgb(128, 128, 128);
  return [c.r, c.g, c.b];
}

export function regionMap() {
  let width = 480;
  let overlay: Overlay = 'class';
  let showRegions = true;
  let showLines = true;
  let showPoints = true;
  let showContour = true;
  let bandLevel = 0.05;
  let hover: (h: MapHover | undefined, event: MouseEvent) => void = () => undefined;
  const canvas = document.createElement('canvas');

  /** Paints the grid into the canvas and returns its data URL. */
  function paint(d: RegionMapData): string {
    const n = d.grid;
    canvas.width = n;
    canvas.height = n;
    const ctx = canvas.getContext('2d')!;
    const img = ctx.createImageData(n, n);
    const px = img.data;
    const bg = rgb(themeColor('--vscode-editor-background', '#1e1e1e'));
    const fg = rgb(themeColor('--vscode-editor-foreground', '#cccccc'));
    const colors = d3.range(d.classes).map((k) => rgb(seriesColor(k)));
    const floor = 1 / d.classes;
    let gMax = 0;
    if (overlay === 'gradient' && d.gradientNorm) for (const g of d.gradientNorm) gMax = Math.max(gMax, g);
    const logMax = Math.log1p(gMax);
    // 256-entry colour table: parsing a colour per cell would cost more than the whole paint
    const inferno = overlay === 'gradient' ? d3.range(256).map((i) => rgb(d3.interpolateInferno(i / 255))) : [];
    const level = 1 - bandLevel;
    for (let cell = 0; cell < n * n; cell++) {
      const conf = d.confidence[cell];
      let r: number, g: number, b: number;
      if (overlay === 'gradient' && d.gradientNorm) {
        const t = logMax > 0 ? Math.log1p(d.gradientNorm[cell]) / logMax : 0;
        [r, g, b] = inferno[Math.round(255 * t)];
      } else if (overlay === 'confidence') {
        const t = (conf - floor) / (1 - floor);
        r = bg[0] + (fg[0] - bg[0]) * t; g = bg[1] + (fg[1] - bg[1]) * t; b = bg[2] + (fg[2] - bg[2]) * t;
      } else {
        // class colour, paler where the net is unsure: the boundary reads as a light seam
        const col = colors[d.classMap[cell]];
        const t = 0.25 + 0.6 * Math.max(0, (conf - floor) / (1 - floor));
        r = bg[0] + (col[0] - bg[0]) * t; g = bg[1] + (col[1] - bg[1]) * t; b = bg[2] + (col[2] - bg[2]) * t;
      }
      const col = cell % n;
      const row = (cell - col) / n;
      if (showRegions && ((col + 1 < n && d.regionMap[cell] !== d.regionMap[cell + 1]) || (row + 1 < n && d.regionMap[cell] !== d.regionMap[cell + n]))) {
        r = (r + fg[0]) / 2; g = (g + fg[1]) / 2; b = (b + fg[2]) / 2;
      }
      if (showContour && overlay !== 'confidence') {
        const inBand = conf < level;
        if ((col + 1 < n && inBand !== d.confidence[cell + 1] < level) || (row + 1 < n && inBand !== d.confidence[cell + n] < level)) { r = fg[0]; g = fg[1]; b = fg[2]; }
      }
      const o = 4 * cell;
      px[o] = r; px[o + 1] = g; px[o + 2] = b; px[o + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    return canvas.toDataURL('image/png');
  }

  function chart(svg: SvgSelection, d: RegionMapData): void {
    const height = width;
    const { uMin, uMax, vMin, vMax } = d.domain;
    const x = d3.scaleLinear().domain([uMin, uMax]).range([0, width]);
    const y = d3.scaleLinear().domain([vMin, vMax]).range([height, 0]);
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('class', 'region-map');
    svg.selectAll('*').remove();
    svg.append('image').attr('class', 'grid').attr('href', paint(d)).attr('width', width).attr('height', height)
      .attr('preserveAspectRatio', 'none').style('image-rendering', 'pixelated');
    const fg = themeColor('--vscode-editor-foreground', '#cccccc');
    const bg = themeColor('--vscode-editor-background', '#1e1e1e');
    if (showLines) {
      svg.append('g').attr('class', 'hyperplanes').selectAll('line').data(d.lines.filter((l) => l.clipped)).join('line')
        .attr('x1', (l) => x(l.clipped![0][0])).attr('y1', (l) => y(l.clipped![0][1]))
        .attr('x2', (l) => x(l.clipped![1][0])).attr('y2', (l) => y(l.clipped![1][1]))
        .attr('data-unit', (l) => l.unit).attr('stroke', fg).attr('stroke-opacity', 0.55).attr('stroke-width', 1).attr('stroke-dasharray', '4 3');
    }
    if (showPoints && d.points.u.length) {
      svg.append('g').attr('class', 'points').selectAll('circle').data(d3.range(d.points.u.length)).join('circle')
        .attr('cx', (i) => x(d.points.u[i])).attr('cy', (i) => y(d.points.v[i])).attr('r', 2)
        .attr('fill', (i) => seriesColor(d.points.label[i])).attr('stroke', bg).attr('stroke-width', 0.6);
    }
    if (d.segment) {
      const s = d.segment;
      const at = (t: number): [number, number] => [x(s.fromUV[0] + t * (s.toUV[0] - s.fromUV[0])), y(s.fromUV[1] + t * (s.toUV[1] - s.fromUV[1]))];
      const g = svg.append('g').attr('class', 'segment');
      g.append('line').attr('x1', at(0)[0]).attr('y1', at(0)[1]).attr('x2', at(1)[0]).attr('y2', at(1)[1]).attr('stroke', fg).attr('stroke-width', 1.5);
      g.selectAll('circle.breakpoint').data(s.breakpoints).join('circle').attr('class', 'breakpoint')
        .attr('cx', (t) => at(t)[0]).attr('cy', (t) => at(t)[1]).attr('r', 2.5).attr('fill', bg).attr('stroke', fg);
      g.selectAll('circle.end').data([0, 1]).join('circle').attr('class', 'end').attr('cx', (t) => at(t)[0]).attr('cy', (t) => at(t)[1]).attr('r', 4).attr('fill', fg);
    }
    svg.append('g').attr('class', 'anchors').selectAll('path').data(d.anchors).join('path')
      .attr('d', d3.symbol(d3.symbolStar, 90)).attr('transform', (a) => `translate(${x(a.u)},${y(a.v)})`)
      .attr('fill', (a) => seriesColor(a.label)).attr('stroke', fg);
    svg.on('mousemove', (event: MouseEvent) => {
      const [mx, my] = d3.pointer(event);
      const u = x.invert(mx);
      const v = y.invert(my);
      const col = Math.min(d.grid - 1, Math.max(0, Math.floor((mx / width) * d.grid)));
      const row = Math.min(d.grid - 1, Math.max(0, Math.floor((my / height) * d.grid)));
      hover({ u, v, cell: row * d.grid + col }, event);
    }).on('mouseleave', (event: MouseEvent) => hover(undefined, event));
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.overlay = (o: Overlay) => { overlay = o; return chart; };
  chart.showRegions = (b: boolean) => { showRegions = b; return chart; };
  chart.showLines = (b: boolean) => { showLines = b; return chart; };
  chart.showPoints = (b: boolean) => { showPoints = b; return chart; };
  chart.showContour = (b: boolean) => { showContour = b; return chart; };
  /** The band level c: the contour is drawn at max probability 1 - c. */
  chart.bandLevel = (c: number) => { bandLevel = c; return chart; };
  chart.onHover = (f: (h: MapHover | undefined, event: MouseEvent) => void) => { hover = f; return chart; };
  return chart;
}
