/** Messages between the Loss Barcode panel and its host, and the view state it persists. */
import type { BarrierMethod, LossBarcodeResult } from '../../../analysis/worker/protocol/lossBarcode';
import type { PanelStateBase, PanelTarget } from '../../protocol/common';

export interface LossBarcodeState extends PanelStateBase {
  logScale?: boolean;
  view?: 'barcode' | 'matrix';
  /** How the barriers are computed: optimised paths (default) or the sampled k-NN approximation (small nets). */
  method?: BarrierMethod;
}

/** `partial`: the pairs finished so far, while the rest still run (the status line keeps showing progress). */
export type LossBarcodeHostMessage = { type: 'barcode'; result: LossBarcodeResult; target: PanelTarget; partial?: boolean };

/**
 * `method`: compute the barriers another way (the host recomputes, cached per method). Opening the run's
 * dashboard (a click on a bar) goes through the common `openPanel`.
 */
export type LossBarcodeViewMessage = { type: 'recompute' } | { type: 'method'; method: BarrierMethod };
