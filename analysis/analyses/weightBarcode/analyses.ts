/** The Weight Barcode panel's analyses, as the runner sees them (per-step caching is inside barcode.ts). */
import { defineAnalysis } from '../definition';
import { WEIGHT_BARCODE, computeWeightBarcode } from './barcode';
import { computeWeightBarcodeSeries } from './series';

export const weightBarcodeAnalysis = defineAnalysis({ ...WEIGHT_BARCODE, run: computeWeightBarcode });
export const weightBarcodeSeriesAnalysis = defineAnalysis({ name: 'weightBarcodeSeries', version: 1, run: computeWeightBarcodeSeries });
