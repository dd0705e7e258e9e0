/**
 * Messages between the extension host and the webview panels, shared by both sides. Every panel speaks
 * the common envelope (ready / export / loading / error) plus its own typed messages.
 */
import type { BarcodeSeries, WeightBarcode } from '../../analysis/worker/protocol/weightBarcode';

// ---- common to every panel ------------------------------------------------------------------------
/** Posted by the webview once its script listens; the host queues everything until then. */
export interface ReadyMessage { type: 'ready' }
/** The webview rendered an export; the host owns the save dialog and the write. */
export interface ExportRequest {
  type: 'export';
  format: 'png' | 'svg' | 'csv';
  suggestedName: string;
  /** base64 for png, text for svg/csv */
  data: string;
}
export interface LoadingMessage { type: 'loading'; text: string }
export interface ErrorMessage { type: 'error'; message: string }
export interface ExportedMessage { type: 'exported'; format: string; path: string }

export type CommonViewMessage = ReadyMessage | ExportRequest;
export type CommonHostMessage = LoadingMessage | ErrorMessage | ExportedMessage;

// ---- Weight Barcode panel -------------------------------------------------------------------------
/** What the panel persists (getState/setState and the WebviewPanelSerializer) to come back after reload. */
export interface WeightBarcodeState { runDir: string; step?: number; layer?: string; showDims?: number[]; view?: 'barcode' | 'diagram' }

export type WeightBarcodeHostMessage = CommonHostMessage | { type: 'barcode'; barcode: WeightBarcode; state: WeightBarcodeState } | { type: 'series'; series: BarcodeSeries };
export type WeightBarcodeViewMessage = CommonViewMessage | { type: 'select'; step?: number; layer?: string };

export const PANEL_IDS = {
  weightBarcode: 'topolens.weightBarcode',
} as const;
