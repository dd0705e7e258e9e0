import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from '../spec/trainConfig';

/**
 * Named run configs offered by "Train & Analyze" and `topolens train --preset`. Each says where its
 * numbers come from; "our choice" marks values picked for speed on a laptop rather than taken from a paper.
 */
export interface Preset {
  id: string;
  label: string;
  description: string;
  source: string;
  config: TrainConfig;
  /** Panels "Train & Analyze" opens for it (ids in extension/panels/registry.ts); the run dashboard always opens. */
  panels?: string[];
}

/** A set of runs analysed together (barcode minima, manifold trajectories): a preset and per-run overrides. */
export interface Study {
  id: string;
  label: string;
  description: string;
  source: string;
  runs: { name: string; presetId: string; seeds?: Partial<TrainConfig['seeds']> }[];
  /** Panels opened on the study when its members are trained (ids in extension/panels/registry.ts). */
  panels?: string[];
}

const GABELLA_SOURCE = 'Gabella, "Topology of Learning in Artificial Neural Networks" (arXiv 1902.08160), code maximevictor/topo-learning';
const BARCODE_SOURCE = 'Barannikov et al., "Topological obstructions in neural networks learning" (arXiv 2012.15834), code gsotnikov/BarcodesDNN';
const MANIFOLD_SOURCE = 'Mao et al., "The training process of many deep networks explores the same low-dimensional manifold" (PNAS 2024, arXiv 2305.01604)';
const REGIONS_SOURCE = 'van den Berg, "Some Insights into the Geometry and Training of Neural Networks" (arXiv 1605.00329)';

/**
 * Gabella's experiment (SPEC A). The fast variants must still leave the symmetric start: from zero or tiny
 * weights the net sits on a plateau at 10% accuracy until about lr x steps = 1,000 (step ~21,000 of the
 * paper run), and nothing branches before. So they train 6,000 steps at lr 0.5 on the first 5,000 digits
 * (measured: the plateau ends near step 3,600, then the first layer's graph branches into a forest and the
 * capacity grows from 1 to ~70 clusters, ~83% test accuracy). The first digits keep MNIST's class
 * imbalance, which gives the output layer a systematic push off the plateau; a perfectly balanced subset
 * leaves only batch noise (with stratified digits at lr 0.5 the plateau outlasted 4,000 steps). At the
 * paper's lr 0.05, 1,000 steps (the previous fast preset) never left the plateau: bare chains, no branching.
 */
function gabella(init: TrainConfigInput['init'], fast: boolean): TrainConfigInput {
  return {
    dataset: { kind: 'mnist', subset: fast ? 'first' : 'stratified', normalize: 'unit', ...(fast ? { trainSize: 5000, testSize: 2000 } : {}) },
    model: { kind: 'mlp', hidden: [100, 100], activation: 'sigmoid', bias: false },
    init,
    optimizer: { kind: 'sgd', lr: fast ? 0.5 : 0.05, momentum: 0 },
    batchSize: 100,
    epochs: fast ? 120 : 70,
    checkpoints: { kind: 'even', count: 201 },
    probe: { size: 1000, split: 'test' },
  };
}

const MANIFOLD_DATA: TrainConfigInput['dataset'] = { kind: 'mnist', subset: 'stratified', trainSize: 10000, testSize: 2000 };
function manifold(model: TrainConfigInput['model'], optimizer: TrainConfigInput['optimizer'], extra: Partial<TrainConfigInput> = {}): TrainConfigInput {
  return {
    dataset: MANIFOLD_DATA, model, optimizer, batchSize: 100, epochs: 5, init: { kind: 'glorot-uniform' },
    checkpoints: { kind: 'log', count: 67 }, probe: { size: 1000, split: 'test' }, seeds: { probe: 7 },
    ...extra,
  };
}

/** The fast manifold presets: 2,000 digits, 2 epochs (80 steps), 21 log-spaced checkpoints, a 500-digit probe set. */
const MANIFOLD_FAST_DATA: TrainConfigInput['dataset'] = { kind: 'mnist', subset: 'stratified', trainSize: 2000, testSize: 1000 };
function manifoldFast(model: TrainConfigInput['model'], optimizer: TrainConfigInput['optimizer']): TrainConfigInput {
  return {
    dataset: MANIFOLD_FAST_DATA, model, optimizer, batchSize: 50, epochs: 2, init: { kind: 'glorot-uniform' },
    checkpoints: { kind: 'log', count: 21 }, probe: { size: 500, split: 'test' }, seeds: { probe: 7 },
  };
}

/**
 * SPEC B's minima are trained "to a stopping rule": the train-loss plateau (5 epochs without the epoch-mean
 * loss falling by more than 2e-4), with the epochs as the cap. Measured on the fast grid: depth-1 nets stop
 * near epoch 36 at loss 0.007, depth-2 nets near epoch 21-25 at 0.002 (the cap of 60 is rarely reached).
 * minDelta 1e-3 stopped them at 0.009 (epoch 26) — too early: unconverged minima turn the TO-score trend.
 */
const BARCODE_STOPPING = { kind: 'train-loss-plateau', patience: 5, minDelta: 2e-4 } as const;

function barcode(hidden: number[]): TrainConfigInput {
  return {
    dataset: { kind: 'mnist', subset: 'stratified', trainSize: 2000, testSize: 2000 },
    model: { kind: 'mlp', hidden, activation: 'relu', bias: true },
    init: { kind: 'he-normal' },
    optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 },
    lrSchedule: { kind: 'cosine', minLr: 0 },
    batchSize: 100,
    epochs: 80, // the cap: the plateau rule stops them (measured: 784-16-10 at epoch 60, loss 0.013; 784-128-128-10 at 29, loss 0.003); 30 left depth-1 nets at 0.03-0.09
    stopping: BARCODE_STOPPING,
    checkpoints: { kind: 'log', count: 21 },
    probe: { size: 500, split: 'test' },
    evaluation: { trainSize: 'all', testSize: 'all' },
  };
}

/**
 * The barcode grids (SPEC B observation 1: TO-score vs width and depth). "paper": widths 16..256 x depths
 * 1..4 as in the paper's MNIST MLP tables, each architecture as barcode() (2,000 digits, at most 80 epochs). "fast":
 * widths {32, 128} x depths {1, 2} on 500 digits for 60 epochs, 4 seeds each, so the whole study (training
 * and the loss barcodes) finishes in about two minutes on 2 cores (README: measured time). Our choice of sizes.
 * The earlier fast grid (1,000 digits, 15 epochs, widths {16, 64}) stopped at train loss 0.07-0.18, and its
 * TO-score grew with width and depth: the bars then measure how unconverged each minimum is. Measured: width 16
 * (and 8) at depth 2 still raised the TO-score over depth 1 (a too narrow second layer), width 32 does not.
 */
const BARCODE_GRID = { widths: [16, 32, 64, 128, 256], depths: [1, 2, 3, 4] };
const BARCODE_FAST_GRID = { widths: [32, 128], depths: [1, 2] };
/** Fast minima must be (nearly) converged, else the barriers measure how far each run is from its minimum. */
const BARCODE_FAST_TRAINING: Partial<TrainConfigInput> = {
  dataset: { kind: 'mnist', subset: 'stratified', trainSize: 500, testSize: 1000 },
  batchSize: 50, epochs: 60, checkpoints: { kind: 'log', count: 11 },
};
const barcodeGridId = (kind: 'grid' | 'fast', width: number, depth: number) => `barcode-${kind}-w${width}-d${depth}`;

function barcodeGridPresets(kind: 'grid' | 'fast'): { id: string; label: string; description: string; source: string; config: TrainConfigInput }[] {
  const g = kind === 'grid' ? BARCODE_GRID : BARCODE_FAST_GRID;
  return g.depths.flatMap((depth) => g.widths.map((width) => {
    const hidden = new Array<number>(depth).fill(width);
    const base = barcode(hidden);
    return {
      id: barcodeGridId(kind, width, depth),
      label: `Barcode ${kind === 'grid' ? 'grid' : 'fast grid'}: one minimum, MLP 784-${hidden.join('-')}-10`,
      description: kind === 'grid' ? 'One minimum of the paper-sized width x depth grid (2,000 digits, at most 80 epochs, stops when the train loss plateaus); the barcode-grid study trains 8 seeds of each.' : 'One minimum of the fast grid (500 digits, at most 60 epochs, stops when the train loss plateaus near zero); the barcode-grid-fast study trains 4 seeds of each.',
      source: `${BARCODE_SOURCE}; sizes and schedule are our choice`,
      config: kind === 'grid' ? base : { ...base, ...BARCODE_FAST_TRAINING },
    };
  }));
}

function regions(shape: 'moons' | 'circles' | 'spirals' | 'xor' | 'blobs', extra: Partial<TrainConfigInput> = {}): TrainConfigInput {
  const classes = shape === 'spirals' ? 3 : shape === 'blobs' ? 4 : 2;
  return {
    dataset: { kind: 'toy', shape, trainSamples: 1000, testSamples: 1000, noise: shape === 'blobs' ? 0.25 : shape === 'spirals' ? 0.03 : 0.1, classes, seed: 0 },
    model: { kind: 'mlp', hidden: shape === 'spirals' ? [32, 32] : [16, 16], activation: 'relu', bias: true },
    init: { kind: 'he-normal' },
    optimizer: { kind: 'adam', lr: 0.01 },
    batchSize: 50,
    epochs: shape === 'spirals' ? 200 : 60,
    checkpoints: { kind: 'log', count: 41 },
    probe: { size: 500, split: 'test' },
    evaluation: { trainSize: 'all', testSize: 'all' },
    ...extra,
  };
}

const DEFS: { id: string; label: string; description: string; source: string; config: TrainConfigInput; panels?: string[] }[] = [
  {
    id: 'quick',
    label: 'Quick look (MNIST subset, small MLP)',
    description: '784-64-10 ReLU MLP on 6,000 MNIST digits, 3 epochs of SGD with momentum; 16 checkpoints. About 10-20 s on 2 CPU cores.',
    source: 'our choice (a fast end-to-end demo)',
    config: {
      dataset: { kind: 'mnist', subset: 'stratified', trainSize: 6000, testSize: 2000 },
      model: { kind: 'mlp', hidden: [64], activation: 'relu', bias: true },
      init: { kind: 'glorot-uniform' },
      optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 },
      batchSize: 64,
      epochs: 3,
      checkpoints: { kind: 'even', count: 16 },
      probe: { size: 500, split: 'test' },
    },
  },
  {
    id: 'gabella-zero',
    label: 'Gabella: zero init (paper, 70 epochs)',
    description: '784-100-100-10 sigmoid MLP without biases, all weights 0 plus N(0, 1e-7) symmetry breaking, SGD lr 0.05, batch 100, 70 epochs of MNIST, 201 evenly spaced checkpoints: weight trajectories branch into trees.',
    source: `${GABELLA_SOURCE}; symmetry-breaking eps 1e-7 is our choice (SPEC A)`,
    config: gabella({ kind: 'zeros', symmetryBreaking: 1e-7 }, false),
  },
  {
    id: 'gabella-tiny',
    label: 'Gabella: tiny random init (paper, 70 epochs)',
    description: 'As gabella-zero but weights start from N(0, 1e-6): trajectories move along smooth 2-D learning surfaces.',
    source: GABELLA_SOURCE,
    config: gabella({ kind: 'normal', std: 1e-6 }, false),
  },
  {
    id: 'gabella-zero-fast',
    label: 'Gabella: zero init (fast: 5,000 digits, lr 0.5, 120 epochs)',
    description: 'gabella-zero on the first 5,000 digits at lr 0.5 for 120 epochs (6,000 steps, about a minute), still 201 checkpoints: leaves the 10% plateau near step 3,600, then branches into a forest.',
    source: `${GABELLA_SOURCE}; subset, lr and epochs are our choice`,
    config: gabella({ kind: 'zeros', symmetryBreaking: 1e-7 }, true),
    panels: ['runDashboard', 'weightTrees'],
  },
  {
    id: 'gabella-tiny-fast',
    label: 'Gabella: tiny random init (fast: 5,000 digits, lr 0.5, 120 epochs)',
    description: 'gabella-tiny on the first 5,000 digits at lr 0.5 for 120 epochs (6,000 steps, about a minute), still 201 checkpoints.',
    source: `${GABELLA_SOURCE}; subset, lr and epochs are our choice`,
    config: gabella({ kind: 'normal', std: 1e-6 }, true),
    panels: ['runDashboard', 'weightTrees'],
  },
  {
    id: 'barcode-w16',
    label: 'Barcode study: one minimum, MLP 784-16-10',
    description: 'One minimum of a narrow MLP trained to (near) convergence on 2,000 digits; the barcode study trains it with several init seeds.',
    source: `${BARCODE_SOURCE}; sizes and schedule are our choice`,
    config: barcode([16]),
  },
  {
    id: 'barcode-w64',
    label: 'Barcode study: one minimum, MLP 784-64-10',
    description: 'As barcode-w16 with 64 hidden units: wider nets should have shorter minima segments.',
    source: `${BARCODE_SOURCE}; sizes and schedule are our choice`,
    config: barcode([64]),
  },
  {
    id: 'barcode-w256',
    label: 'Barcode study: one minimum, MLP 784-256-10',
    description: 'As barcode-w16 with 256 hidden units.',
    source: `${BARCODE_SOURCE}; sizes and schedule are our choice`,
    config: barcode([256]),
  },
  {
    id: 'barcode-d3',
    label: 'Barcode study: one minimum, MLP 784-32-32-32-10',
    description: 'As barcode-w16 but three hidden layers of 32: deeper nets should have shorter minima segments.',
    source: `${BARCODE_SOURCE}; sizes and schedule are our choice`,
    config: barcode([32, 32, 32]),
  },
  {
    id: 'barcode-tiny-mlp',
    label: 'Barcode tiny: one minimum of 784-16-10 on 200 digits',
    description: 'One minimum of a small MLP fitted to 200 digits in under a second; the barcode-tiny study trains 3 seeds.',
    source: `${BARCODE_SOURCE}; sizes our choice`,
    config: { ...barcode([16]), dataset: { kind: 'mnist', subset: 'stratified', trainSize: 200, testSize: 200 }, batchSize: 50, epochs: 40, checkpoints: { kind: 'log', count: 6 }, probe: { size: 200, split: 'test' } },
  },
  ...barcodeGridPresets('grid'),
  ...barcodeGridPresets('fast'),
  {
    id: 'manifold-mlp-sgd',
    label: 'Manifold study: MLP 784-128-10, SGD',
    description: 'One trajectory for the prediction-manifold study: 10,000 digits, 5 epochs, 67 log-spaced checkpoints, probe set shared by all manifold presets (1,000 test digits, probe seed 7).',
    source: `${MANIFOLD_SOURCE}; checkpoint density from the authors, sizes our choice`,
    config: manifold({ kind: 'mlp', hidden: [128], activation: 'relu' }, { kind: 'sgd', lr: 0.05, momentum: 0.9 }),
  },
  {
    id: 'manifold-mlp-adam',
    label: 'Manifold study: MLP 784-128-10, Adam',
    description: 'As manifold-mlp-sgd with Adam (lr 1e-3): a different optimiser on the same manifold.',
    source: `${MANIFOLD_SOURCE}; sizes our choice`,
    config: manifold({ kind: 'mlp', hidden: [128], activation: 'relu' }, { kind: 'adam', lr: 0.001 }),
  },
  {
    id: 'manifold-mlp-wide',
    label: 'Manifold study: MLP 784-512-512-10, SGD',
    description: 'A larger net: it should move along the same manifold, faster.',
    source: `${MANIFOLD_SOURCE}; sizes our choice`,
    config: manifold({ kind: 'mlp', hidden: [512, 512], activation: 'relu' }, { kind: 'sgd', lr: 0.05, momentum: 0.9 }),
  },
  {
    id: 'manifold-mlp-l2',
    label: 'Manifold study: MLP 784-128-10, SGD + L2',
    description: 'As manifold-mlp-sgd with weight decay 5e-4: regularisation changes the path, not the manifold.',
    source: `${MANIFOLD_SOURCE}; sizes our choice`,
    config: manifold({ kind: 'mlp', hidden: [128], activation: 'relu' }, { kind: 'sgd', lr: 0.05, momentum: 0.9 }, { weightDecay: 5e-4 }),
  },
  {
    id: 'manifold-cnn-sgd',
    label: 'Manifold study: small CNN, SGD',
    description: 'conv3x3x16-pool-conv3x3x32-pool-dense10: another architecture on the same probe set.',
    source: `${MANIFOLD_SOURCE}; sizes our choice`,
    config: manifold(
      { kind: 'cnn', layers: [{ type: 'conv2d', filters: 16, kernelSize: 3 }, { type: 'maxpool', size: 2 }, { type: 'conv2d', filters: 32, kernelSize: 3 }, { type: 'maxpool', size: 2 }], hidden: [], activation: 'relu' },
      { kind: 'sgd', lr: 0.05, momentum: 0.9 },
    ),
  },
  {
    id: 'manifold-fast-mlp-narrow',
    label: 'Manifold study (fast): MLP 784-32-10, SGD',
    description: 'The fast manifold study\'s narrow net: 2,000 digits, 2 epochs, 21 log-spaced checkpoints, a 500-digit probe set shared by all manifold-fast presets.',
    source: `${MANIFOLD_SOURCE}; sizes our choice (a study in about a minute)`,
    config: manifoldFast({ kind: 'mlp', hidden: [32], activation: 'relu' }, { kind: 'sgd', lr: 0.05, momentum: 0.9 }),
  },
  {
    id: 'manifold-fast-mlp-wide',
    label: 'Manifold study (fast): MLP 784-256-10, SGD',
    description: 'As manifold-fast-mlp-narrow, 8x wider: it should move along the same path, faster.',
    source: `${MANIFOLD_SOURCE}; sizes our choice`,
    config: manifoldFast({ kind: 'mlp', hidden: [256], activation: 'relu' }, { kind: 'sgd', lr: 0.05, momentum: 0.9 }),
  },
  {
    id: 'manifold-fast-mlp-adam',
    label: 'Manifold study (fast): MLP 784-32-10, Adam',
    description: 'As manifold-fast-mlp-narrow with Adam (lr 1e-3): another optimiser on the same manifold.',
    source: `${MANIFOLD_SOURCE}; sizes our choice`,
    config: manifoldFast({ kind: 'mlp', hidden: [32], activation: 'relu' }, { kind: 'adam', lr: 0.001 }),
  },
  {
    id: 'manifold-fast-cnn',
    label: 'Manifold study (fast): small CNN, SGD',
    description: 'conv3x3x8-pool-conv3x3x16-pool-dense10 on the fast study\'s data and probe set: another architecture.',
    source: `${MANIFOLD_SOURCE}; sizes our choice`,
    config: manifoldFast(
      { kind: 'cnn', layers: [{ type: 'conv2d', filters: 8, kernelSize: 3 }, { type: 'maxpool', size: 2 }, { type: 'conv2d', filters: 16, kernelSize: 3 }, { type: 'maxpool', size: 2 }], hidden: [], activation: 'relu' },
      { kind: 'sgd', lr: 0.05, momentum: 0.9 },
    ),
  },
  { id: 'regions-moons', label: 'Decision regions: two moons', description: '2-16-16-2 ReLU MLP on two moons (noise 0.1), Adam; 41 log-spaced checkpoints.', source: `${REGIONS_SOURCE}; data and sizes our choice`, config: regions('moons'), panels: ['decisionGeometry'] },
  { id: 'regions-circles', label: 'Decision regions: circles', description: '2-16-16-2 ReLU MLP on two concentric circles.', source: `${REGIONS_SOURCE}; data and sizes our choice`, config: regions('circles'), panels: ['decisionGeometry'] },
  { id: 'regions-spirals', label: 'Decision regions: three spirals', description: '2-32-32-3 ReLU MLP on three interleaved spirals, 200 epochs.', source: `${REGIONS_SOURCE}; data and sizes our choice`, config: regions('spirals'), panels: ['decisionGeometry'] },
  { id: 'regions-xor', label: 'Decision regions: XOR', description: '2-16-16-2 ReLU MLP on the XOR quadrants.', source: `${REGIONS_SOURCE}; data and sizes our choice`, config: regions('xor'), panels: ['decisionGeometry'] },
  { id: 'regions-blobs', label: 'Decision regions: four blobs', description: '2-16-16-4 ReLU MLP on four Gaussian blobs.', source: `${REGIONS_SOURCE}; data and sizes our choice`, config: regions('blobs'), panels: ['decisionGeometry'] },
  {
    id: 'regions-moons-sigmoid-l2',
    label: 'Decision regions: two moons, sigmoid, with L2',
    description: '2-8-2 sigmoid MLP with SGD and weight decay 3e-4: ||W|| levels off and the transition band stays wide; compare with regions-moons-sigmoid (SPEC D.3).',
    source: `${REGIONS_SOURCE}; data, sizes and weight decay our choice (1e-3 underfits: 88 % train accuracy)`,
    config: regions('moons', { model: { kind: 'mlp', hidden: [8], activation: 'sigmoid' }, init: { kind: 'glorot-uniform' }, optimizer: { kind: 'sgd', lr: 0.5, momentum: 0.9 }, weightDecay: 3e-4, epochs: 100 }),
    panels: ['decisionGeometry'],
  },
  {
    id: 'regions-moons-sigmoid',
    label: 'Decision regions: two moons, sigmoid, without L2',
    description: 'regions-moons-sigmoid-l2 without weight decay: ||W|| keeps growing, the band narrows and the gradient vanishes (SPEC D.3, D.4).',
    source: `${REGIONS_SOURCE}; data and sizes our choice`,
    config: regions('moons', { model: { kind: 'mlp', hidden: [8], activation: 'sigmoid' }, init: { kind: 'glorot-uniform' }, optimizer: { kind: 'sgd', lr: 0.5, momentum: 0.9 }, epochs: 100 }),
    panels: ['decisionGeometry'],
  },
];

export const PRESETS: Preset[] = DEFS.map((d) => ({ ...d, config: parseTrainConfig(d.config, `preset "${d.id}"`) }));

export function getPreset(id: string): Preset {
  const p = PRESETS.find((x) => x.id === id);
  if (!p) throw new Error(`unknown preset "${id}"; known presets: ${PRESETS.map((x) => x.id).join(', ')}`);
  return p;
}

const SEEDS_1_TO_8 = [1, 2, 3, 4, 5, 6, 7, 8];

export const STUDIES: Study[] = [
  {
    id: 'quick-seeds',
    label: 'Quick study: the quick preset with two seeds',
    description: 'Two runs of "quick" that differ only in their init and shuffle seeds: a study in under a minute, to try studies and compare runs.',
    source: 'our choice',
    runs: [1, 2].map((s) => ({ name: `quick-seed${s}`, presetId: 'quick', seeds: { init: s, shuffle: s } })),
  },
  {
    id: 'barcode-width',
    label: 'Barcode study: minima of MLPs of growing width (8 seeds each)',
    description: 'K = 8 minima for each of widths 16, 64 and 256 (the authors use K = 8): barcode lengths and TO-score should shrink with width.',
    source: BARCODE_SOURCE,
    runs: ['barcode-w16', 'barcode-w64', 'barcode-w256'].flatMap((presetId) => SEEDS_1_TO_8.map((s) => ({ name: `${presetId}-seed${s}`, presetId, seeds: { init: s, shuffle: s } }))),

    panels: ['lossBarcode', 'toScoreTable'],
  },
  {
    id: 'barcode-depth',
    label: 'Barcode study: minima of a deeper MLP (8 seeds)',
    description: 'K = 8 minima of 784-32-32-32-10, to compare with the one-hidden-layer nets.',
    source: BARCODE_SOURCE,
    runs: SEEDS_1_TO_8.map((s) => ({ name: `barcode-d3-seed${s}`, presetId: 'barcode-d3', seeds: { init: s, shuffle: s } })),

    panels: ['lossBarcode', 'toScoreTable'],
  },
  {
    id: 'barcode-grid',
    label: 'Barcode study: the paper grid, widths 16-256 x depths 1-4 (8 seeds each, 160 runs)',
    description: 'K = 8 minima of each MLP of the grid: the TO-score Table shows whether barcode lengths shrink with width and depth (SPEC B observation 1) and segment length vs test error (observation 2). Hours on a laptop.',
    source: BARCODE_SOURCE,
    runs: BARCODE_GRID.depths.flatMap((d) => BARCODE_GRID.widths.flatMap((w) => SEEDS_1_TO_8.map((s) => ({ name: `${barcodeGridId('grid', w, d)}-seed${s}`, presetId: barcodeGridId('grid', w, d), seeds: { init: s, shuffle: s } })))),

    panels: ['lossBarcode', 'toScoreTable'],
  },
  {
    id: 'barcode-grid-fast',
    label: 'Barcode study: fast grid, widths 32, 128 x depths 1, 2 (4 seeds each, 16 runs)',
    description: 'About two minutes on 2 cores: 4 near-converged minima of each of four MLPs on 500 digits, for a first TO-score Table.',
    source: `${BARCODE_SOURCE}; sizes our choice`,
    runs: BARCODE_FAST_GRID.depths.flatMap((d) => BARCODE_FAST_GRID.widths.flatMap((w) => [1, 2, 3, 4].map((s) => ({ name: `${barcodeGridId('fast', w, d)}-seed${s}`, presetId: barcodeGridId('fast', w, d), seeds: { init: s, shuffle: s } })))),
    panels: ['lossBarcode', 'toScoreTable'],
  },
  {
    id: 'barcode-generalization',
    label: 'Barcode study: 10 minima of 784-32-10 on 500 digits (segment length vs test error)',
    description: 'About five minutes on 2 cores: ten fast-grid minima of one MLP, so the rank correlation of segment length with test error has nine finite bars behind it (SPEC B observation 2).',
    source: `${BARCODE_SOURCE}; sizes our choice`,
    runs: Array.from({ length: 10 }, (_, i) => i + 1).map((s) => ({ name: `${barcodeGridId('fast', 32, 1)}-seed${s}`, presetId: barcodeGridId('fast', 32, 1), seeds: { init: s, shuffle: s } })),
    panels: ['lossBarcode', 'toScoreTable'],
  },
  {
    id: 'barcode-tiny',
    label: 'Barcode study: tiny, three minima of 784-16-10 on 200 digits',
    description: 'Seconds on 2 cores: three minima of one small MLP and their loss barcode, to try the Loss Barcode and TO-score panels.',
    source: `${BARCODE_SOURCE}; sizes our choice`,
    runs: [1, 2, 3].map((s) => ({ name: `barcode-tiny-seed${s}`, presetId: 'barcode-tiny-mlp', seeds: { init: s, shuffle: s } })),
    panels: ['lossBarcode', 'toScoreTable'],
  },
  {
    id: 'manifold',
    label: 'Manifold study: architectures and optimisers on one probe set (2 seeds each, 10 runs)',
    description: 'Ten trajectories (MLP SGD / Adam / wide / L2, CNN; two seeds each) with a shared probe set, embedded together by InPCA.',
    source: MANIFOLD_SOURCE,
    runs: ['manifold-mlp-sgd', 'manifold-mlp-adam', 'manifold-mlp-wide', 'manifold-mlp-l2', 'manifold-cnn-sgd'].flatMap((presetId) => [1, 2].map((s) => ({ name: `${presetId}-seed${s}`, presetId, seeds: { init: s, shuffle: s } }))),
    panels: ['predictionManifold'],
  },
  {
    id: 'manifold-fast',
    label: 'Manifold study (fast): two MLP widths, SGD and Adam, a small CNN (2 seeds each, 8 runs)',
    description: 'About a minute on 2 cores: eight short trajectories on one 500-digit probe set, embedded together by InPCA.',
    source: `${MANIFOLD_SOURCE}; sizes our choice`,
    runs: ['manifold-fast-mlp-narrow', 'manifold-fast-mlp-wide', 'manifold-fast-mlp-adam', 'manifold-fast-cnn'].flatMap((presetId) => [1, 2].map((s) => ({ name: `${presetId}-seed${s}`, presetId, seeds: { init: s, shuffle: s } }))),
    panels: ['predictionManifold'],
  },
];

export function getStudy(id: string): Study {
  const s = STUDIES.find((x) => x.id === id);
  if (!s) throw new Error(`unknown study "${id}"; known studies: ${STUDIES.map((x) => x.id).join(', ')}`);
  return s;
}

/** The config of one run of a study: the preset's config with that run's seeds. */
export function studyRunConfig(run: Study['runs'][number]): TrainConfig {
  const base = getPreset(run.presetId).config;
  return { ...base, seeds: { ...base.seeds, ...run.seeds } };
}
