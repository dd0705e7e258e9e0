/**
 * The prediction manifold (SPEC C): InPCA of the probe-set predictions of every checkpoint of several runs,
 * with the ignorance point P0 and the truth P*, explained stress per axis and progress along the P0 -> P*
 * geodesic. Plain JSON on the wire.
 */
import { analysisRequest, type AnalysisParams } from './analysis';

export interface PredictionManifoldParams extends AnalysisParams {
  /** InPCA axes kept (default 10). */
  components?: number;
  /** Eigen-decomposition: 'auto' (default: full up to 120 models, Lanczos beyond), 'full' or 'lanczos'. */
  method?: 'auto' | 'full' | 'lanczos';
  /**
   * Live mode: embed only the checkpoints of the last full embedding of this run set and add newer ones by
   * out-of-sample projection (no m x m recompute). Without a previous embedding it computes a full one.
   */
  project?: boolean;
}

/** What a run contributes: its checkpoints in step order with coordinates and scores. */
export interface ManifoldRun {
  runDir: string;
  runId: string;
  name: string;
  status: string;
  /** Legend groups: "mlp 128", "cnn conv16-pool-conv32-pool", optimiser "sgd lr 0.05", init seed. */
  architecture: string;
  optimizer: string;
  /** Absent for imported runs (their seed is not recorded). */
  seed?: number;
  steps: number[];
  /** Per checkpoint: coordinates on the kept axes. */
  coords: number[][];
  /** Per checkpoint: progress along the P0 -> P* geodesic, in [0, 1]. */
  progress: number[];
  /** Per checkpoint, from metrics.jsonl eval records (null when absent). */
  trainAccuracy: (number | null)[];
  testAccuracy: (number | null)[];
  /** Per checkpoint: true when placed by out-of-sample projection (live mode). */
  projected: boolean[];
}

export interface ManifoldReference {
  coords: number[];
  progress: number;
}

export interface PredictionManifold {
  version: number;
  /** Models embedded by the eigen-decomposition (checkpoints + P0 + P*). */
  m: number;
  probe: { samples: number; classes: number; dataset?: string; split?: string };
  /** Eigenvalues of W by |lambda| descending; negative = time-like axis. */
  eigenvalues: number[];
  /** ES(k) for k = 1..components. */
  explainedStress: number[];
  method: 'full' | 'lanczos';
  kernel: 'wasm-simd' | 'js';
  runs: ManifoldRun[];
  p0: ManifoldReference;
  pStar: ManifoldReference;
  /** Live mode: checkpoints added by projection, and whether a full recompute would change the picture. */
  projection: { count: number; inSampleResidual: number; projectedResidual: number; recomputeAdvised: boolean } | null;
  timings: { readMs: number; distanceMs: number; eigenMs: number; progressMs: number };
}

export const PredictionManifoldRequest = analysisRequest<PredictionManifoldParams, PredictionManifold>('predictionManifold');
