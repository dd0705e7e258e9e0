/** Messages between the Loss Barcode panel and its host, and the view state it persists. */
import type { LossBarcodeResult } from '../../../analysis/worker/protocol/lossBarcode';
import type { PanelStateBase, PanelTarget } from '../../protocol/common';

export interface LossBarcodeState extends PanelStateBase {
  logScale?: boolean;
  view?: 'barcode' | 'matrix';
}

/** `partial`: the pairs finished so far, while the rest still run (the status line keeps showing progress). */
export type LossBarcodeHostMessage = { type: 'barcode'; result: LossBarcodeResult; target: PanelTarget; partial?: boolean };

/** Open the run's dashboard (a click on a bar) goes through the common `openPanel`; nothing panel-specific. */
export type LossBarcodeViewMessage = { type: 'recompute' };
