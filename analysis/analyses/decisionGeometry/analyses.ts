/** The Decision Geometry panel's analyses, as the runner sees them (each caches inside its own run). */
import { defineAnalysis } from '../definition';
import { computeDecisionGeometry, DECISION_GEOMETRY } from './geometry';
import { computeDecisionSeries, DECISION_SERIES } from './series';
import { computeSubsampling, DECISION_SUBSAMPLING } from './subsampling';

export const decisionGeometryAnalysis = defineAnalysis({ ...DECISION_GEOMETRY, run: computeDecisionGeometry });
export const decisionSeriesAnalysis = defineAnalysis({ ...DECISION_SERIES, run: computeDecisionSeries });
export const decisionSubsamplingAnalysis = defineAnalysis({ ...DECISION_SUBSAMPLING, run: computeSubsampling });

export const decisionGeometryAnalyses = [decisionGeometryAnalysis, decisionSeriesAnalysis, decisionSubsamplingAnalysis];
