/** Messages between the Weight Trees panel and its host, and the view state it persists. */
import type { FitEpsResult, LayerTree, NodeWeights, WeightSurface, WeightTrees, WeightTreesMapperSettings } from '../../../analysis/worker/protocol/weightTrees';
import type { LinkedStepMessage, PanelStateBase, PanelTarget } from '../../protocol/common';

export type TreeColorBy = 'step' | 'lens' | 'class';
export type TreesView = 'graph' | 'surface';

/** What a reload restores: the run, the layer, the Mapper settings asked for, the time slider and the view. */
export interface WeightTreesState extends PanelStateBase {
  layer?: string;
  settings?: WeightTreesMapperSettings;
  colorBy?: TreeColorBy;
  /** Time slider: nodes up to this step are shown (undefined: all). */
  revealStep?: number;
  view?: TreesView;
  rotation?: [number, number];
}

export type WeightTreesHostMessage =
  /** Every layer with the default settings (first load, live refresh). */
  | { type: 'trees'; trees: WeightTrees; target: PanelTarget }
  /** One layer recomputed with the settings the view asked for. */
  | { type: 'layer'; layer: LayerTree; settings: WeightTreesMapperSettings }
  | { type: 'surface'; surface: WeightSurface }
  | { type: 'node'; nodeId: string; weights: NodeWeights }
  | { type: 'fittedEps'; fitted: FitEpsResult }
  | LinkedStepMessage;

export type WeightTreesViewMessage =
  | { type: 'compute'; layer: string; settings: WeightTreesMapperSettings }
  | { type: 'node'; layer: string; nodeId: string; points: number[] }
  | { type: 'surface'; layer: string; step?: number }
  | { type: 'fitEps'; layer: string }
  /** Save the shown graph of a layer as KeplerMapper JSON (the host owns the save dialog). */
  | { type: 'saveGraph'; layer: string };
