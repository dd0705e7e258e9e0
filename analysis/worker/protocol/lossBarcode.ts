/**
 * Loss Barcode and TO-score (SPEC B): minima of a study (its member runs), optimised paths between every
 * pair, the barrier matrix, the minima barcode and the TO-score variants. Plain JSON only (numbers, arrays,
 * `null` for an infinite death), so the webviews and the CLI share these types.
 */
import { analysisRequest, type AnalysisParams } from './analysis';

/** Path optimisation settings (SPEC B step 2); every field has a default (our choice, documented in pathOptimizer.ts). */
export interface PathSettings {
  /** Points of the initial straight line, endpoints included (default 13). */
  points?: number;
  /** Gradient iterations on the interior points (default 200). */
  iterations?: number;
  /** Step size of the interior points' moves (default: the runs' SGD learning rate). */
  lr?: number;
  /** Minibatch size of the gradients (default: the runs' batch size). */
  batchSize?: number;
  /** Midpoints are inserted every this many iterations (default iterations / 5). */
  insertEvery?: number;
  /** Midpoints inserted each time, in the segments with the highest loss (default 2). */
  insertCount?: number;
  /** Upper bound on the number of points (default 25). */
  maxPoints?: number;
  /** Points evaluated inside each final segment for the barrier (default 3). */
  interpolate?: number;
  /** Evaluation subset size for barriers and minima losses: all of the run's evaluation train subset by default. */
  evalSize?: number;
  /** Seed of the minibatch order (default 0). */
  seed?: number;
}

/**
 * How the barriers are computed: 'paths' (SPEC B steps 2-3, the default) optimises a path per pair; 'sampled'
 * (SPEC B step 5, small nets only) samples weight space around the minima, evaluates every sample and takes
 * the minimax value between the minima on the samples' k-NN graph (sampledBarriers.ts).
 */
export type BarrierMethod = 'paths' | 'sampled';

/** Settings of the sampled method (ignored by 'paths'). */
export interface SampledSettings {
  method?: BarrierMethod;
  /** Samples in weight space, the minima included (default 5,000). */
  samples?: number;
  /** Neighbours per sample in the k-NN graph (default 6). */
  knn?: number;
  /** Gradient steps that relax each tube sample across its pair's segment (default 200; 0 = raw samples). */
  relax?: number;
}

export interface LossBarcodeParams extends AnalysisParams, PathSettings, SampledSettings {
  /** Only `all` (every pair) for now; kept explicit so the CLI flag and the cache key say what was computed. */
  pairs?: 'all';
  /** For a study of several architectures: which one (as `architecture` names it); default: the first with 2+ minima. */
  architecture?: string;
  /** Only the pairs already cached, none computed: the partial barcode a panel shows while pairs finish. */
  cachedOnly?: boolean;
  /** Worker threads for the pairs (default: one per core, at most 4); 1 computes them in-process. Never changes a result. */
  threads?: number;
}

export interface LossBarcodeMinimum {
  runDir: string;
  runId: string;
  runName: string;
  seeds: { init: number; shuffle: number };
  /** Checkpoint step taken as the minimum (the run's last). */
  step: number;
  /** Loss at the minimum on the evaluation subset (the barcode's birth). */
  loss: number;
  /** Test error (1 - accuracy) on the run's evaluation test set; null without a test split. */
  testError: number | null;
  /** Loss of the run's step-0 checkpoint on the evaluation subset; null when the run has none. */
  initLoss: number | null;
}

/**
 * One pair: barriers and the loss profile along the final path and along the straight line. With the sampled
 * method the "path" is a minimax path through the samples' k-NN graph (`points` = its samples) and
 * `computeMs` the time of the whole sampled pass, which gives every pair at once.
 */
export interface PairPath {
  i: number;
  j: number;
  barrier: number;
  straightBarrier: number;
  /** Polyline points after optimisation (endpoints included). */
  points: number;
  /** Profile along the optimised path: normalised arc length 0..1 and loss at each evaluated point. */
  t: number[];
  loss: number[];
  /** Same number of evaluations along the straight line, evenly spaced. */
  straightT: number[];
  straightLoss: number[];
  computeMs: number;
}

export interface ToScore {
  /** Sum of the finite minima-segment lengths. */
  sum: number;
  /** Longest finite minima segment. */
  max: number;
  /** sum / (f at initialisation - global minimum); null when no run has a step-0 checkpoint. */
  sumNormalized: number | null;
  maxNormalized: number | null;
  /** f at initialisation (mean over the minima's runs) used by the normalised variants. */
  initLoss: number | null;
  globalMin: number;
}

export interface RankCorrelation { spearman: number; pValue: number; n: number; permutations: number }

export interface LossBarcodeResult {
  version: number;
  /** Architecture of every minimum, e.g. "mlp 784-16-10 relu". */
  architecture: string;
  /** Every architecture among the requested runs (a study's grid) with its number of completed runs. */
  architectures: { architecture: string; runs: number }[];
  minima: LossBarcodeMinimum[];
  /** Symmetric, diagonal = the minimum's loss; null where a pair is not computed (yet). */
  barriers: (number | null)[][];
  straightBarriers: (number | null)[][];
  /** [birth, death | null] per minimum, in the order of `minima`. */
  bars: [number, number | null][];
  /** The same barcode from the straight-line barriers: the baseline the optimised paths improve on. */
  straightBars: [number, number | null][];
  /** The minimum each one merged into (elder rule) and through which pair's barrier; null for the global minimum. */
  mergedInto: (number | null)[];
  mergedVia: ([number, number] | null)[];
  toScore: ToScore;
  /** Segment length vs test error over the finite bars (null with fewer than 3 finite bars or no test errors). */
  correlation: RankCorrelation | null;
  pairs: PairPath[];
  pairsDone: number;
  pairsTotal: number;
  /**
   * `method` always; `samples`, `knn` and `relax` only for the sampled method (of the path settings it uses
   * lr and batchSize for the relaxation, interpolate for the points inside each graph edge, maxPoints and
   * interpolate for the straight lines' resolution).
   */
  settings: Required<Omit<PathSettings, 'evalSize'>> & { evalSize: number; method: BarrierMethod; samples?: number; knn?: number; relax?: number };
  computeMs: number;
}

export const LossBarcodeRequest = analysisRequest<LossBarcodeParams, LossBarcodeResult>('lossBarcode');

/** One architecture of a study in the TO-score Table. */
export interface ToScoreRow {
  architecture: string;
  /** Hidden layers and their width (null when the hidden layers differ in width). */
  depth: number;
  width: number | null;
  parameters: number;
  runDirs: string[];
  minima: number;
  pairsDone: number;
  pairsTotal: number;
  toScore: ToScore;
  /** Mean and longest finite minima-segment length. */
  meanSegment: number;
  maxSegment: number;
  globalMin: number;
  meanTestError: number | null;
  correlation: RankCorrelation | null;
}

/**
 * SPEC B observation 2 across a study's architectures: rank correlation of each architecture's mean test
 * error with its mean segment length and with its TO sum (null with fewer than 3 rows that have test error).
 */
export interface AcrossArchitectures { meanSegmentVsTestError: RankCorrelation; toScoreVsTestError: RankCorrelation }

export interface ToScoreTable {
  rows: ToScoreRow[];
  acrossArchitectures: AcrossArchitectures | null;
  /** Architectures with fewer than 2 completed minima, and why they are not rows. */
  skipped: { architecture: string; runs: number; reason: string }[];
  computeMs: number;
}

export type ToScoreTableParams = LossBarcodeParams;

export const ToScoreTableRequest = analysisRequest<ToScoreTableParams, ToScoreTable>('toScoreTable');
