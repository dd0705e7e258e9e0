/**
 * Every analysis the worker can run, by request name (`topolens/analysis/<name>`). Adding an analysis:
 * its folder here, its protocol file in worker/protocol/, and one line in this list.
 */
import type { AnalysisDefinition } from './definition';
import { weightBarcodeAnalysis, weightBarcodeSeriesAnalysis } from './weightBarcode/analyses';
import { runCurvesAnalysis } from './runCurves/analysis';
import { weightTreesAnalyses } from './weightTrees/analyses';
import { lossBarcodeAnalysis } from './lossBarcode/analysis';
import { toScoreTableAnalysis } from './lossBarcode/toScoreTable';
import { decisionGeometryAnalyses } from './decisionGeometry/analyses';
import { predictionManifoldAnalysis } from './predictionManifold/analysis';

// Each definition is typed by its own params; the registry only needs the common shape.
type AnyAnalysis = AnalysisDefinition<never, unknown>;

export const ANALYSES: readonly AnyAnalysis[] = [
  weightBarcodeAnalysis,
  weightBarcodeSeriesAnalysis,
  runCurvesAnalysis,
  ...weightTreesAnalyses,
  lossBarcodeAnalysis,
  toScoreTableAnalysis,
  ...decisionGeometryAnalyses,
  predictionManifoldAnalysis,
];

export function findAnalysis(name: string): AnyAnalysis | undefined {
  return ANALYSES.find((a) => a.name === name);
}
