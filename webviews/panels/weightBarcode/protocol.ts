/** Messages between the Weight Barcode panel and its host, and the view state it persists. */
import type { BarcodeSeries, WeightBarcode } from '../../../analysis/worker/protocol/weightBarcode';
import type { PanelStateBase, PanelTarget } from '../../protocol/common';

/** What the panel persists to come back after a reload: the target (run, step; no step = follow the newest), layer and view. */
export interface WeightBarcodeState extends PanelStateBase {
  layer?: string;
  showDims?: number[];
  view?: 'barcode' | 'diagram';
}

export type WeightBarcodeHostMessage =
  /** `target` is what was asked for (step undefined = newest); `barcode.step` is what is shown. */
  | { type: 'barcode'; barcode: WeightBarcode; target: PanelTarget }
  | { type: 'series'; series: BarcodeSeries };

export type WeightBarcodeViewMessage = { type: 'select'; step?: number; layer?: string };
