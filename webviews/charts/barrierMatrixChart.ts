/**
 * Barrier matrix heat map and merge tree, d3 style: `barrierMatrixChart().width(600)(svg, data)`. Left: the
 * K x K matrix of barriers (diagonal = each minimum's loss) coloured by value, rows and columns ordered as the
 * merge tree's leaves. Right: the merge tree (dendrogram) of the barcode: each minimum's branch rises from its
 * loss to the barrier at which it merges into a lower minimum (elder rule), the global minimum's to the top.
 */
import * as d3 from 'd3';
import { themeColor } from '../shared/theme';
import { formatNumber } from '../shared/dom';

export interface BarrierMatrixData {
  labels: string[];
  barriers: (number | null)[][];
  /** Per minimum: [birth, death | null] and the minimum it merged into. */
  bars: [number, number | null][];
  mergedInto: (number | null)[];
}

/** Leaf order of the merge tree: each minimum followed (recursively) by the minima merged into it, latest merge nearest. */
export function mergeTreeOrder(d: BarrierMatrixData): number[] {
  const children = d.bars.map(() => [] as number[]);
  d.mergedInto.forEach((into, i) => { if (into !== null) children[into].push(i); });
  for (const c of children) c.sort((a, b) => (d.bars[b][1] ?? Infinity) - (d.bars[a][1] ?? Infinity));
  const out: number[] = [];
  const visit = (i: number) => { out.push(i); for (const c of children[i]) visit(c); };
  d.mergedInto.forEach((into, i) => { if (into === null) visit(i); });
  return out;
}

export function barrierMatrixChart() {
  let width = 640;
  let hoverCell: (i: number, j: number, value: number | null, event: MouseEvent) => void = () => undefined;
  let leave: () => void = () => undefined;

  function chart(svg: d3.Selection<SVGSVGElement, unknown, null, undefined>, d: BarrierMatrixData): void {
    const K = d.labels.length;
    const order = mergeTreeOrder(d);
    const left = 56;
    const top = 24;
    const side = Math.max(180, Math.min(width * 0.45 - left, 40 * K));
    const cell = side / Math.max(1, K);
    const treeLeft = left + side + 90;
    const treeWidth = Math.max(120, width - treeLeft - 16);
    const height = top + side + 60;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('role', 'img').attr('aria-label', `Barrier matrix of ${K} minima and their merge tree`);
    svg.selectAll('*').remove();
    const fg = themeColor('--vscode-foreground', '#ccc');
    const muted = themeColor('--vscode-descriptionForeground', '#999');
    const values = d.barriers.flat().filter((v): v is number => v !== null);
    const color = d3.scaleSequential(d3.interpolateViridis).domain([d3.min(values) ?? 0, d3.max(values) ?? 1]);
    svg.append('text').attr('x', left).attr('y', 14).attr('fill', fg).attr('font-size', 11).text('barriers of the optimised paths');
    const g = svg.append('g').attr('class', 'matrix');
    order.forEach((i, r) => {
      g.append('text').attr('x', left - 6).attr('y', top + r * cell + cell * 0.65).attr('text-anchor', 'end').attr('fill', fg).attr('font-size', 10).text(d.labels[i]);
      order.forEach((j, c) => {
        const v = d.barriers[i][j];
        g.append('rect').attr('class', 'cell').attr('data-i', i).attr('data-j', j).attr('data-value', v ?? 'none')
          .attr('x', left + c * cell).attr('y', top + r * cell).attr('width', cell - 1).attr('height', cell - 1)
          .attr('fill', v === null ? 'none' : color(v)).attr('stroke', v === null ? muted : 'none')
          .on('mouseenter mousemove', (event: Event) => hoverCell(i, j, v, event as MouseEvent))
          .on('mouseleave', () => leave());
      });
    });
    // Colour legend.
    const lg = svg.append('g').attr('transform', `translate(${left},${top + side + 12})`);
    const steps = 40;
    for (let s = 0; s < steps; s++) lg.append('rect').attr('x', (s * side) / steps).attr('width', side / steps + 0.5).attr('height', 8).attr('fill', color(color.domain()[0] + ((color.domain()[1] - color.domain()[0]) * s) / (steps - 1)));
    lg.append('text').attr('y', 22).attr('fill', muted).attr('font-size', 10).text(formatNumber(color.domain()[0]));
    lg.append('text').attr('x', side).attr('y', 22).attr('text-anchor', 'end').attr('fill', muted).attr('font-size', 10).text(formatNumber(color.domain()[1]));

    // Merge tree: x by leaf order, y by loss.
    const finite = d.bars.flatMap(([b, e]) => (e === null ? [b] : [b, e]));
    const y = d3.scaleLinear().domain([d3.min(finite) ?? 0, (d3.max(finite) ?? 1) * 1.05]).nice().range([top + side, top]);
    const xOf = new Map(order.map((i, r) => [i, treeLeft + ((r + 0.5) * treeWidth) / Math.max(1, K)]));
    const ax = svg.append('g').attr('transform', `translate(${treeLeft - 6},0)`).call(d3.axisLeft(y).ticks(5).tickFormat((v) => formatNumber(Number(v))));
    ax.selectAll('text').attr('fill', muted);
    ax.selectAll('line,path').attr('stroke', muted);
    svg.append('text').attr('x', treeLeft).attr('y', 14).attr('fill', fg).attr('font-size', 11).text('merge tree (loss)');
    const tree = svg.append('g').attr('class', 'merge-tree').attr('stroke', fg).attr('fill', 'none');
    d.bars.forEach(([birth, death], i) => {
      const x = xOf.get(i) ?? 0;
      tree.append('line').attr('class', 'branch').attr('data-index', i).attr('x1', x).attr('x2', x).attr('y1', y(birth)).attr('y2', death === null ? top : y(death));
      svg.append('circle').attr('class', 'leaf').attr('cx', x).attr('cy', y(birth)).attr('r', 3).attr('fill', fg);
      const into = d.mergedInto[i];
      if (into !== null && death !== null) tree.append('line').attr('x1', x).attr('x2', xOf.get(into) ?? x).attr('y1', y(death)).attr('y2', y(death));
      svg.append('text').attr('x', x).attr('y', top + side + 26).attr('text-anchor', 'middle').attr('fill', fg).attr('font-size', 10).text(d.labels[i]);
    });
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.onHoverCell = (f: typeof hoverCell, onLeave: () => void) => { hoverCell = f; leave = onLeave; return chart; };
  return chart;
}
