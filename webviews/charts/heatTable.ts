/**
 * A sortable table drawn as SVG with heat-map cells, d3 style: `heatTable().width(800).onSort(f).onRow(g)(svg,
 * columns, rows)`. Numeric columns colour each cell by its rank within the column (light to strong), so the
 * table reads like a heat map and exports as PNG/SVG like any chart. Header clicks sort; row clicks call back.
 */
import * as d3 from 'd3';
import { themeColor } from '../shared/theme';
import { formatNumber } from '../shared/dom';

export interface HeatColumn<R> {
  key: string;
  label: string;
  /** The header's tooltip, for a label shortened to fit. */
  title?: string;
  value(row: R): number | string | null;
  /** Colour numeric cells (default true for numbers). */
  heat?: boolean;
  format?(v: number): string;
}

export function heatTable<R>() {
  let width = 800;
  let sortKey: string | undefined;
  let descending = false;
  let onSort: (key: string) => void = () => undefined;
  let onRow: (row: R) => void = () => undefined;

  function chart(svg: d3.Selection<SVGSVGElement, unknown, null, undefined>, columns: HeatColumn<R>[], input: R[]): void {
    const rows = input.slice();
    const col = columns.find((c) => c.key === sortKey);
    if (col) {
      rows.sort((a, b) => {
        const va = col.value(a);
        const vb = col.value(b);
        const cmp = va === null ? 1 : vb === null ? -1 : typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
        return descending && va !== null && vb !== null ? -cmp : cmp;
      });
    }
    const rowH = 24;
    const headH = 46;
    const colW = columns.map((_c, i) => (i === 0 ? Math.max(150, width * 0.2) : (width - Math.max(150, width * 0.2)) / Math.max(1, columns.length - 1)));
    const xs = d3.cumsum([0, ...colW]);
    const height = headH + rows.length * rowH + 2;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('role', 'table');
    svg.selectAll('*').remove();
    const fg = themeColor('--vscode-foreground', '#ccc');
    const accent = themeColor('--vscode-charts-orange', '#d18616');
    const head = svg.append('g').attr('class', 'header');
    columns.forEach((c, i) => {
      const h = head.append('g').attr('class', 'column-header').attr('data-key', c.key).style('cursor', 'pointer').on('click', () => onSort(c.key));
      h.append('rect').attr('x', xs[i]).attr('width', colW[i]).attr('height', headH).attr('fill', 'transparent');
      h.append('title').text(c.title ?? c.label);
      const label = `${c.label}${c.key === sortKey ? (descending ? ' ▼' : ' ▲') : ''}`;
      const text = h.append('text').attr('x', xs[i] + 4).attr('y', 12).attr('fill', fg).attr('font-size', 10.5).attr('font-weight', 600);
      // Word-wrap the label to the column (about 6.6 px per character of bold 10.5 px text), three lines at most.
      const fit = Math.max(4, Math.floor((colW[i] - 8) / 6.6));
      const lines: string[] = [];
      for (const word of label.split(' ')) {
        if (lines.length > 0 && (lines[lines.length - 1] + ' ' + word).length <= fit) lines[lines.length - 1] += ` ${word}`;
        else lines.push(word);
      }
      lines.slice(0, 3).forEach((line, l) => text.append('tspan').attr('x', xs[i] + 4).attr('dy', l === 0 ? 0 : 12).text(line));
    });
    const scales = columns.map((c) => {
      const vals = rows.map((r) => c.value(r)).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      return (c.heat ?? true) && vals.length > 1 ? d3.scaleLinear<number>().domain(d3.extent(vals) as [number, number]).range([0.06, 0.55]) : undefined;
    });
    const body = svg.append('g').attr('class', 'rows');
    rows.forEach((r, k) => {
      const y = headH + k * rowH;
      const g = body.append('g').attr('class', 'row').attr('data-row', k).style('cursor', 'pointer').on('click', () => onRow(r));
      columns.forEach((c, i) => {
        const v = c.value(r);
        const s = scales[i];
        g.append('rect').attr('class', 'cell').attr('x', xs[i]).attr('y', y).attr('width', colW[i] - 1).attr('height', rowH - 1)
          .attr('fill', s && typeof v === 'number' && Number.isFinite(v) ? accent : 'transparent').attr('fill-opacity', s && typeof v === 'number' ? s(v) : 0);
        const text = v === null ? '—' : typeof v === 'number' ? (c.format ?? formatNumber)(v) : v;
        g.append('text').attr('x', i === 0 ? xs[i] + 4 : xs[i] + colW[i] - 6).attr('y', y + rowH * 0.66).attr('text-anchor', i === 0 ? 'start' : 'end')
          .attr('fill', fg).attr('font-size', 11).attr('data-key', c.key).text(text);
      });
    });
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.sort = (key: string | undefined, desc: boolean) => { sortKey = key; descending = desc; return chart; };
  chart.onSort = (f: (key: string) => void) => { onSort = f; return chart; };
  chart.onRow = (f: (row: R) => void) => { onRow = f; return chart; };
  return chart;
}
