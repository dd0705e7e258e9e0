/**
 * A checkpoint evaluated on a size x size grid over a 2-D domain: class (argmax) map, confidence (max
 * probability) map, activation-pattern regions per depth and, optionally, the per-sample gradient norm.
 *
 * Cell (row r, column c) is centred at u = uMin + (c + 1/2) du, v = vMax - (r + 1/2) dv: row 0 is the top
 * of the picture, so maps draw straight onto a canvas. Maps are row-major typed arrays.
 *
 * Regions: distinct activation patterns of hidden layers 1..k (cumulative), for every k. For a ReLU net all
 * units' pre-activations are affine on the set of inputs sharing a pattern, so that set is a convex polygon:
 * one pattern = one linear region, and counting patterns counts regions seen by the grid (regions thinner
 * than a cell can be missed; the exact count along a segment is segment.ts).
 */
import { isPiecewiseLinear, type DenseNet } from './denseNet';
import { NetEvaluator, zobristKeys } from './evaluator';
import { walkLine } from './walk';
import type { Domain } from './plane';
import { CancelledError } from '../../topology/cancel';

export interface GridOptions {
  /** Which cumulative depth the region map shows (0 = first hidden layer); default: all hidden layers. */
  regionLayer?: number;
  /**
   * Per-sample gradient norm map (label = the predicted class: a grid point has no label, so this is how
   * hard a correctly labelled sample there would still pull on the weights). Needs ||x||^2 in input space:
   * `inputNormSq(u, v)`.
   */
  gradient?: { inputNormSq: (u: number, v: number) => number };
  isCancelled?: () => boolean;
  /** 'walk' (default for piecewise-linear nets without a gradient map): exact row walks; 'cells': a forward pass per cell. */
  method?: 'walk' | 'cells';
}

export interface GridMaps {
  size: number;
  domain: Domain;
  classMap: Uint8Array;
  confidence: Float32Array;
  /** Region id per cell (ids 0..count-1 in scan order) at depth `regionLayer`. */
  regionMap: Int32Array;
  regionLayer: number;
  /** Distinct patterns of hidden layers 1..k+1, for k = 0..hidden layers - 1. */
  regionsByLayer: number[];
  gradientNorm?: Float32Array;
}

export function evaluateGrid(net: DenseNet, domain: Domain, size: number, options: GridOptions = {}): GridMaps {
  if (net.inDim !== 2) throw new Error(`evaluateGrid: the network must take 2 inputs (restrict it to a plane first), got ${net.inDim}.`);
  if (!Number.isInteger(size) || size < 2 || size > 4096) throw new Error(`grid size ${size}: expected an integer from 2 to 4096.`);
  const hiddenLayers = net.layers.length - 1;
  const regionLayer = options.regionLayer ?? hiddenLayers - 1;
  if (hiddenLayers > 0 && (regionLayer < 0 || regionLayer >= hiddenLayers)) throw new Error(`region layer ${regionLayer}: the network has ${hiddenLayers} hidden layers (0..${hiddenLayers - 1}).`);
  if (isPiecewiseLinear(net) && !options.gradient && options.method !== 'cells') return walkedGrid(net, domain, size, regionLayer, options.isCancelled);
  const ev = new NetEvaluator(net);
  const cells = size * size;
  const classMap = new Uint8Array(cells);
  const confidence = new Float32Array(cells);
  const regionMap = new Int32Array(cells);
  const gradientNorm = options.gradient ? new Float32Array(cells) : undefined;
  const maps = Array.from({ length: hiddenLayers }, () => new Map<number, number>());
  const lastKey = new Float64Array(hiddenLayers).fill(-1);
  const lastId = new Int32Array(hiddenLayers);
  const du = (domain.uMax - domain.uMin) / size;
  const dv = (domain.vMax - domain.vMin) / size;
  const x = new Float64Array(2);
  for (let r = 0; r < size; r++) {
    if ((r & 15) === 0 && options.isCancelled?.()) throw new CancelledError();
    const v = domain.vMax - (r + 0.5) * dv;
    x[1] = v;
    for (let c = 0; c < size; c++) {
      const u = domain.uMin + (c + 0.5) * du;
      x[0] = u;
      const cell = r * size + c;
      const cls = ev.forward(x);
      classMap[cell] = cls;
      confidence[cell] = ev.probs[cls];
      for (let k = 0; k < hiddenLayers; k++) {
        const key = ev.patternKey[k];
        // Neighbouring cells mostly share a region: skip the map lookup when the key repeats.
        if (key !== lastKey[k]) {
          const m = maps[k];
          let id = m.get(key);
          if (id === undefined) { id = m.size; m.set(key, id); }
          lastKey[k] = key;
          lastId[k] = id;
        }
      }
      if (hiddenLayers > 0) regionMap[cell] = lastId[regionLayer];
      if (gradientNorm) gradientNorm[cell] = ev.gradientNorm(cls, options.gradient!.inputNormSq(u, v));
    }
  }
  return { size, domain, classMap, confidence, regionMap, regionLayer, regionsByLayer: maps.map((m) => m.size), gradientNorm };
}

/**
 * The same maps for a piecewise-linear net, row by row with the exact walk (walk.ts): a row is the line
 * v = const, the walk splits it into pieces where the network is affine, and each cell reads its piece's
 * affine logits. Same maps as the per-cell pass (up to rounding for a centre that sits exactly on a
 * breakpoint), many times fewer operations: a forward pass per piece instead of per cell.
 */
function walkedGrid(net: DenseNet, domain: Domain, size: number, regionLayer: number, isCancelled?: () => boolean): GridMaps {
  const H = net.layers.length - 1;
  const classes = net.classes;
  const cells = size * size;
  const classMap = new Uint8Array(cells);
  const confidence = new Float32Array(cells);
  const regionMap = new Int32Array(cells);
  const maps = Array.from({ length: H }, () => new Map<number, number>());
  const zobrist = zobristKeys(net);
  const du = (domain.uMax - domain.uMin) / size;
  const dv = (domain.vMax - domain.vMin) / size;
  const dir = Float64Array.of(1, 0);
  const origin = new Float64Array(2);
  const z = new Float64Array(classes);
  let ids = new Int32Array(64);
  for (let r = 0; r < size; r++) {
    if ((r & 15) === 0 && isCancelled?.()) throw new CancelledError();
    origin[1] = domain.vMax - (r + 0.5) * dv;
    const walk = walkLine(net, origin, dir, domain.uMin, domain.uMax, zobrist);
    if (ids.length < walk.count) ids = new Int32Array(2 * walk.count);
    ids.fill(-1, 0, walk.count);
    const { alpha, beta, start, count } = walk;
    let piece = 0;
    for (let c = 0; c < size; c++) {
      const u = domain.uMin + (c + 0.5) * du;
      while (piece + 1 < count && start[piece + 1] <= u) piece++;
      // A region counts once a cell centre lies in it, as in the per-cell pass (pieces between two centres are not seen).
      if (ids[piece] < 0) {
        ids[piece] = 0;
        for (let k = 0; k < H; k++) {
          const key = walk.keys[piece * H + k];
          const m = maps[k];
          let id = m.get(key);
          if (id === undefined) { id = m.size; m.set(key, id); }
          if (k === regionLayer) ids[piece] = id;
        }
      }
      const off = piece * classes;
      const cell = r * size + c;
      if (classes === 2) {
        // two classes: p_max = sigma(|z1 - z0|), one exp
        const gap = alpha[off + 1] - alpha[off] + u * (beta[off + 1] - beta[off]);
        classMap[cell] = gap > 0 ? 1 : 0;
        confidence[cell] = 1 / (1 + Math.exp(-Math.abs(gap)));
      } else {
        let best = 0;
        let m = -Infinity;
        for (let j = 0; j < classes; j++) {
          const zj = alpha[off + j] + u * beta[off + j];
          z[j] = zj;
          if (zj > m) { m = zj; best = j; }
        }
        let s = 0;
        for (let j = 0; j < classes; j++) s += Math.exp(z[j] - m);
        classMap[cell] = best;
        confidence[cell] = 1 / s;
      }
      regionMap[cell] = H > 0 ? ids[piece] : 0;
    }
  }
  return { size, domain, classMap, confidence, regionMap, regionLayer, regionsByLayer: maps.map((m) => m.size) };
}

/** ||x||^2 of the point (u, v) of a plane with orthonormal axes: ||o||^2 + 2u o.e1 + 2v o.e2 + u^2 + v^2. */
export function planeNormSq(origin: ArrayLike<number>, e1: ArrayLike<number>, e2: ArrayLike<number>): (u: number, v: number) => number {
  let oo = 0, o1 = 0, o2 = 0;
  for (let i = 0; i < origin.length; i++) { oo += origin[i] * origin[i]; o1 += origin[i] * e1[i]; o2 += origin[i] * e2[i]; }
  return (u, v) => oo + 2 * u * o1 + 2 * v * o2 + u * u + v * v;
}
