/**
 * A network's loss landscape as a PathObjective: the batched MLP engine over the run's own training data
 * (minibatches for the path moves) and its fixed evaluation subset (barriers, minima losses). The
 * minibatch of iteration t is a fixed function of (seed, t): each epoch is a seeded permutation of the
 * training set cut into full batches, so every point of a path, and a resumed pair, sees the same data.
 */
import { deriveSeed, permutation } from '../../data/random';
import type { Split } from '../../data/prepare';
import { MlpBatch, type DenseSpec } from './mlpBatch';
import type { PathObjective } from './pathObjective';

export interface NetworkObjective extends PathObjective {
  /** Mean loss and error rate on any split (minima: the evaluation subset and the test set). */
  score(points: readonly Float64Array[], split: Split): { loss: Float64Array; error: Float64Array };
}

/** The training-set indices of minibatch `iteration` (what every point of a path sees at that iteration). */
export function minibatchOrder(n: number, batchSize: number, seed: number): (iteration: number) => Int32Array {
  const perEpoch = Math.floor(n / batchSize);
  let order: Int32Array | undefined;
  let orderEpoch = -1;
  return (iteration) => {
    const epoch = Math.floor(iteration / perEpoch);
    if (epoch !== orderEpoch) {
      order = permutation(n, deriveSeed(seed, 'loss-barcode-path', epoch));
      orderEpoch = epoch;
    }
    const from = (iteration % perEpoch) * batchSize;
    return (order as Int32Array).subarray(from, from + batchSize);
  };
}

export function networkObjective(layers: readonly DenseSpec[], train: Split, evalSet: Split, options: { batchSize: number; seed: number; maxPoints: number }): NetworkObjective {
  const B = options.batchSize;
  if (!Number.isInteger(B) || B < 1) throw new Error(`loss barcode: batchSize must be a positive integer, got ${B}`);
  if (train.n < B) throw new Error(`loss barcode: a batch of ${B} samples but the training set has ${train.n}; lower batchSize`);
  const engine = new MlpBatch(layers, options.maxPoints, B);
  const D = layers[0].inUnits;
  const x = new Float32Array(B * D);
  const y = new Int32Array(B);
  const indices = minibatchOrder(train.n, B, options.seed);
  let loaded = -1;
  const batch = (iteration: number) => {
    if (iteration === loaded) return;
    const idx = indices(iteration);
    for (let i = 0; i < B; i++) {
      const src = idx[i];
      x.set(train.x.subarray(src * D, (src + 1) * D), i * D);
      y[i] = train.y[src];
    }
    loaded = iteration;
  };
  return {
    dim: engine.dim,
    maxPoints: options.maxPoints,
    lossAndGrad(points, iteration, grads) {
      batch(iteration);
      return engine.lossAndGrad(points, x, y, grads);
    },
    evaluate: (points) => engine.evaluate(points, evalSet.x, evalSet.y).loss,
    evaluatePolyline: (vertices, per) => engine.evaluatePolyline(vertices, per, evalSet.x, evalSet.y),
    score(points, split) {
      const out = { loss: new Float64Array(points.length), error: new Float64Array(points.length) };
      for (let from = 0; from < points.length; from += options.maxPoints) {
        const r = engine.evaluate(points.slice(from, from + options.maxPoints), split.x, split.y);
        out.loss.set(r.loss, from);
        out.error.set(r.error, from);
      }
      return out;
    },
  };
}
