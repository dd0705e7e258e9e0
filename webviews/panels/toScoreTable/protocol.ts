/** Messages between the TO-score Table panel and its host, and the view state it persists. */
import type { ToScoreTable } from '../../../analysis/worker/protocol/lossBarcode';
import type { PanelStateBase, PanelTarget } from '../../protocol/common';

export interface ToScoreTableState extends PanelStateBase {
  sortKey?: string;
  descending?: boolean;
}

export type ToScoreTableHostMessage = { type: 'table'; table: ToScoreTable; target: PanelTarget };

/** Row clicks open the Loss Barcode through the common `openPanel`. */
export type ToScoreTableViewMessage = { type: 'recompute' };
