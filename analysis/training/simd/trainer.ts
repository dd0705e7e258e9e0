import { buildModule, newMemory, type FnBuilder, type Kernel, type WasmMemory } from './assembler';
import { gemm, packB, packedSize, type GemmSpec, type PackSpec } from './gemm';
import { activationGrad, columnSum, Const, CONST_FLOATS, cropImage, im2col, maxPool, optimizerUpdate, padImage, type ConvGeometry, type PoolGeometry } from './kernels';
import type { ResolvedLayer } from '../network';
import type { OptimizerSpec } from '../../spec/trainConfig';

/**
 * The fused training step of the wasm backend for built-in networks (dense, conv2d, max-pool layers,
 * softmax cross-entropy, SGD/momentum/Nesterov/Adam with L2 decay): forward, backward and update run
 * as generated SIMD kernels over one WebAssembly memory that holds the weights, gradients, optimiser
 * slots and activations, with no tfjs ops, tape or tensors per step.
 *
 * WHY: on tfjs-backend-wasm a step of the MLP 784-128-10 dispatches about 80 kernels (tape bookkeeping,
 * identity copies, scalars) and repacks every weight matrix for XNNPACK, so half of the step was not
 * arithmetic; CNN steps also paid for padding/transposes/slices around the convolutions.
 *
 * The math is the same as the tfjs path (network.ts, objective.ts, optimizers.ts), in float32 with a
 * different summation order, so results agree to rounding (tests compare against the cpu backend).
 * The tf.Variables of the network are not updated per step: `exportState` copies the weights and
 * optimiser slots out (checkpoints, the end of a run) and `importState` loads them (start, resume).
 */

interface Buf { off: number; n: number }

type Plan =
  | { type: 'dense'; l: Extract<ResolvedLayer, { type: 'dense' }>; I: number; O: number; W: Buf; b?: Buf; dW: Buf; db?: Buf }
  | { type: 'conv2d'; l: Extract<ResolvedLayer, { type: 'conv2d' }>; g: ConvGeometry; Kc: number; F: number; W: Buf; b?: Buf; dW: Buf; db?: Buf }
  | { type: 'maxpool'; l: Extract<ResolvedLayer, { type: 'maxpool' }>; g: PoolGeometry };

interface LayerRt {
  plan: Plan;
  /** Floats per sample of the input / output. */
  inSize: number;
  outSize: number;
  out: Buf;
  dOut: Buf;
  /** Whether the gradient with respect to this layer's input is needed (a trainable layer before it). */
  needsInputGrad: boolean;
}

export interface ParamSlot { name: string; role: 'kernel' | 'bias'; shape: number[]; w: Buf; g: Buf; slots: Buf[] }

/** Why the fused step cannot run this network, or undefined when it can. */
export function simdUnsupported(layers: ResolvedLayer[], inputShape: readonly number[]): string | undefined {
  if (layers.length === 0) return 'no layers';
  if (layers[0].type !== 'dense' && inputShape.length !== 3) return 'image layers need [H, W, C] input';
  return undefined;
}

export class SimdTrainer {
  private readonly mem: WasmMemory;
  private readonly layers: LayerRt[] = [];
  readonly params: ParamSlot[] = [];
  private readonly x: Buf;
  private readonly consts: Buf;
  private readonly pack: Buf;
  private readonly scratch: { xp: Buf; P: Buf; dP: Buf; dxp: Buf };
  private readonly kernels = new Map<number, Record<string, Kernel>>();
  private f32!: Float32Array;
  iterations = 0;

  constructor(
    layers: ResolvedLayer[],
    inputShape: readonly number[],
    private readonly classes: number,
    private readonly optimizer: OptimizerSpec,
    private readonly maxBatch: number,
  ) {
    const why = simdUnsupported(layers, inputShape);
    if (why) throw new Error(`SIMD trainer: ${why}`);
    let top = 64;
    const alloc = (n: number): Buf => {
      const b = { off: top, n };
      top += Math.ceil((n * 4 + 16) / 64) * 64; // 16 bytes of slack (vector over-reads), 64-byte aligned
      return b;
    };
    const D = inputShape.reduce((a, b) => a * b, 1);
    this.consts = alloc(CONST_FLOATS);
    this.x = alloc(maxBatch * D);
    let shape = [...inputShape];
    let size = D;
    let packMax = 0;
    let xpMax = 0;
    let pMax = 0;
    let trainableSeen = false;
    const nSlots = optimizer.kind === 'adam' ? 2 : optimizer.momentum > 0 ? 1 : 0;
    const param = (name: string, role: 'kernel' | 'bias', shp: number[]) => {
      const n = shp.reduce((a, b) => a * b, 1);
      const p: ParamSlot = { name, role, shape: shp, w: alloc(n), g: alloc(n), slots: Array.from({ length: nSlots }, () => alloc(n)) };
      this.params.push(p);
      return p;
    };
    for (const l of layers) {
      let plan: Plan;
      let outSize: number;
      const needsInputGrad = trainableSeen;
      if (l.type === 'dense') {
        const I = size;
        if (I !== l.inUnits) throw new Error(`SIMD trainer: layer ${l.name} expects ${l.inUnits} inputs, gets ${I}`);
        const k = param(`${l.name}/kernel`, 'kernel', [I, l.units]);
        const b = l.bias ? param(`${l.name}/bias`, 'bias', [l.units]) : undefined;
        plan = { type: 'dense', l, I, O: l.units, W: k.w, dW: k.g, b: b?.w, db: b?.g };
        outSize = l.units;
        shape = [l.units];
        packMax = Math.max(packMax, packedSize(I, l.units), packedSize(maxBatch, l.units), packedSize(l.units, I));
        trainableSeen = true;
      } else if (l.type === 'conv2d') {
        const [H, W, C] = shape;
        const s = l.stride;
        const Ho = l.padding === 'same' ? Math.ceil(H / s) : Math.ceil((H - l.kernelSize + 1) / s);
        const Wo = l.padding === 'same' ? Math.ceil(W / s) : Math.ceil((W - l.kernelSize + 1) / s);
        const padH = l.padding === 'same' ? Math.max((Ho - 1) * s + l.kernelSize - H, 0) : 0;
        const padW = l.padding === 'same' ? Math.max((Wo - 1) * s + l.kernelSize - W, 0) : 0;
        const g: ConvGeometry = { H, W, C, KH: l.kernelSize, KW: l.kernelSize, stride: s, padTop: Math.floor(padH / 2), padLeft: Math.floor(padW / 2), Hp: H + padH, Wp: W + padW, Ho, Wo };
        const Kc = l.kernelSize * l.kernelSize * C;
        const k = param(`${l.name}/kernel`, 'kernel', [l.kernelSize, l.kernelSize, C, l.filters]);
        const b = l.bias ? param(`${l.name}/bias`, 'bias', [l.filters]) : undefined;
        plan = { type: 'conv2d', l, g, Kc, F: l.filters, W: k.w, dW: k.g, b: b?.w, db: b?.g };
        outSize = Ho * Wo * l.filters;
        shape = [Ho, Wo, l.filters];
        // Backward holds the packed output gradient of one image and the packed transposed kernel at once.
        packMax = Math.max(packMax, packedSize(Kc, l.filters), packedSize(Ho * Wo, l.filters) + packedSize(l.filters, Kc));
        xpMax = Math.max(xpMax, g.Hp * g.Wp * C);
        pMax = Math.max(pMax, Ho * Wo * Kc);
        trainableSeen = true;
      } else {
        const [H, W, C] = shape;
        const Ho = Math.floor((H - l.size) / l.stride) + 1;
        const Wo = Math.floor((W - l.size) / l.stride) + 1;
        plan = { type: 'maxpool', l, g: { H, W, C, size: l.size, stride: l.stride, Ho, Wo } };
        outSize = Ho * Wo * C;
        shape = [Ho, Wo, C];
      }
      this.layers.push({ plan, inSize: size, outSize, out: alloc(maxBatch * outSize), dOut: alloc(maxBatch * outSize), needsInputGrad });
      size = outSize;
    }
    if (size !== classes) throw new Error(`SIMD trainer: the network outputs ${size} values per sample, not ${classes} classes`);
    this.pack = alloc(packMax);
    this.scratch = { xp: alloc(xpMax), P: alloc(pMax), dP: alloc(pMax), dxp: alloc(xpMax) };
    this.mem = newMemory(top);
    this.refresh();
    this.kernelsFor(maxBatch); // compile now (setup), not in the first step
  }

  private refresh(): void {
    this.f32 = new Float32Array(this.mem.buffer);
  }

  private view(b: Buf, n = b.n): Float32Array {
    return this.f32.subarray(b.off / 4, b.off / 4 + n);
  }

  /** The input rows for a batch of n samples (flattened), to be filled by the caller before step(). */
  input(n: number): Float32Array {
    if (n > this.maxBatch || n < 1) throw new Error(`SIMD trainer: batch of ${n} (1..${this.maxBatch})`);
    return this.view(this.x, n * this.x.n / this.maxBatch);
  }

  /** Copies weights (and optimiser slots, iterations) in: at the start and after a resume. */
  importState(weights: ReadonlyMap<string, Float32Array>, slots: ReadonlyMap<string, Float32Array[]>, iterations: number): void {
    this.importWeights(weights);
    for (const p of this.params) {
      const s = slots.get(p.name) ?? [];
      p.slots.forEach((b, i) => {
        if (s[i]) this.view(b).set(s[i]);
        else this.view(b).fill(0);
      });
    }
    this.iterations = iterations;
  }

  /** Copies the weights in, leaving optimiser slots alone (an engine that only evaluates checkpoints). */
  importWeights(weights: ReadonlyMap<string, Float32Array>): void {
    for (const p of this.params) {
      const w = weights.get(p.name);
      if (!w || w.length !== p.w.n) throw new Error(`SIMD trainer: no weights of size ${p.w.n} for ${p.name}`);
      this.view(p.w).set(w);
    }
  }

  /** Bytes that exportInto needs: every parameter's weights and optimiser slots. */
  get stateBytes(): number {
    return this.params.reduce((a, p) => a + p.w.n * 4 * (1 + p.slots.length), 0);
  }

  /**
   * Copies the weights and optimiser slots into `buffer` (stateBytes long, parameter by parameter: weights,
   * then slots) and returns views on it by parameter name: exportState without allocating, so that
   * checkpoint snapshots can reuse their storage.
   */
  exportInto(buffer: ArrayBuffer): { weights: Map<string, Float32Array>; slots: Map<string, Float32Array[]> } {
    if (buffer.byteLength !== this.stateBytes) throw new Error(`SIMD trainer: a state buffer of ${buffer.byteLength} bytes, not ${this.stateBytes}`);
    const weights = new Map<string, Float32Array>();
    const slots = new Map<string, Float32Array[]>();
    let off = 0;
    const copy = (b: Buf) => {
      const out = new Float32Array(buffer, off, b.n);
      out.set(this.view(b));
      off += b.n * 4;
      return out;
    };
    for (const p of this.params) {
      weights.set(p.name, copy(p.w));
      slots.set(p.name, p.slots.map(copy));
    }
    return { weights, slots };
  }

  /** Fresh copies of the weights and optimiser slots, by parameter name. */
  exportState(): { weights: Map<string, Float32Array>; slots: Map<string, Float32Array[]> } {
    const weights = new Map<string, Float32Array>();
    const slots = new Map<string, Float32Array[]>();
    for (const p of this.params) {
      weights.set(p.name, this.view(p.w).slice());
      slots.set(p.name, p.slots.map((b) => this.view(b).slice()));
    }
    return { weights, slots };
  }

  /** Kernels specialised to batch size B (compiled once per distinct B; usually two per run). */
  private kernelsFor(B: number): Record<string, Kernel> {
    const cached = this.kernels.get(B);
    if (cached) return cached;
    const fns: { name: string; fn: FnBuilder }[] = [];
    const add = (name: string, fn: FnBuilder) => fns.push({ name, fn });
    const packs = new Map<string, string>();
    const pk = (s: PackSpec) => {
      const key = JSON.stringify(s);
      if (!packs.has(key)) {
        packs.set(key, `pack${packs.size}`);
        add(packs.get(key)!, packB(s));
      }
      return packs.get(key)!;
    };
    const gemms = new Map<string, string>();
    const gm = (s: GemmSpec) => {
      const key = JSON.stringify(s);
      if (!gemms.has(key)) {
        gemms.set(key, `gemm${gemms.size}`);
        add(gemms.get(key)!, gemm(s));
      }
      return gemms.get(key)!;
    };
    const names: Record<string, string> = {};
    this.layers.forEach((L, li) => {
      const p = L.plan;
      if (p.type === 'dense') {
        const { I, O } = p;
        const relu = p.l.activation === 'relu';
        names[`${li}.packW`] = pk({ K: I, N: O, sbk: O * 4, sbj: 4 });
        names[`${li}.fwd`] = gm({ M: B, N: O, K: I, sai: I * 4, sak: 4, ldc: O * 4, bias: !!p.b, relu });
        names[`${li}.packDz`] = pk({ K: B, N: O, sbk: O * 4, sbj: 4 });
        names[`${li}.dW`] = gm({ M: I, N: O, K: B, sai: 4, sak: I * 4, ldc: O * 4 });
        if (L.needsInputGrad) {
          names[`${li}.packWT`] = pk({ K: O, N: I, sbk: 4, sbj: O * 4 });
          names[`${li}.dx`] = gm({ M: B, N: I, K: O, sai: O * 4, sak: 4, ldc: I * 4 });
        }
      } else if (p.type === 'conv2d') {
        const { g, Kc, F } = p;
        const pix = g.Ho * g.Wo;
        const relu = p.l.activation === 'relu';
        names[`${li}.packW`] = pk({ K: Kc, N: F, sbk: F * 4, sbj: 4 });
        names[`${li}.fwd`] = gm({ M: pix, N: F, K: Kc, sai: Kc * 4, sak: 4, ldc: F * 4, bias: !!p.b, relu });
        names[`${li}.packDz`] = pk({ K: pix, N: F, sbk: F * 4, sbj: 4 });
        names[`${li}.dW0`] = gm({ M: Kc, N: F, K: pix, sai: 4, sak: Kc * 4, ldc: F * 4 });
        names[`${li}.dW1`] = gm({ M: Kc, N: F, K: pix, sai: 4, sak: Kc * 4, ldc: F * 4, accumulate: true });
        add(`l${li}im2col`, im2col(g));
        if (g.Hp !== g.H || g.Wp !== g.W) {
          add(`l${li}pad`, padImage(g));
          if (L.needsInputGrad) add(`l${li}crop`, cropImage(g));
        }
        if (L.needsInputGrad) {
          names[`${li}.packWT`] = pk({ K: F, N: Kc, sbk: 4, sbj: F * 4 });
          names[`${li}.dP`] = gm({ M: pix, N: Kc, K: F, sai: F * 4, sak: 4, ldc: Kc * 4 });
          add(`l${li}col2im`, im2col(g, true));
        }
        if (F % 4 === 0 && F <= 64) add(`l${li}colsum`, columnSum(F));
      } else if (p.g.C % 4 === 0) {
        add(`l${li}pool`, maxPool(p.g, false));
        if (L.needsInputGrad) add(`l${li}poolGrad`, maxPool(p.g, true));
      }
      const act = p.type === 'maxpool' ? 'linear' : p.l.activation;
      if (act !== 'linear') add(`l${li}act`, activationGrad(act));
    });
    const o = this.optimizer;
    const kind = o.kind === 'adam' ? { kind: 'adam' as const } : { kind: 'sgd' as const, momentum: o.momentum > 0, nesterov: o.nesterov };
    add('update', optimizerUpdate(kind, false));
    add('updateDecay', optimizerUpdate(kind, true));
    const built = buildModule(fns, this.mem);
    const k: Record<string, Kernel> = { ...built };
    for (const [alias, name] of Object.entries(names)) k[alias] = built[name];
    this.kernels.set(B, k);
    return k;
  }

  /**
   * Logits [n, classes] of n flattened samples, forward only (checkpoint predictions and evaluation),
   * in chunks of the batch size; a short last chunk is zero-padded so no other kernels are compiled.
   */
  logits(x: Float32Array, n: number): Float32Array {
    const D = this.x.n / this.maxBatch;
    const C = this.classes;
    const B = this.maxBatch;
    const out = new Float32Array(n * C);
    const k = this.kernelsFor(B);
    const last = this.layers[this.layers.length - 1].out;
    for (let from = 0; from < n; from += B) {
      const m = Math.min(B, n - from);
      const input = this.view(this.x);
      input.set(x.subarray(from * D, (from + m) * D));
      if (m < B) input.fill(0, m * D);
      let h = this.x.off;
      for (let li = 0; li < this.layers.length; li++) {
        this.forward(k, li, h, B);
        h = this.layers[li].out.off;
      }
      out.set(this.view(last, m * C), from * C);
    }
    return out;
  }

  /**
   * One update on the n samples in input(n) with these labels. Returns the batch's mean loss and
   * accuracy before the update (what the tfjs path reports).
   */
  step(n: number, labels: Int32Array, lr: number, weightDecay: number): { loss: number; accuracy: number } {
    const k = this.kernelsFor(n);
    let h = this.x.off;
    for (let li = 0; li < this.layers.length; li++) {
      this.forward(k, li, h, n);
      h = this.layers[li].out.off;
    }
    const last = this.layers[this.layers.length - 1];
    const result = this.softmaxCrossEntropy(last.out.off, last.dOut.off, labels, n);
    for (let li = this.layers.length - 1; li >= 0; li--) {
      const input = li === 0 ? this.x.off : this.layers[li - 1].out.off;
      this.backward(k, li, input, n);
    }
    this.update(k, lr, weightDecay);
    return result;
  }

  private forward(k: Record<string, Kernel>, li: number, input: number, B: number): void {
    const L = this.layers[li];
    const p = L.plan;
    if (p.type === 'dense') {
      k[`${li}.packW`](p.W.off, this.pack.off);
      k[`${li}.fwd`](input, this.pack.off, L.out.off, p.b?.off ?? 0);
      this.activate(p.l.activation, L.out, B * L.outSize);
    } else if (p.type === 'conv2d') {
      const { g } = p;
      k[`${li}.packW`](p.W.off, this.pack.off);
      const padded = g.Hp !== g.H || g.Wp !== g.W;
      if (padded) this.view(this.scratch.xp).fill(0);
      for (let b = 0; b < B; b++) {
        const img = input + b * L.inSize * 4;
        if (padded) k[`l${li}pad`](img, this.scratch.xp.off);
        k[`l${li}im2col`](padded ? this.scratch.xp.off : img, this.scratch.P.off);
        k[`${li}.fwd`](this.scratch.P.off, this.pack.off, L.out.off + b * L.outSize * 4, p.b?.off ?? 0);
      }
      this.activate(p.l.activation, L.out, B * L.outSize);
    } else if (k[`l${li}pool`]) {
      k[`l${li}pool`](input, L.out.off, B);
    } else {
      poolJs(this.f32, input / 4, L.out.off / 4, B, p.g, undefined);
    }
  }

  /** Sigmoid and tanh in place (ReLU is fused into the product). As tfjs' cpu kernels: in float64. */
  private activate(act: string, out: Buf, n: number): void {
    if (act !== 'sigmoid' && act !== 'tanh') return;
    const v = this.view(out, n);
    if (act === 'sigmoid') for (let i = 0; i < n; i++) v[i] = 1 / (1 + Math.exp(-v[i]));
    else for (let i = 0; i < n; i++) v[i] = Math.tanh(v[i]);
  }

  private backward(k: Record<string, Kernel>, li: number, input: number, B: number): void {
    const L = this.layers[li];
    const p = L.plan;
    const dIn = li > 0 ? this.layers[li - 1].dOut : undefined;
    if (p.type === 'maxpool') {
      if (!L.needsInputGrad || !dIn) return;
      this.view(dIn, B * L.inSize).fill(0);
      if (k[`l${li}poolGrad`]) k[`l${li}poolGrad`](input, L.dOut.off, dIn.off, B);
      else poolJs(this.f32, input / 4, L.dOut.off / 4, B, p.g, dIn.off / 4);
      return;
    }
    if (p.l.activation !== 'linear') k[`l${li}act`](L.dOut.off, L.out.off, B * L.outSize, 0);
    const cols = p.type === 'dense' ? p.O : p.F;
    const rows = B * L.outSize / cols;
    if (p.db) {
      if (k[`l${li}colsum`]) k[`l${li}colsum`](L.dOut.off, p.db.off, rows);
      else columnSumJs(this.view(L.dOut, rows * cols), this.view(p.db), rows, cols);
    }
    if (p.type === 'dense') {
      k[`${li}.packDz`](L.dOut.off, this.pack.off);
      k[`${li}.dW`](input, this.pack.off, p.dW.off, 0);
      if (L.needsInputGrad && dIn) {
        k[`${li}.packWT`](p.W.off, this.pack.off);
        k[`${li}.dx`](L.dOut.off, this.pack.off, dIn.off, 0);
      }
      return;
    }
    const { g } = p;
    const padded = g.Hp !== g.H || g.Wp !== g.W;
    const { xp, P, dP, dxp } = this.scratch;
    if (padded) this.view(xp).fill(0);
    const packWT = this.pack.off + packedSize(g.Ho * g.Wo, p.F) * 4;
    if (L.needsInputGrad && dIn) k[`${li}.packWT`](p.W.off, packWT);
    for (let b = 0; b < B; b++) {
      const img = input + b * L.inSize * 4;
      const dz = L.dOut.off + b * L.outSize * 4;
      if (padded) k[`l${li}pad`](img, xp.off);
      k[`l${li}im2col`](padded ? xp.off : img, P.off);
      k[`${li}.packDz`](dz, this.pack.off);
      k[b === 0 ? `${li}.dW0` : `${li}.dW1`](P.off, this.pack.off, p.dW.off, 0);
      if (L.needsInputGrad && dIn) {
        k[`${li}.dP`](dz, packWT, dP.off, 0);
        const dImg = dIn.off + b * L.inSize * 4;
        if (padded) {
          this.view(dxp).fill(0);
          k[`l${li}col2im`](dxp.off, dP.off);
          k[`l${li}crop`](dxp.off, dImg);
        } else {
          this.f32.fill(0, dImg / 4, dImg / 4 + L.inSize);
          k[`l${li}col2im`](dImg, dP.off);
        }
      }
    }
  }

  private update(k: Record<string, Kernel>, lr: number, weightDecay: number): void {
    this.iterations++;
    const o = this.optimizer;
    const c = this.view(this.consts);
    c.fill(0);
    c[Const.Lr] = lr;
    c[Const.WeightDecay] = weightDecay;
    if (o.kind === 'sgd') c[Const.Mu] = o.momentum;
    else {
      const t = this.iterations;
      c[Const.Beta1] = o.beta1;
      c[Const.Beta2] = o.beta2;
      c[Const.OneMinusBeta1] = 1 - o.beta1;
      c[Const.OneMinusBeta2] = 1 - o.beta2;
      c[Const.AdamStep] = (lr * Math.sqrt(1 - Math.pow(o.beta2, t))) / (1 - Math.pow(o.beta1, t));
      c[Const.Eps] = o.epsilon;
    }
    for (const p of this.params) {
      const fn = weightDecay > 0 && p.role === 'kernel' ? k.updateDecay : k.update;
      fn(p.w.off, p.g.off, p.slots[0]?.off ?? 0, p.slots[1]?.off ?? 0, p.w.n, this.consts.off);
    }
  }

  /** Mean softmax cross-entropy and accuracy of logits [B, classes]; writes d loss / d logits. */
  private softmaxCrossEntropy(logitsOff: number, gradOff: number, labels: Int32Array, B: number): { loss: number; accuracy: number } {
    const C = this.classes;
    const z = this.f32.subarray(logitsOff / 4, logitsOff / 4 + B * C);
    const dz = this.f32.subarray(gradOff / 4, gradOff / 4 + B * C);
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < B; i++) {
      const row = i * C;
      let best = 0;
      for (let c = 1; c < C; c++) if (z[row + c] > z[row + best]) best = c;
      const y = labels[i];
      if (best === y) correct++;
      const max = z[row + best];
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(z[row + c] - max);
      const lse = max + Math.log(sum);
      loss += lse - z[row + y];
      for (let c = 0; c < C; c++) dz[row + c] = (Math.exp(z[row + c] - lse) - (c === y ? 1 : 0)) / B;
    }
    return { loss: loss / B, accuracy: correct / B };
  }
}

function columnSumJs(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) acc[c] += x[r * cols + c];
  out.set(acc);
}

/** Max pooling (dx undefined) or its gradient (first maximum in row-major order), any channel count. */
function poolJs(h: Float32Array, x: number, y: number, B: number, g: PoolGeometry, dx: number | undefined): void {
  const { H, W, C, size, stride, Ho, Wo } = g;
  for (let n = 0; n < B; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = -1;
          for (let ky = 0; ky < size; ky++) {
            for (let kx = 0; kx < size; kx++) {
              const i = x + ((n * H + oy * stride + ky) * W + ox * stride + kx) * C + c;
              if (at < 0 || h[i] > best) {
                best = h[i];
                at = i;
              }
            }
          }
          const o = y + ((n * Ho + oy) * Wo + ox) * C + c;
          if (dx === undefined) h[o] = best;
          else h[dx + at - x] += h[o];
        }
      }
    }
  }
}
