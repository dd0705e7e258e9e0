/**
 * TO-score Table panel (webview side): one row per architecture of a study, the four TO-score variants,
 * minima, segment lengths, global minimum, test error and the rank correlation; sortable by any column,
 * heat-map cells, a click on a row opens that architecture's Loss Barcode. Export CSV, PNG or SVG.
 */
import * as d3 from 'd3';
import type { RankCorrelation, ToScoreRow, ToScoreTable } from '../../../analysis/worker/protocol/lossBarcode';
import type { PanelTarget } from '../../protocol/common';
import type { ToScoreTableHostMessage, ToScoreTableState, ToScoreTableViewMessage } from './protocol';
import { createShell } from '../../shared/shell';
import { heatTable, type HeatColumn } from '../../charts/heatTable';
import { el, formatNumber } from '../../shared/dom';

let table: ToScoreTable | undefined;
let target: PanelTarget | undefined;
const svgNode = document.createElementNS('http://www.w3.org/2000/svg', 'svg');

const COLUMNS: HeatColumn<ToScoreRow>[] = [
  { key: 'architecture', label: 'architecture', value: (r) => r.architecture, heat: false },
  { key: 'depth', label: 'depth', value: (r) => r.depth, heat: false, format: String },
  { key: 'width', label: 'width', value: (r) => r.width, heat: false, format: String },
  { key: 'minima', label: 'minima', value: (r) => r.minima, heat: false, format: String },
  { key: 'sum', label: 'TO sum', value: (r) => r.toScore.sum },
  { key: 'max', label: 'TO max', value: (r) => r.toScore.max },
  { key: 'sumNormalized', label: 'TO sum normalised', value: (r) => r.toScore.sumNormalized },
  { key: 'maxNormalized', label: 'TO max normalised', value: (r) => r.toScore.maxNormalized },
  { key: 'meanSegment', label: 'mean segment', value: (r) => r.meanSegment },
  { key: 'maxSegment', label: 'max segment', value: (r) => r.maxSegment },
  { key: 'globalMin', label: 'global min loss', value: (r) => r.globalMin },
  { key: 'meanTestError', label: 'mean test error', value: (r) => r.meanTestError, format: (v) => `${(100 * v).toFixed(1)}%` },
  { key: 'spearman', label: 'Spearman ρ', title: 'Spearman rank correlation of the minima\'s segment lengths with their test errors (p-values in the CSV)', value: (r) => r.correlation?.spearman ?? null, heat: false },
];

const shell = createShell<ToScoreTableHostMessage, ToScoreTableViewMessage, ToScoreTableState>({
  title: 'TO-score Table',
  explain: 'One row per architecture: its minima\'s loss barcode summed up. The paper observed that TO-scores shrink as networks get wider and deeper. ' +
    'The exact normalisation of the paper\'s TO-score was not in our sources: sum and max of segment lengths, raw and divided by (f at initialisation − global minimum), are all shown. Click a row for its Loss Barcode.',
  exports: {
    name: () => 'to-score-table',
    svg: () => svgNode,
    csv: () => table && {
      header: [...COLUMNS.map((c) => c.key), 'pValue', 'pairsDone', 'pairsTotal', 'parameters'],
      rows: table.rows.map((r) => [...COLUMNS.map((c) => c.value(r)), r.correlation?.pValue ?? null, r.pairsDone, r.pairsTotal, r.parameters]),
    },
  },
  onMessage: receive,
  onThemeChange: () => render(),
});
let sortKey = shell.state()?.sortKey;
let descending = shell.state()?.descending ?? false;
const chartBox = el('div', { class: 'chart' });
chartBox.append(svgNode);
const across = el('p', { class: 'explain' });
const skipped = el('p', { class: 'explain' });
shell.content.append(chartBox, across, skipped);

function receive(message: ToScoreTableHostMessage): void {
  if (message.type !== 'table') return;
  table = message.table;
  target = message.target;
  shell.status.clear();
  persist();
  render();
}

function persist(): void {
  if (target) shell.saveState({ target, sortKey, descending });
}

function render(): void {
  if (!table) return;
  shell.subtitle.textContent = `${table.rows.length} architectures · ${d3.sum(table.rows, (r) => r.minima)} minima · ${formatNumber(table.computeMs / 1000)} s`;
  heatTable<ToScoreRow>().width(Math.max(640, chartBox.clientWidth || 900)).sort(sortKey, descending)
    .onSort((key) => {
      descending = key === sortKey ? !descending : false;
      sortKey = key;
      persist();
      render();
    })
    .onRow((row) => shell.post({ type: 'openPanel', panel: 'lossBarcode', target: { runDirs: row.runDirs, studyDir: target?.studyDir } }))(d3.select(svgNode), COLUMNS, table.rows);
  const a = table.acrossArchitectures;
  const rho = (c: RankCorrelation) => `Spearman ρ ${formatNumber(c.spearman)} (p ${c.pValue < 0.001 ? '< 0.001' : c.pValue.toFixed(3)})`;
  across.textContent = a ? `Across the ${a.meanSegmentVsTestError.n} architectures, mean test error vs mean segment: ${rho(a.meanSegmentVsTestError)}; vs TO sum: ${rho(a.toScoreVsTestError)}.` : '';
  skipped.textContent = table.skipped.length ? `Not shown: ${table.skipped.map((s) => `${s.architecture} (${s.runs} run${s.runs === 1 ? '' : 's'}: ${s.reason})`).join('; ')}.` : '';
}

new ResizeObserver(() => render()).observe(chartBox);
