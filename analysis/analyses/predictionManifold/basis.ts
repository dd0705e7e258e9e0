/**
 * The basis of a full embedding, kept for live mode: the embedded models' probabilities (to measure a new
 * checkpoint's distances to them), the eigenpairs and centring (for the out-of-sample projection), their
 * coordinates and progress (so they need not be recomputed). One safetensors file per run set under the
 * cache folder's analysis/predictionManifold/. Float32, like everything else in the run folder: coordinates
 * and projections carry ~1e-7 relative error, far below what a plot shows.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../store/atomic';
import { ANALYSIS_DIR } from '../../store/runLayout';
import { decodeSafetensors, encodeSafetensors } from '../../store/safetensors';
import type { PredictionManifoldParams } from '../../worker/protocol/predictionManifold';
import type { Inpca } from './inpca';
import { inSampleResidual } from './outOfSample';

export interface Basis {
  models: { runDir: string; step: number }[];
  probs: Float32Array;
  samples: number;
  classes: number;
  embedding: Inpca;
  progress: Float64Array;
  /** Median relative residual of the embedded models (the yardstick for projected ones). */
  inSample: number;
}

const FORMAT = 'topolens-manifold-basis';
const BASIS_VERSION = '1';

/** The basis file of a run set (sorted run folders, components and method make the name). */
export function basisFile(dir: string, params: Pick<PredictionManifoldParams, 'runDirs' | 'components' | 'method'>): string {
  const key = createHash('sha256')
    .update(JSON.stringify({ runs: [...params.runDirs].map((d) => path.resolve(d)).sort(), components: params.components ?? null, method: params.method ?? 'auto' }))
    .digest('hex')
    .slice(0, 24);
  return path.join(dir, ANALYSIS_DIR, 'predictionManifold', `basis-${key}.safetensors`);
}

const f32 = (a: ArrayLike<number>): Float32Array => Float32Array.from(a);

export function writeBasis(file: string, b: Omit<Basis, 'inSample'> & { D: Float64Array }): void {
  const e = b.embedding;
  const bytes = encodeSafetensors({
    probs: { dtype: 'F32', shape: [e.m, b.samples, b.classes], data: b.probs },
    vectors: { dtype: 'F32', shape: [e.k, e.m], data: f32(e.vectors) },
    eigenvalues: { dtype: 'F32', shape: [e.k], data: f32(e.eigenvalues) },
    explainedStress: { dtype: 'F32', shape: [e.k], data: f32(e.explainedStress) },
    colMean: { dtype: 'F32', shape: [e.m], data: f32(e.colMean) },
    coords: { dtype: 'F32', shape: [e.m, e.k], data: f32(e.coords) },
    progress: { dtype: 'F32', shape: [e.m], data: f32(b.progress) },
  }, {
    format: FORMAT, version: BASIS_VERSION, models: JSON.stringify(b.models), grandMean: String(e.grandMean), frobenius2: String(e.frobenius2),
    method: e.method, samples: String(b.samples), classes: String(b.classes), inSample: String(inSampleResidual(e, b.D)),
  });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, bytes);
}

/** The stored basis, or undefined when there is none (or it is unreadable: live mode then recomputes fully). */
export function readBasis(file: string): Basis | undefined {
  try {
    const { tensors, metadata } = decodeSafetensors(fs.readFileSync(file), file);
    if (metadata.format !== FORMAT || metadata.version !== BASIS_VERSION) return undefined;
    const [m, samples, classes] = tensors.probs.shape;
    const k = tensors.eigenvalues.shape[0];
    const f64 = (name: string) => Float64Array.from(tensors[name].data);
    const embedding: Inpca = {
      m, k, eigenvalues: f64('eigenvalues'), vectors: f64('vectors'), coords: f64('coords'), explainedStress: f64('explainedStress'),
      colMean: f64('colMean'), grandMean: Number(metadata.grandMean), frobenius2: Number(metadata.frobenius2),
      method: metadata.method === 'lanczos' ? 'lanczos' : 'full', iterations: 0,
    };
    return {
      models: JSON.parse(metadata.models) as Basis['models'], probs: tensors.probs.data, samples, classes, embedding,
      progress: f64('progress'), inSample: Number(metadata.inSample),
    };
  } catch {
    return undefined;
  }
}
