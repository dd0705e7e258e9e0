import { FnBuilder, V, V128, F32 } from './assembler';

/**
 * Generated WebAssembly SIMD kernels for the fused training step, besides the matrix products (gemm.ts):
 * element-wise activation gradients and optimiser updates, bias gradients (column sums), and the
 * convolution / max-pooling data movement (padding, im2col, col2im, pooling and its gradient).
 * Shapes are baked in as constants; counts that vary with the batch size are parameters.
 * All pointers are byte offsets into the shared memory; every buffer has 16 bytes of slack after it.
 */

/** Scalar constants of the optimiser, written by the caller into a small float area before a call. */
export const enum Const { Lr = 0, WeightDecay = 1, Mu = 2, Beta1 = 3, Beta2 = 4, OneMinusBeta1 = 5, OneMinusBeta2 = 6, AdamStep = 7, Eps = 8 }
export const CONST_FLOATS = 16;

/**
 * An element-wise loop over n floats (n a parameter): a 4-wide SIMD loop then a scalar tail. `body`
 * emits the same computation for both: `ld(ptr)` pushes element i of the array at pointer param `ptr`,
 * `st(ptr, emitValue)` stores, `k(c)` pushes constant slot c, `op(name)` applies an operation.
 */
interface Lane {
  ld(ptr: number): void;
  st(ptr: number, value: () => void): void;
  k(c: Const): void;
  one(): void;
  zero(): void;
  op(name: 'add' | 'sub' | 'mul' | 'div' | 'sqrt'): void;
  /** a b cond -> cond ? a : b, cond from gt(x, 0) of the value pushed by `x` */
  selectPositive(x: () => void, a: () => void): void;
  tmp(set: () => void): () => void;
}

function elementwise(nPtrs: number, body: (l: Lane) => void): FnBuilder {
  // params: ptrs..., n, consts
  const f = new FnBuilder(nPtrs + 2);
  const n = nPtrs;
  const consts = nPtrs + 1;
  const off = f.local();
  const end = f.local();
  const vecEnd = f.local();
  const vtmps: number[] = [];
  const stmps: number[] = [];
  const emit = (vec: boolean) => {
    let t = 0;
    const lane: Lane = {
      ld: (p) => { f.get(p).get(off).add(); if (vec) f.vload(); else f.f32Load(); },
      st: (p, value) => { f.get(p).get(off).add(); value(); if (vec) f.vstore(); else f.f32Store(); },
      k: (c) => { f.get(consts); if (vec) f.vsplatLoad(c * 4); else f.f32Load(c * 4); },
      one: () => { if (vec) f.f32(1).vsplat(); else f.f32(1); },
      zero: () => { if (vec) f.vzero(); else f.f32(0); },
      op: (name) => {
        const ops = vec
          ? { add: () => f.v(V.F32x4Add), sub: () => f.v(V.F32x4Sub), mul: () => f.v(V.F32x4Mul), div: () => f.v(V.F32x4Div), sqrt: () => f.v(V.F32x4Sqrt) }
          : { add: () => f.fadd(), sub: () => f.fsub(), mul: () => f.fmul(), div: () => f.fdiv(), sqrt: () => f.fsqrt() };
        ops[name]();
      },
      selectPositive: (x, a) => {
        if (vec) { a(); x(); f.vzero().v(V.F32x4Gt).v(V.And); }
        else { a(); f.f32(0); x(); f.f32(0).fgt().select(); }
      },
      tmp: (set) => {
        const pool = vec ? vtmps : stmps;
        if (pool.length <= t) pool.push(f.local(vec ? V128 : F32));
        const id = pool[t++];
        set();
        f.set(id);
        return () => { f.get(id); };
      },
    };
    body(lane);
  };
  f.get(n).i32(2).shl().set(end);
  f.get(end).i32(~15).and().set(vecEnd);
  f.forRange(off, 0, { local: vecEnd }, 16, () => emit(true));
  f.block().get(vecEnd).get(end).geU().brIf(0).get(vecEnd).set(off);
  f.loop();
  emit(false);
  f.inc(off, 4).get(off).get(end).ltU().brIf(0).end().end();
  return f;
}

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'linear';

/** dz = dh * act'(h), in place over dh, from the layer's output h (as tfjs' gradients: relu: h > 0). */
export function activationGrad(act: Exclude<Activation, 'linear'>): FnBuilder {
  const [dh, h] = [0, 1];
  return elementwise(2, (l) => {
    l.st(dh, () => {
      if (act === 'relu') l.selectPositive(() => l.ld(h), () => l.ld(dh));
      else if (act === 'sigmoid') {
        // dy * (y * (1 - y))
        l.ld(dh); l.ld(h); l.one(); l.ld(h); l.op('sub'); l.op('mul'); l.op('mul');
      } else {
        // (1 - y^2) * dy
        l.one(); l.ld(h); l.ld(h); l.op('mul'); l.op('sub'); l.ld(dh); l.op('mul');
      }
    });
  });
}

export type OptimizerKind = { kind: 'sgd'; momentum: boolean; nesterov: boolean } | { kind: 'adam' };

/**
 * One optimiser update over a parameter (w, g, slot1, slot2, n, consts), the same float32 operations in
 * the same order as optimizers.ts: g <- g + wd w (when decayed); SGD w <- w - lr g; momentum
 * v <- mu v + g, w <- w - lr v (Nesterov: w - lr (g + mu v)); Adam m <- b1 m + (1-b1) g,
 * v <- b2 v + (1-b2) g^2, w <- w - step (m / (sqrt(v) + eps)).
 */
export function optimizerUpdate(o: OptimizerKind, decay: boolean): FnBuilder {
  const [w, g, s1, s2] = [0, 1, 2, 3];
  return elementwise(4, (l) => {
    const grad = decay ? l.tmp(() => { l.ld(g); l.k(Const.WeightDecay); l.ld(w); l.op('mul'); l.op('add'); }) : () => l.ld(g);
    if (o.kind === 'sgd' && !o.momentum) {
      l.st(w, () => { l.ld(w); l.k(Const.Lr); grad(); l.op('mul'); l.op('sub'); });
    } else if (o.kind === 'sgd') {
      const v = l.tmp(() => { l.k(Const.Mu); l.ld(s1); l.op('mul'); grad(); l.op('add'); });
      l.st(s1, v);
      l.st(w, () => {
        l.ld(w); l.k(Const.Lr);
        if (o.nesterov) { grad(); l.k(Const.Mu); v(); l.op('mul'); l.op('add'); } else v();
        l.op('mul'); l.op('sub');
      });
    } else {
      const m = l.tmp(() => { l.k(Const.Beta1); l.ld(s1); l.op('mul'); l.k(Const.OneMinusBeta1); grad(); l.op('mul'); l.op('add'); });
      const v = l.tmp(() => { l.k(Const.Beta2); l.ld(s2); l.op('mul'); l.k(Const.OneMinusBeta2); grad(); grad(); l.op('mul'); l.op('mul'); l.op('add'); });
      l.st(s1, m);
      l.st(s2, v);
      l.st(w, () => { l.ld(w); l.k(Const.AdamStep); m(); v(); l.op('sqrt'); l.k(Const.Eps); l.op('add'); l.op('div'); l.op('mul'); l.op('sub'); });
    }
  });
}

/** colSum(x, out, rows): out[c] = sum over rows of x[r, c], C columns (C % 4 == 0, C <= 64). */
export function columnSum(C: number): FnBuilder {
  if (C % 4 || C > 64) throw new Error(`columnSum: ${C} columns (needs a multiple of 4, at most 64)`);
  const f = new FnBuilder(3);
  const [x, out, rows] = [0, 1, 2];
  const acc = Array.from({ length: C / 4 }, () => f.local(V128));
  const p = f.local();
  const r = f.local();
  for (const a of acc) f.vzero().set(a);
  f.get(x).set(p);
  f.forRange(r, 0, { local: rows }, 1, () => {
    acc.forEach((a, q) => f.get(a).get(p).vload(q * 16).v(V.F32x4Add).set(a));
    f.inc(p, C * 4);
  });
  acc.forEach((a, q) => f.get(out).get(a).vstore(q * 16));
  return f;
}

export interface ConvGeometry {
  H: number; W: number; C: number; // input
  KH: number; KW: number; stride: number;
  padTop: number; padLeft: number;
  Hp: number; Wp: number; // padded input
  Ho: number; Wo: number; // output
}

/** Copies `n` floats from src+so to dst+do (constant n): v128 moves then scalar ones. */
function copyFloats(f: FnBuilder, src: number, so: number, dst: number, d0: number, n: number, addInto = false): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    f.get(dst);
    if (addInto) f.get(dst).vload(d0 + i * 4).get(src).vload(so + i * 4).v(V.F32x4Add);
    else f.get(src).vload(so + i * 4);
    f.vstore(d0 + i * 4);
  }
  for (; i < n; i++) {
    f.get(dst);
    if (addInto) f.get(dst).f32Load(d0 + i * 4).get(src).f32Load(so + i * 4).fadd();
    else f.get(src).f32Load(so + i * 4);
    f.f32Store(d0 + i * 4);
  }
}

/** pad(x, xp): one image [H, W, C] into the interior of [Hp, Wp, C] (borders stay as they are: zero). */
export function padImage(g: ConvGeometry): FnBuilder {
  const f = new FnBuilder(2);
  const [x, xp] = [0, 1];
  const ps = f.local();
  const pd = f.local();
  const y = f.local();
  const row = g.W * g.C;
  f.get(x).set(ps);
  f.get(xp).i32((g.padTop * g.Wp + g.padLeft) * g.C * 4).add().set(pd);
  f.forRange(y, 0, g.H, 1, () => {
    const j = f.local();
    const full = row - (row % 16);
    if (full) {
      f.forRange(j, 0, full * 4, 64, () => {
        const s = f.local();
        const d = f.local();
        f.get(ps).get(j).add().set(s).get(pd).get(j).add().set(d);
        copyFloats(f, s, 0, d, 0, 16);
      });
    }
    copyFloats(f, ps, full * 4, pd, full * 4, row % 16);
    f.inc(ps, row * 4).inc(pd, g.Wp * g.C * 4);
  });
  return f;
}

/**
 * im2col(xp, P): the patches of one padded image, one row per output pixel, columns (kh, kw, c) in the
 * order of a [KH, KW, C, F] kernel, so P [Ho*Wo, KH*KW*C] times the kernel as [KH*KW*C, F] is the conv.
 * col2im (addInto): the reverse, adding each patch row back into the padded image.
 */
export function im2col(g: ConvGeometry, reverse = false): FnBuilder {
  const f = new FnBuilder(2);
  const [xp, P] = [0, 1];
  const px = f.local();
  const pp = f.local();
  const oy = f.local();
  const ox = f.local();
  const K = g.KH * g.KW * g.C;
  f.get(P).set(pp);
  f.forRange(oy, 0, g.Ho, 1, () => {
    f.get(xp).get(oy).i32(g.stride * g.Wp * g.C * 4).mul().add().set(px);
    f.forRange(ox, 0, g.Wo, 1, () => {
      for (let ky = 0; ky < g.KH; ky++) {
        for (let kx = 0; kx < g.KW; kx++) {
          const src = ((ky * g.Wp + kx) * g.C) * 4;
          const dst = ((ky * g.KW + kx) * g.C) * 4;
          if (reverse) copyFloats(f, pp, dst, px, src, g.C, true);
          else copyFloats(f, px, src, pp, dst, g.C);
        }
      }
      f.inc(pp, K * 4).inc(px, g.stride * g.C * 4);
    });
  });
  return f;
}

/** crop(xp, x): the interior of a padded image back to [H, W, C] (the reverse of padImage). */
export function cropImage(g: ConvGeometry): FnBuilder {
  const f = new FnBuilder(2);
  const [xp, x] = [0, 1];
  const ps = f.local();
  const pd = f.local();
  const y = f.local();
  const row = g.W * g.C;
  f.get(xp).i32((g.padTop * g.Wp + g.padLeft) * g.C * 4).add().set(ps);
  f.get(x).set(pd);
  f.forRange(y, 0, g.H, 1, () => {
    const j = f.local();
    const full = row - (row % 16);
    if (full) {
      f.forRange(j, 0, full * 4, 64, () => {
        const s = f.local();
        const d = f.local();
        f.get(ps).get(j).add().set(s).get(pd).get(j).add().set(d);
        copyFloats(f, s, 0, d, 0, 16);
      });
    }
    copyFloats(f, ps, full * 4, pd, full * 4, row % 16);
    f.inc(ps, g.Wp * g.C * 4).inc(pd, row * 4);
  });
  return f;
}

export interface PoolGeometry {
  H: number; W: number; C: number; size: number; stride: number; Ho: number; Wo: number;
}

/**
 * maxPool(x, out, images) and maxPoolGrad(x, dy, dx, images) for C % 4 == 0, valid padding. The
 * gradient goes to the first maximum of each window in row-major order (as tfjs' cpu backend): per
 * tap, mask = (x == max) and not yet taken. dx must be zero on entry (windows may overlap).
 */
export function maxPool(g: PoolGeometry, grad: boolean): FnBuilder {
  if (g.C % 4) throw new Error(`maxPool kernel: ${g.C} channels (needs a multiple of 4)`);
  const f = new FnBuilder(grad ? 4 : 3);
  const [x, a2, a3] = [0, 1, 2];
  const images = grad ? 3 : 2;
  const px = f.local();
  const po = f.local();
  const pdx = f.local();
  const n = f.local();
  const oy = f.local();
  const ox = f.local();
  const m = f.local(V128);
  const taken = f.local(V128);
  const eq = f.local(V128);
  const gv = f.local(V128);
  const rowBytes = g.W * g.C * 4;
  f.get(a2).set(po); // out (fwd) or dy (grad)
  f.forRange(n, 0, { local: images }, 1, () => {
    f.forRange(oy, 0, g.Ho, 1, () => {
      f.get(x).get(n).i32(g.H * rowBytes).mul().add().get(oy).i32(g.stride * rowBytes).mul().add().set(px);
      if (grad) f.get(a3).get(px).get(x).sub().add().set(pdx);
      f.forRange(ox, 0, g.Wo, 1, () => {
        for (let c = 0; c < g.C; c += 4) {
          const taps: number[] = [];
          for (let ky = 0; ky < g.size; ky++) for (let kx = 0; kx < g.size; kx++) taps.push(ky * rowBytes + (kx * g.C + c) * 4);
          f.get(px).vload(taps[0]).set(m);
          for (const t of taps.slice(1)) f.get(m).get(px).vload(t).v(V.F32x4Max).set(m);
          if (!grad) {
            f.get(po).get(m).vstore(c * 4);
            continue;
          }
          f.vzero().set(taken);
          f.get(po).vload(c * 4).set(gv);
          for (const t of taps) {
            f.get(px).vload(t).get(m).v(V.F32x4Eq).get(taken).v(V.AndNot).set(eq);
            f.get(taken).get(eq).v(V.Or).set(taken);
            f.get(pdx).get(pdx).vload(t).get(gv).get(eq).v(V.And).v(V.F32x4Add).vstore(t);
          }
        }
        f.inc(po, g.C * 4).inc(px, g.stride * g.C * 4).inc(pdx, g.stride * g.C * 4);
      });
    });
  });
  return f;
}
