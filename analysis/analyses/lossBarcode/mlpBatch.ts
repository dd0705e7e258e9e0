/**
 * Many copies of one MLP evaluated in one pass: the points of a path are networks of the same architecture
 * with different weights, all fed the same minibatch. Built on the training engine's generated
 * WebAssembly-SIMD kernels (training/simd: packB, gemm, activation gradients) over one memory.
 *
 * WHY batched: the first layer dominates an MNIST MLP (784 inputs). Its products for all P points share
 * the input X, so they are one product X [B, D] x [W_1 | ... | W_P] [D, P*O] (the packed panels of the P
 * kernels laid end to end are exactly the packed concatenation when O is a multiple of 8), which streams X
 * once instead of P times. Later layers and all gradients are per point (block-diagonal), over activations
 * stored [B, P*O] with point p in columns p*O..p*O+O-1, so that element-wise kernels run once over all points.
 *
 * Parameter vector layout (a path point): for each dense layer in order, its kernel [in, out] row-major,
 * then its bias [out] when the layer has one: the checkpoint tensors `<layer>/kernel`, `<layer>/bias`
 * flattened in model order. Loss: mean softmax cross-entropy over the batch, as training's objective.
 */
import { compileModule, instantiate, newMemory, type FnBuilder, type Kernel, type WasmMemory } from '../../training/simd/assembler';
import { gemm, packB, packedSize, type GemmSpec, type PackSpec } from '../../training/simd/gemm';
import { activationGrad } from '../../training/simd/kernels';
import { expInPlace } from '../../training/simd/exp';
import { polylinePoint, polylineSegment } from './pathObjective';

export type MlpActivation = 'relu' | 'sigmoid' | 'tanh' | 'linear';

export interface DenseSpec {
  name: string;
  inUnits: number;
  units: number;
  bias: boolean;
  activation: MlpActivation;
}

interface Buf { off: number; n: number }

interface LayerMem {
  spec: DenseSpec;
  /** Offset of this layer's kernel and bias in the parameter vector. */
  wAt: number;
  bAt: number;
  W: Buf; // [P][I*O]
  b: Buf; // [P][O]
  dW: Buf; // [P][I*O]
  db: Buf; // [P][O]
  H: Buf; // [B][P*O]
  dH: Buf; // [B][P*O]
}

/**
 * Compiled kernels by (layers, P, B), shared by every engine of this thread: a pair compiles one module per
 * path length it meets (13, 15, ... points, and the midpoint and evaluation batches), and the next pair of
 * the same architecture needs the same ones. Encoding and compiling them was ~10% of a small pair.
 */
const compiledKernels = new Map<string, { module: object; names: Record<string, string> }>();

export function parameterCount(layers: readonly DenseSpec[]): number {
  return layers.reduce((a, l) => a + l.inUnits * l.units + (l.bias ? l.units : 0), 0);
}

export class MlpBatch {
  readonly dim: number;
  private readonly mem: WasmMemory;
  private readonly f32: Float32Array;
  private readonly L: LayerMem[] = [];
  private readonly X: Buf;
  private readonly pack: Buf;
  private readonly kernels = new Map<string, Record<string, Kernel>>();
  private readonly D: number;
  private readonly classes: number;

  constructor(layers: readonly DenseSpec[], readonly maxPoints: number, readonly maxBatch: number) {
    if (layers.length === 0) throw new Error('MLP batch: no layers');
    for (let l = 1; l < layers.length; l++) {
      if (layers[l].inUnits !== layers[l - 1].units) throw new Error(`MLP batch: layer ${layers[l].name} takes ${layers[l].inUnits} inputs but ${layers[l - 1].name} gives ${layers[l - 1].units}`);
    }
    this.D = layers[0].inUnits;
    this.classes = layers[layers.length - 1].units;
    this.dim = parameterCount(layers);
    const P = maxPoints;
    const B = maxBatch;
    let top = 64;
    const alloc = (n: number): Buf => {
      const b = { off: top, n };
      top += Math.ceil((n * 4 + 16) / 64) * 64; // 16 bytes of slack (vector over-reads), 64-byte aligned
      return b;
    };
    this.X = alloc(B * this.D);
    let packMax = 0;
    let at = 0;
    for (const spec of layers) {
      const I = spec.inUnits;
      const O = spec.units;
      const wAt = at;
      at += I * O;
      const bAt = at;
      if (spec.bias) at += O;
      this.L.push({ spec, wAt, bAt, W: alloc(P * I * O), b: alloc(P * O), dW: alloc(P * I * O), db: alloc(P * O), H: alloc(B * P * O), dH: alloc(B * P * O) });
      packMax = Math.max(packMax, P * packedSize(I, O), packedSize(B, O), packedSize(O, I));
    }
    this.pack = alloc(packMax);
    this.mem = newMemory(top);
    this.f32 = new Float32Array(this.mem.buffer);
  }

  private view(b: Buf, from = 0, n = b.n - from): Float32Array {
    return this.f32.subarray(b.off / 4 + from, b.off / 4 + from + n);
  }

  /** Kernels for P points and batch B, compiled once per (P, B). */
  private kernelsFor(P: number, B: number): Record<string, Kernel> {
    const key = `${P}x${B}`;
    const hit = this.kernels.get(key);
    if (hit) return hit;
    const moduleKey = `${key} ${JSON.stringify(this.L.map((Lm) => Lm.spec))}`;
    let compiled = compiledKernels.get(moduleKey);
    if (!compiled) {
      compiled = this.compileKernels(P, B);
      compiledKernels.set(moduleKey, compiled);
    }
    const built = instantiate(compiled.module, this.mem);
    const k: Record<string, Kernel> = {};
    for (const [alias, name] of Object.entries(compiled.names)) k[alias] = built[name];
    this.kernels.set(key, k);
    return k;
  }

  private compileKernels(P: number, B: number): { module: object; names: Record<string, string> } {
    const fns: { name: string; fn: FnBuilder }[] = [];
    const seen = new Map<string, string>();
    const add = (kind: string, spec: object, make: () => FnBuilder) => {
      const k = kind + JSON.stringify(spec);
      if (!seen.has(k)) {
        seen.set(k, `f${seen.size}`);
        fns.push({ name: `f${seen.size - 1}`, fn: make() });
      }
      return seen.get(k)!;
    };
    const pk = (s: PackSpec) => add('pack', s, () => packB(s));
    const gm = (s: GemmSpec) => add('gemm', s, () => gemm(s));
    const names: Record<string, string> = { exp: add('exp', {}, expInPlace) };
    this.L.forEach((Lm, l) => {
      const { inUnits: I, units: O, activation, bias } = Lm.spec;
      const relu = activation === 'relu';
      const inStride = l === 0 ? this.D * 4 : P * I * 4; // row stride of this layer's input activations
      names[`${l}.packW`] = pk({ K: I, N: O, sbk: O * 4, sbj: 4 });
      if (l === 0 && O % 8 === 0) names[`${l}.fwdAll`] = gm({ M: B, N: P * O, K: I, sai: inStride, sak: 4, ldc: P * O * 4, bias, relu });
      else names[`${l}.fwd`] = gm({ M: B, N: O, K: I, sai: inStride, sak: 4, ldc: P * O * 4, bias, relu });
      // The first layer's pre-activations (ReLU not fused), for evaluatePolyline.
      if (l === 0 && relu) {
        if (O % 8 === 0) names['0.preAll'] = gm({ M: B, N: P * O, K: I, sai: inStride, sak: 4, ldc: P * O * 4, bias, relu: false });
        else names['0.pre'] = gm({ M: B, N: O, K: I, sai: inStride, sak: 4, ldc: P * O * 4, bias, relu: false });
      }
      names[`${l}.packDz`] = pk({ K: B, N: O, sbk: P * O * 4, sbj: 4 });
      names[`${l}.dW`] = gm({ M: I, N: O, K: B, sai: 4, sak: inStride, ldc: O * 4 });
      if (l > 0) {
        names[`${l}.packWT`] = pk({ K: O, N: I, sbk: 4, sbj: O * 4 });
        names[`${l}.dx`] = gm({ M: B, N: I, K: O, sai: P * O * 4, sak: 4, ldc: P * I * 4 });
      }
      if (activation !== 'linear') names[`${l}.act`] = add('act', { activation }, () => activationGrad(activation));
    });
    return { module: compileModule(fns), names };
  }

  private loadPoints(points: readonly Float64Array[], layers: readonly LayerMem[] = this.L): void {
    const P = points.length;
    if (P < 1 || P > this.maxPoints) throw new Error(`MLP batch: ${P} points (1..${this.maxPoints})`);
    for (const Lm of layers) {
      const { inUnits: I, units: O, bias } = Lm.spec;
      points.forEach((theta, p) => {
        if (theta.length !== this.dim) throw new Error(`MLP batch: a point of dimension ${theta.length}, the network has ${this.dim} parameters`);
        this.view(Lm.W, p * I * O, I * O).set(theta.subarray(Lm.wAt, Lm.wAt + I * O));
        if (bias) this.view(Lm.b, p * O, O).set(theta.subarray(Lm.bAt, Lm.bAt + O));
      });
    }
  }

  private forward(k: Record<string, Kernel>, P: number, B: number, fromLayer = 0): void {
    for (let l = fromLayer; l < this.L.length; l++) {
      const Lm = this.L[l];
      this.layerProduct(k, l, P, Lm.H.off, false);
      // Sigmoid and tanh in float64 like the training engine (ReLU is fused into the product).
      const { activation, units: O } = Lm.spec;
      if (activation === 'sigmoid' || activation === 'tanh') applyActivation(activation, this.view(Lm.H, 0, B * P * O));
    }
  }

  /** Layer l's products for P points into `out` ([B][P*O]); `pre`: layer 0 without its fused ReLU. */
  private layerProduct(k: Record<string, Kernel>, l: number, P: number, out: number, pre: boolean): void {
    const Lm = this.L[l];
    const { inUnits: I, units: O } = Lm.spec;
    const input = l === 0 ? this.X.off : this.L[l - 1].H.off;
    const all = pre ? k['0.preAll'] ?? k['0.fwdAll'] : k[`${l}.fwdAll`];
    if (all) {
      for (let p = 0; p < P; p++) k[`${l}.packW`](Lm.W.off + p * I * O * 4, this.pack.off + p * packedSize(I, O) * 4);
      all(input, this.pack.off, out, Lm.b.off);
    } else {
      const one = pre ? k['0.pre'] ?? k['0.fwd'] : k[`${l}.fwd`];
      for (let p = 0; p < P; p++) {
        k[`${l}.packW`](Lm.W.off + p * I * O * 4, this.pack.off);
        one(input + (l === 0 ? 0 : p * I * 4), this.pack.off, out + p * O * 4, Lm.b.off + p * O * 4);
      }
    }
  }

  /**
   * Per point: sum over the first `m` rows of the batch of the cross-entropy, and the number of correct
   * predictions; with `gradScale` it also writes d(loss)/d(logits) * gradScale into the last layer's dH.
   */
  private crossEntropy(k: Record<string, Kernel>, P: number, m: number, y: Int32Array, yFrom: number, lossSum: Float64Array, correct: Float64Array, gradScale?: number): void {
    const C = this.classes;
    const last = this.L[this.L.length - 1];
    const z = this.view(last.H);
    const dz = this.view(last.dH);
    const row = P * C;
    // Shift each network's logits by their maximum (in place: the last layer's outputs are not needed after
    // the loss), exponentiate them all in one SIMD call, then sum: Math.exp per logit was the slow part.
    for (let i = 0; i < m; i++) {
      const label = y[yFrom + i];
      for (let p = 0, o = i * row; p < P; p++, o += C) {
        let best = 0;
        for (let c = 1; c < C; c++) if (z[o + c] > z[o + best]) best = c;
        if (best === label) correct[p]++;
        const max = z[o + best];
        lossSum[p] += max - z[o + label];
        for (let c = 0; c < C; c++) z[o + c] -= max;
      }
    }
    k.exp(last.H.off, m * row);
    for (let i = 0; i < m; i++) {
      const label = y[yFrom + i];
      for (let p = 0, o = i * row; p < P; p++, o += C) {
        let sum = 0;
        for (let c = 0; c < C; c++) sum += z[o + c];
        lossSum[p] += Math.log(sum);
        if (gradScale !== undefined) {
          const scale = gradScale / sum;
          for (let c = 0; c < C; c++) dz[o + c] = z[o + c] * scale;
          dz[o + label] -= gradScale;
        }
      }
    }
  }

  private backward(k: Record<string, Kernel>, P: number, B: number): void {
    for (let l = this.L.length - 1; l >= 0; l--) {
      const Lm = this.L[l];
      const { inUnits: I, units: O, activation, bias } = Lm.spec;
      if (activation !== 'linear') k[`${l}.act`](Lm.dH.off, Lm.H.off, B * P * O, 0);
      if (bias) {
        const dz = this.view(Lm.dH, 0, B * P * O);
        const db = new Float64Array(P * O);
        for (let r = 0; r < B; r++) for (let c = 0, o = r * P * O; c < P * O; c++) db[c] += dz[o + c];
        this.view(Lm.db, 0, P * O).set(db);
      }
      const input = l === 0 ? this.X.off : this.L[l - 1].H.off;
      for (let p = 0; p < P; p++) {
        k[`${l}.packDz`](Lm.dH.off + p * O * 4, this.pack.off);
        k[`${l}.dW`](input + (l === 0 ? 0 : p * I * 4), this.pack.off, Lm.dW.off + p * I * O * 4, 0);
        if (l > 0) {
          k[`${l}.packWT`](Lm.W.off + p * I * O * 4, this.pack.off);
          k[`${l}.dx`](Lm.dH.off + p * O * 4, this.pack.off, this.L[l - 1].dH.off + p * I * 4, 0);
        }
      }
    }
  }

  /**
   * Mean loss of every point on the batch (x: n flattened samples, n = the batch size this engine was
   * built for) and, into grads[p], its gradient with respect to the parameter vector.
   */
  lossAndGrad(points: readonly Float64Array[], x: Float32Array, y: Int32Array, grads: Float64Array[]): Float64Array {
    const P = points.length;
    const B = this.maxBatch;
    if (x.length !== B * this.D || y.length !== B) throw new Error(`MLP batch: gradients need a batch of exactly ${B} samples`);
    this.loadPoints(points);
    const k = this.kernelsFor(P, B);
    this.view(this.X).set(x);
    this.forward(k, P, B);
    const loss = new Float64Array(P);
    this.crossEntropy(k, P, B, y, 0, loss, new Float64Array(P), 1 / B);
    this.backward(k, P, B);
    for (const Lm of this.L) {
      const { inUnits: I, units: O, bias } = Lm.spec;
      for (let p = 0; p < P; p++) {
        grads[p].set(this.view(Lm.dW, p * I * O, I * O), Lm.wAt);
        if (bias) grads[p].set(this.view(Lm.db, p * O, O), Lm.bAt);
      }
    }
    for (let p = 0; p < P; p++) loss[p] /= B;
    return loss;
  }

  /** Mean loss and error rate of every point over all n samples (in chunks of the batch size, zero-padded). */
  evaluate(points: readonly Float64Array[], x: Float32Array, y: Int32Array): { loss: Float64Array; error: Float64Array } {
    const P = points.length;
    const B = this.maxBatch;
    const n = y.length;
    if (x.length !== n * this.D) throw new Error(`MLP batch: ${x.length} inputs for ${n} samples of ${this.D} features`);
    if (n === 0) throw new Error('MLP batch: no samples to evaluate on');
    this.loadPoints(points);
    const k = this.kernelsFor(P, B);
    const lossSum = new Float64Array(P);
    const correct = new Float64Array(P);
    const X = this.view(this.X);
    for (let from = 0; from < n; from += B) {
      const m = Math.min(B, n - from);
      X.set(x.subarray(from * this.D, (from + m) * this.D));
      if (m < B) X.fill(0, m * this.D);
      this.forward(k, P, B);
      this.crossEntropy(k, P, m, y, from, lossSum, correct);
    }
    return { loss: lossSum.map((s) => s / n), error: correct.map((c) => 1 - c / n) };
  }

  /**
   * Mean loss at every point of the polyline through `vertices` with `per - 1` evenly spaced points inside
   * each segment: (V - 1) * per + 1 points, point q at fraction (q - s * per) / per of segment s, over all n
   * samples. Equal to evaluate() on the interpolated parameter vectors up to float32 rounding.
   * WHY: the first layer's pre-activations X W + b are linear in (W, b), so an interpolated point's are the
   * same interpolation of its two vertices'. Only the vertices go through the first (784-input) product,
   * most of an MNIST MLP's work: a path of 21 vertices evaluated at 81 points costs ~25 first-layer products
   * instead of 81, the straight line (2 vertices) ~2.
   */
  evaluatePolyline(vertices: readonly Float64Array[], per: number, x: Float32Array, y: Int32Array): Float64Array {
    const V = vertices.length;
    if (V < 2) throw new Error(`MLP batch: a polyline needs 2 or more vertices, got ${V}`);
    if (!Number.isInteger(per) || per < 1) throw new Error(`MLP batch: ${per} points per segment`);
    const count = (V - 1) * per + 1;
    // A chunk of Q points spans at most (Q - 1) / per + 3 vertices, which must fit the engine too.
    const Q = Math.min(this.maxPoints, per * (this.maxPoints - 3) + 1);
    if (Q < 1) {
      const points = Array.from({ length: count }, (_, q) => polylinePoint(vertices, per, q, new Float64Array(this.dim)));
      const out = new Float64Array(count);
      for (let from = 0; from < count; from += this.maxPoints) out.set(this.evaluate(points.slice(from, from + this.maxPoints), x, y).loss, from);
      return out;
    }
    const B = this.maxBatch;
    const n = y.length;
    if (x.length !== n * this.D) throw new Error(`MLP batch: ${x.length} inputs for ${n} samples of ${this.D} features`);
    if (n === 0) throw new Error('MLP batch: no samples to evaluate on');
    const out = new Float64Array(count);
    const first = this.L[0];
    const O = first.spec.units;
    const X = this.view(this.X);
    for (let q0 = 0; q0 < count; q0 += Q) {
      const m = Math.min(Q, count - q0);
      const s0 = polylineSegment(q0, per, V).s;
      const vCount = polylineSegment(q0 + m - 1, per, V).s + 2 - s0;
      this.loadPoints(vertices.slice(s0, s0 + vCount), [first]);
      const points = Array.from({ length: m }, (_, i) => polylinePoint(vertices, per, q0 + i, new Float64Array(this.dim)));
      if (this.L.length > 1) this.loadPoints(points, this.L.slice(1));
      const kv = this.kernelsFor(vCount, B);
      const kq = this.kernelsFor(m, B);
      const lossSum = new Float64Array(m);
      const correct = new Float64Array(m);
      const Z = this.view(first.dH, 0, B * vCount * O); // vertices' pre-activations [B][vCount*O]
      const H = this.view(first.H, 0, B * m * O); // the points' activations [B][m*O]
      for (let from = 0; from < n; from += B) {
        const rows = Math.min(B, n - from);
        X.set(x.subarray(from * this.D, (from + rows) * this.D));
        if (rows < B) X.fill(0, rows * this.D);
        this.layerProduct(kv, 0, vCount, first.dH.off, true);
        for (let i = 0; i < m; i++) {
          const { s, f } = polylineSegment(q0 + i, per, V);
          const a = (s - s0) * O;
          const b = a + O;
          for (let r = 0; r < B; r++) {
            const zr = r * vCount * O;
            const hr = r * m * O + i * O;
            for (let o = 0; o < O; o++) H[hr + o] = (1 - f) * Z[zr + a + o] + f * Z[zr + b + o];
          }
        }
        applyActivation(first.spec.activation, H);
        this.forward(kq, m, B, 1);
        this.crossEntropy(kq, m, rows, y, from, lossSum, correct);
      }
      for (let i = 0; i < m; i++) out[q0 + i] = lossSum[i] / n;
    }
    return out;
  }
}

function applyActivation(activation: MlpActivation, v: Float32Array): void {
  if (activation === 'relu') for (let i = 0; i < v.length; i++) v[i] = v[i] > 0 ? v[i] : 0;
  else if (activation === 'sigmoid') for (let i = 0; i < v.length; i++) v[i] = 1 / (1 + Math.exp(-v[i]));
  else if (activation === 'tanh') for (let i = 0; i < v.length; i++) v[i] = Math.tanh(v[i]);
}
