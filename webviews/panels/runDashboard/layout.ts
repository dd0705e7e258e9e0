/**
 * Which charts the dashboard draws and where: one chart per curve group, in a grid inside a single <svg>
 * (so PNG/SVG export is one picture of all the curves). Two columns once each can be 440 px wide.
 */
import type { CurveSeries } from '../../../analysis/worker/protocol/runCurves';

export interface ChartSpec {
  group: CurveSeries['group'];
  title: string;
  yLabel: string;
  /** The log-scale toggle applies (loss and learning rate span decades; accuracy and throughput do not). */
  logAllowed: boolean;
}

export const CHARTS: ChartSpec[] = [
  { group: 'loss', title: 'Loss', yLabel: 'loss', logAllowed: true },
  { group: 'accuracy', title: 'Accuracy', yLabel: 'accuracy', logAllowed: false },
  { group: 'lr', title: 'Learning rate', yLabel: 'lr', logAllowed: true },
  { group: 'throughput', title: 'Throughput', yLabel: 'samples/s', logAllowed: false },
];

export interface Cell { x: number; y: number; width: number; height: number }

const GAP = 16;
const CHART_HEIGHT = 240;
const TWO_COLUMNS_FROM = 2 * 440 + GAP;

export function chartLayout(width: number, count: number): { height: number; cells: Cell[] } {
  const columns = width >= TWO_COLUMNS_FROM && count > 1 ? 2 : 1;
  const cellWidth = Math.floor((width - (columns - 1) * GAP) / columns);
  const cells = Array.from({ length: count }, (_, i) => ({
    x: (i % columns) * (cellWidth + GAP),
    y: Math.floor(i / columns) * (CHART_HEIGHT + GAP),
    width: cellWidth,
    height: CHART_HEIGHT,
  }));
  const rows = Math.ceil(count / columns);
  return { height: Math.max(0, rows * CHART_HEIGHT + (rows - 1) * GAP), cells };
}
