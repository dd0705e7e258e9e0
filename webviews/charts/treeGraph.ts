/**
 * The Mapper graph of weight trajectories drawn as time, d3 style:
 * `treeGraph().width(w).height(h).color(f).reveal(step).onHover(f).onClick(f)(container, nodes, links)`.
 *
 * y = a node's mean training step (time flows down), x from the tidy layout (treeLayout.ts); node area ∝
 * member count. Graphs up to SVG_MAX_NODES nodes are SVG (each node a <circle> with data-* for tests and
 * export); bigger ones are drawn on a canvas with a quadtree for hover and click, so 5,000-node graphs stay
 * interactive. `reveal(step)` shows only nodes whose first member is at or before `step` (the time
 * slider); hidden nodes and their links are not drawn.
 */
import * as d3 from 'd3';
import { themeColor } from '../shared/theme';
import { layoutTree, type TreeLayout } from './treeLayout';

export interface GraphNode { id: string; size: number; stepMean: number; stepMin: number; stepMax: number }
export interface GraphLink { source: number; target: number }

export const SVG_MAX_NODES = 1500;
const MARGIN = { top: 16, right: 16, bottom: 28, left: 56 };

export function treeGraph() {
  let width = 640;
  let height = 480;
  let color: (node: GraphNode, index: number) => string = () => '#888';
  let reveal = Infinity;
  let selected: number | undefined;
  let hover: (node: GraphNode | undefined, index: number, event: MouseEvent) => void = () => undefined;
  let click: (node: GraphNode, index: number) => void = () => undefined;
  let cachedLayout: { nodes: readonly GraphNode[]; links: readonly GraphLink[]; layout: TreeLayout } | undefined;

  function layoutOf(nodes: readonly GraphNode[], links: readonly GraphLink[]): TreeLayout {
    if (cachedLayout?.nodes !== nodes || cachedLayout.links !== links) cachedLayout = { nodes, links, layout: layoutTree(nodes, links) };
    return cachedLayout.layout;
  }

  function chart(container: HTMLElement, nodes: readonly GraphNode[], links: readonly GraphLink[]): SVGSVGElement | HTMLCanvasElement {
    const layout = layoutOf(nodes, links);
    const fg = themeColor('--vscode-foreground', '#ccc');
    const muted = themeColor('--vscode-descriptionForeground', '#999');
    const linkColor = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,.6)');
    const accent = themeColor('--vscode-focusBorder', '#007fd4');
    const steps = nodes.map((d) => d.stepMean);
    const sx = d3.scaleLinear().domain([-0.5, layout.slots + 0.5]).range([MARGIN.left, width - MARGIN.right]);
    const sy = d3.scaleLinear().domain([d3.min(steps) ?? 0, d3.max(steps) ?? 1]).nice().range([MARGIN.top, height - MARGIN.bottom]);
    const maxSize = d3.max(nodes, (d) => d.size) ?? 1;
    const rMax = Math.max(3, Math.min(14, (0.45 * (width - MARGIN.left - MARGIN.right)) / Math.max(1, layout.slots)));
    const radius = (d: GraphNode) => Math.max(1.5, rMax * Math.sqrt(d.size / maxSize));
    const shown = (i: number) => nodes[i].stepMin <= reveal;
    const visibleLinks = links.filter((l) => shown(l.source) && shown(l.target));
    const visible = d3.range(nodes.length).filter(shown);
    const useCanvas = nodes.length > SVG_MAX_NODES;
    const existing = container.firstElementChild;
    const wantTag = useCanvas ? 'CANVAS' : 'svg';
    if (!existing || existing.tagName !== wantTag) container.replaceChildren(useCanvas ? document.createElement('canvas') : document.createElementNS('http://www.w3.org/2000/svg', 'svg'));
    const target = container.firstElementChild as SVGSVGElement | HTMLCanvasElement;
    target.setAttribute('class', 'tree-graph');
    target.setAttribute('data-nodes', String(visible.length));
    target.setAttribute('data-links', String(visibleLinks.length));
    if (useCanvas) drawCanvas(target as HTMLCanvasElement);
    else drawSvg(target as SVGSVGElement);
    return target;

    function drawSvg(node: SVGSVGElement): void {
      const svg = d3.select(node);
      svg.selectAll('*').remove();
      svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('role', 'img')
        .attr('aria-label', `Mapper graph: ${visible.length} nodes, ${visibleLinks.length} links; vertical position is the training step`);
      const axis = svg.append('g').attr('transform', `translate(${MARGIN.left - 8},0)`).call(d3.axisLeft(sy).ticks(6));
      axis.selectAll('text').attr('fill', muted);
      axis.selectAll('line,path').attr('stroke', muted);
      svg.append('text').attr('x', 4).attr('y', 12).attr('fill', muted).attr('font-size', 11).text('step ↓');
      svg.append('g').attr('class', 'links').selectAll('line').data(visibleLinks).join('line')
        .attr('x1', (l) => sx(layout.x[l.source])).attr('y1', (l) => sy(layout.y[l.source]))
        .attr('x2', (l) => sx(layout.x[l.target])).attr('y2', (l) => sy(layout.y[l.target]))
        .attr('stroke', linkColor).attr('stroke-width', 1.2);
      svg.append('g').attr('class', 'nodes').selectAll('circle').data(visible).join('circle')
        .attr('class', 'node').attr('data-id', (i) => nodes[i].id).attr('data-size', (i) => nodes[i].size)
        .attr('cx', (i) => sx(layout.x[i])).attr('cy', (i) => sy(layout.y[i])).attr('r', (i) => radius(nodes[i]))
        .attr('fill', (i) => color(nodes[i], i))
        .attr('stroke', (i) => (i === selected ? accent : fg)).attr('stroke-width', (i) => (i === selected ? 2.5 : 0.4))
        .style('cursor', 'pointer')
        .on('mousemove', (event: MouseEvent, i) => hover(nodes[i], i, event))
        .on('mouseleave', (event: MouseEvent) => hover(undefined, -1, event))
        .on('click', (_event: MouseEvent, i) => click(nodes[i], i));
    }

    function drawCanvas(canvas: HTMLCanvasElement): void {
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `Mapper graph: ${visible.length} nodes, ${visibleLinks.length} links`);
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.fillStyle = muted;
      ctx.font = '11px sans-serif';
      for (const t of sy.ticks(6)) ctx.fillText(String(t), 4, sy(t) + 4);
      ctx.strokeStyle = linkColor;
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (const l of visibleLinks) {
        ctx.moveTo(sx(layout.x[l.source]), sy(layout.y[l.source]));
        ctx.lineTo(sx(layout.x[l.target]), sy(layout.y[l.target]));
      }
      ctx.stroke();
      for (const i of visible) {
        ctx.beginPath();
        ctx.arc(sx(layout.x[i]), sy(layout.y[i]), radius(nodes[i]), 0, 2 * Math.PI);
        ctx.fillStyle = color(nodes[i], i);
        ctx.fill();
        if (i === selected) { ctx.strokeStyle = accent; ctx.lineWidth = 2.5; ctx.stroke(); }
      }
      const tree = d3.quadtree<number>().x((i) => sx(layout.x[i])).y((i) => sy(layout.y[i])).addAll(visible);
      const find = (event: MouseEvent) => {
        const rect = canvas.getBoundingClientRect();
        return tree.find(event.clientX - rect.left, event.clientY - rect.top, rMax + 4);
      };
      canvas.onmousemove = (event) => { const i = find(event); hover(i === undefined ? undefined : nodes[i], i ?? -1, event); };
      canvas.onmouseleave = (event) => hover(undefined, -1, event);
      canvas.onclick = (event) => { const i = find(event); if (i !== undefined) click(nodes[i], i); };
    }
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.height = (h: number) => { height = h; return chart; };
  /** Fill colour of a node. */
  chart.color = (f: (node: GraphNode, index: number) => string) => { color = f; return chart; };
  /** Show nodes whose earliest member is at or before this step (Infinity: all). */
  chart.reveal = (step: number) => { reveal = step; return chart; };
  chart.selected = (index: number | undefined) => { selected = index; return chart; };
  chart.onHover = (f: (node: GraphNode | undefined, index: number, event: MouseEvent) => void) => { hover = f; return chart; };
  chart.onClick = (f: (node: GraphNode, index: number) => void) => { click = f; return chart; };
  return chart;
}
