/** Messages between the Decision Geometry panel and its host, and the view state it persists. */
import type { DecisionGeometryResult, DecisionSeriesResult, SubsamplingResult } from '../../../analysis/worker/protocol/decisionGeometry';
import type { PanelStateBase, PanelTarget } from '../../protocol/common';

/** What the host computes the maps with (a change asks the worker again). */
export interface GeometryView {
  /** Cumulative hidden depth of the region map; undefined = all hidden layers. */
  regionLayer?: number;
  /** Output-layer weight scale for the maps. */
  alpha: number;
  /** Probe indices spanning the plane; undefined = the data plane (2-D inputs) or three probes of different classes. */
  plane?: [number, number, number];
}

/** What the map paints under its outlines (the same strings as the region-map chart's overlay). */
export type MapOverlay = 'class' | 'confidence' | 'gradient';

export interface DecisionGeometryState extends PanelStateBase {
  view?: GeometryView;
  overlay?: MapOverlay;
  show?: { regions: boolean; lines: boolean; points: boolean; contour: boolean };
}

export type DecisionGeometryHostMessage =
  /** `target` is what was asked for (step undefined = newest); `result.step` is what is shown. */
  | { type: 'geometry'; result: DecisionGeometryResult; target: PanelTarget; view: GeometryView }
  | { type: 'series'; series: DecisionSeriesResult }
  | { type: 'subsampling'; result: SubsamplingResult };

export type DecisionGeometryViewMessage =
  | { type: 'select'; step?: number; view: GeometryView }
  /** Run the subsampling study on the shown run (trains a few dozen small nets; cached afterwards). */
  | { type: 'subsample' };
