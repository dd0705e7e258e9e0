/**
 * Every panel of TopoLens, one entry each. Nothing else names a panel: the panel manager registers the
 * commands, serializers and live-run subscriptions from this list, and a unit test checks package.json's
 * contributions against it.
 */
import { definePanel, firstReason, needs } from './panelDefinition';

export const PANELS = [
  definePanel({
    id: 'runDashboard',
    title: 'Run Dashboard',
    description: 'Training curves, the run\'s config and timings, and the analyses that apply to it',
    icon: 'dashboard',
    unavailableReason: (runs) => needs.oneRun(runs),
    load: () => import('./runDashboard/controller'),
  }),
  definePanel({
    id: 'weightBarcode',
    title: 'Weight Barcode',
    description: 'H0/H1 persistence of a layer\'s neuron weight vectors at a checkpoint, and across training',
    icon: 'symbol-array',
    unavailableReason: (runs) => firstReason(needs.oneRun(runs), needs.checkpoints(runs), needs.denseLayers(runs)),
    load: () => import('./weightBarcode/controller'),
  }),
  definePanel({
    id: 'weightTrees',
    title: 'Weight Trees',
    description: 'Mapper graphs of neurons\' weight trajectories: branching trees, effective capacity and learning surfaces (Gabella)',
    icon: 'type-hierarchy',
    unavailableReason: (runs) => firstReason(needs.oneRun(runs), needs.checkpoints(runs), needs.denseLayers(runs)),
    load: () => import('./weightTrees/controller'),
  }),
  definePanel({
    id: 'predictionManifold',
    title: 'Prediction Manifold',
    description: 'InPCA of every checkpoint\'s probe-set predictions: training trajectories between the ignorance point P0 and the truth P*',
    icon: 'graph-scatter',
    unavailableReason: (runs) => firstReason(needs.checkpoints(runs), needs.probePredictions(runs),
      new Set(runs.map((r) => `${r.probeSize}/${r.classes}`)).size > 1 ? 'needs runs that share a probe set (same probe size and classes)' : undefined),
    load: () => import('./predictionManifold/controller'),
  }),
  definePanel({
    id: 'decisionGeometry',
    title: 'Decision Geometry',
    description: 'Decision regions over a plane: linear regions vs Zaslavsky\'s bound, exact breakpoints, weight scaling bands, where the error backpropagates (van den Berg)',
    icon: 'symbol-color',
    unavailableReason: (runs) => firstReason(runs.length < 1 || runs.length > 2 ? 'shows one run, or two side by side (e.g. with and without L2)' : undefined, needs.checkpoints(runs), needs.denseLayers(runs), needs.trainingData(runs)),
    load: () => import('./decisionGeometry/controller'),
  }),
  definePanel({
    id: 'lossBarcode',
    title: 'Loss Barcode',
    description: 'Minima of a study joined by optimised paths: barriers, the minima barcode and the TO-score (Barannikov et al.)',
    icon: 'graph-left',
    unavailableReason: (runs) => firstReason(needs.severalRuns(runs), needs.checkpoints(runs), needs.denseLayers(runs), needs.trainingData(runs)),
    load: () => import('./lossBarcode/controller'),
  }),
  definePanel({
    id: 'toScoreTable',
    title: 'TO-score Table',
    description: 'One loss barcode per architecture of a study: TO-scores, segment lengths and their rank correlation with test error',
    icon: 'table',
    unavailableReason: (runs) => firstReason(needs.severalRuns(runs), needs.checkpoints(runs), needs.denseLayers(runs), needs.trainingData(runs)),
    load: () => import('./toScoreTable/controller'),
  }),
];
