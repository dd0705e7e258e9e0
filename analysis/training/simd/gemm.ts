import { FnBuilder, V, V128 } from './assembler';

/**
 * Generated WebAssembly SIMD matrix products C = A B, specialised to one shape.
 *
 * WHY our own: tfjs-backend-wasm sends every product to XNNPACK's fully-connected operator, which packs
 * (and transposes) its right operand when the operator is created and caches the operator by tensor id.
 * In training the weights are a new tensor after every update, so every step repacks every weight
 * matrix (about 0.6 ms for a 784x128 kernel, a quarter of the MLP's step), and transposed operands
 * (every gradient) leave XNNPACK for a naive loop. Here packing is a plain copy, transposed operands are
 * just other strides, and bias, ReLU and accumulation happen in the kernel's epilogue.
 *
 * Layout: A(i, k) is read at `a + i*sai + k*sak` (bytes), so A and A^T are the same kernel. B is packed
 * first (packB) into panels of 8 columns, [ceil(N/8)][K][8], zero-padded, from B(k, j) at
 * `b + k*sbk + j*sbj`. C is row-major with row stride ldc bytes. The micro-kernel keeps a 4x8 block of
 * C in eight v128 registers and streams one packed panel: per k, two vector loads of B, four broadcast
 * loads of A, eight multiplies and eight adds (wasm SIMD has no FMA). Reading A as vectors and
 * broadcasting lanes with shuffles measured faster than broadcast loads (28-30 vs 18-25 GFLOP/s here;
 * XNNPACK: 26 with cached weights, 16 when it must repack them). Reads may run up to 3 floats past
 * the end of A (vector loads of a partial group): callers leave 16 bytes of slack after every buffer.
 */

export interface GemmSpec {
  M: number;
  N: number;
  K: number;
  /** Byte strides of A(i, k). */
  sai: number;
  sak: number;
  /** Row stride of C in bytes. */
  ldc: number;
  /** C += A B instead of C = A B. */
  accumulate?: boolean;
  /** Adds bias[j] (4th argument: a pointer to N floats). */
  bias?: boolean;
  /** max(0, .) after bias. */
  relu?: boolean;
  /** Rows per micro-tile (default 4). */
  mr?: number;
  /**
   * How A's values are broadcast: 'kvec' loads 4 consecutive k of a row as one v128 (needs sak = 4),
   * 'ivec' 4 consecutive rows at one k (needs sai = 4), then shuffles broadcast each lane; 'loadsplat'
   * broadcasts straight from memory. Default: kvec or ivec when the strides allow (measured faster).
   */
  aMode?: 'loadsplat' | 'kvec' | 'ivec';
}

export interface PackSpec {
  K: number;
  N: number;
  /** Byte strides of B(k, j). */
  sbk: number;
  sbj: number;
}

const NR = 8;

export const panels = (n: number): number => Math.ceil(n / NR);
/** Floats in a packed B. */
export const packedSize = (K: number, N: number): number => panels(N) * K * NR;

/** packB(b, dst): panels of 8 columns, zero-padded. */
export function packB(s: PackSpec): FnBuilder {
  const f = new FnBuilder(2);
  const [b, dst] = [0, 1];
  const ps = f.local();
  const pd = f.local();
  const k = f.local();
  const np = panels(s.N);
  for (let jp = 0; jp < np; jp++) {
    const width = Math.min(NR, s.N - jp * NR);
    f.get(b).i32(jp * NR * s.sbj).add().set(ps);
    f.get(dst).i32(jp * s.K * NR * 4).add().set(pd);
    f.forRange(k, 0, s.K, 1, () => {
      if (width === NR && s.sbj === 4) {
        f.get(pd).get(ps).vload(0).vstore(0);
        f.get(pd).get(ps).vload(16).vstore(16);
      } else {
        for (let c = 0; c < NR; c++) {
          f.get(pd);
          if (c < width) f.get(ps).f32Load(c * s.sbj);
          else f.f32(0);
          f.f32Store(c * 4);
        }
      }
      f.inc(ps, s.sbk).inc(pd, NR * 4);
    });
  }
  return f;
}

/** gemm(a, packedB, c, bias): C (+)= A B (+ bias) (ReLU). */
export function gemm(s: GemmSpec): FnBuilder {
  const f = new FnBuilder(4);
  const mode = s.aMode ?? (s.sak === 4 && s.K >= 4 ? 'kvec' : s.sai === 4 ? 'ivec' : 'loadsplat');
  // Rows per micro-tile, the best measured for each mode (x64 V8: 16 xmm registers).
  const MR = s.mr ?? (mode === 'kvec' ? 6 : mode === 'ivec' ? 4 : 3);
  if ((mode === 'kvec' && s.sak !== 4) || (mode === 'ivec' && s.sai !== 4)) throw new Error(`gemm: aMode ${mode} does not fit strides ${s.sai}/${s.sak}`);
  const [a, bp, c, bias] = [0, 1, 2, 3];
  const i = f.local();
  const pa = f.local();
  const pb = f.local();
  const pc = f.local();
  const k = f.local();
  const acc = Array.from({ length: MR * 2 }, () => f.local(V128));
  const b0 = f.local(V128);
  const b1 = f.local(V128);
  const av = f.local(V128);
  const arow = Array.from({ length: MR }, () => f.local(V128));
  const np = panels(s.N);
  const unroll = mode === 'kvec' ? 4 : s.K <= 16 ? s.K : s.K % 4 === 0 ? 4 : s.K % 3 === 0 ? 3 : s.K % 2 === 0 ? 2 : 1;

  /** One k (u-th of the unrolled group); `vec`: A's lanes come from v128 loads (kvec/ivec). */
  const kStep = (rows: number, u: number, vec: boolean) => {
    f.get(pb).vload(u * 32).set(b0);
    f.get(pb).vload(u * 32 + 16).set(b1);
    for (let r = 0; r < rows; r++) {
      if (vec && mode === 'kvec') {
        if (u === 0) f.get(pa).vload(r * s.sai).set(arow[r]);
        f.get(arow[r]).get(arow[r]).vshuffle32([u, u, u, u]).set(av);
      } else if (vec && mode === 'ivec') {
        const g = r >> 2;
        if ((r & 3) === 0) f.get(pa).vload(g * 16 + u * s.sak).set(arow[g]);
        const l = r & 3;
        f.get(arow[g]).get(arow[g]).vshuffle32([l, l, l, l]).set(av);
      } else f.get(pa).vsplatLoad(r * s.sai + u * s.sak).set(av);
      f.get(acc[2 * r]).get(av).get(b0).v(V.F32x4Mul).v(V.F32x4Add).set(acc[2 * r]);
      f.get(acc[2 * r + 1]).get(av).get(b1).v(V.F32x4Mul).v(V.F32x4Add).set(acc[2 * r + 1]);
    }
  };

  /** One block of `rows` rows starting at row i (a local), all panels. */
  const tile = (rows: number) => {
    for (let jp = 0; jp < np; jp++) {
      for (let r = 0; r < rows * 2; r++) f.vzero().set(acc[r]);
      f.get(a).get(i).i32(s.sai).mul().add().set(pa);
      f.get(bp).i32(jp * s.K * NR * 4).add().set(pb);
      const full = s.K - (s.K % unroll);
      f.forRange(k, 0, full, unroll, () => {
        for (let u = 0; u < unroll; u++) kStep(rows, u, true);
        f.inc(pa, unroll * s.sak).inc(pb, unroll * 32);
      });
      // The last K % unroll steps: kvec cannot load 4 k at once there.
      for (let u = 0; u < s.K % unroll; u++) kStep(rows, u, mode === 'ivec');
      // Epilogue.
      f.get(c).get(i).i32(s.ldc).mul().add().i32(jp * NR * 4).add().set(pc);
      for (let r = 0; r < rows; r++) {
        for (let h = 0; h < 2; h++) {
          const j0 = jp * NR + h * 4;
          const lanes = Math.min(4, s.N - j0);
          if (lanes <= 0) continue;
          const off = r * s.ldc + h * 16;
          const v = acc[2 * r + h];
          if (s.bias) f.get(v).get(bias).vload(j0 * 4).v(V.F32x4Add).set(v);
          if (lanes === 4) {
            if (s.accumulate) f.get(v).get(pc).vload(off).v(V.F32x4Add).set(v);
            if (s.relu) f.get(v).vzero().v(V.F32x4Max).set(v);
            f.get(pc).get(v).vstore(off);
          } else {
            for (let l = 0; l < lanes; l++) {
              f.get(pc).get(v).vlane(l);
              if (s.accumulate) f.get(pc).f32Load(off + l * 4).fadd();
              if (s.relu) f.f32(0).fmax();
              f.f32Store(off + l * 4);
            }
          }
        }
      }
    }
  };

  const mFull = s.M - (s.M % MR);
  f.forRange(i, 0, mFull, MR, () => tile(MR));
  if (s.M % MR) {
    f.i32(mFull).set(i);
    tile(s.M % MR);
  }
  return f;
}
