/**
 * The vector arithmetic of one string-method move (pathOptimizer.ts), in WebAssembly SIMD: segment
 * differences with their squared lengths, the two tangent dot products of each gradient, and the update
 * p += bl * d_left + br * d_right - a * g. For an MNIST MLP a path point has 10^4-10^5 parameters and a move
 * touches ~20 points, so this is ~10^8 float64 operations per 200 iterations: in plain JavaScript (one
 * dependent accumulator chain, bounds checks) it was a third of a pair's time, as much as the batched
 * network passes themselves.
 *
 * The vectors live in one WebAssembly memory, handed out as Float64Array views by a fixed-size slot arena
 * (the memory never grows, so views never detach); the kernels take their byte offsets. Each kernel runs
 * over whole groups of 4 doubles (two f64x2 per iteration, two independent accumulators) and the few
 * remaining elements are done here in JavaScript. Summation order differs from a sequential loop in the
 * last bits, like any SIMD reduction. Where WebAssembly SIMD is unavailable the same API runs in JS.
 */
import { compileOrNull, forLoop, MODULE_HEADER, op as base, section, simd, str, uleb, vec, Wasm, type WasmModule } from '../../linalg/wasmBytes';

export interface StringKernels {
  /** A zeroed vector of the problem's dimension (in the kernels' memory when they are WebAssembly). */
  alloc(): Float64Array;
  free(v: Float64Array): void;
  /** out = b - a; returns 1 / |b - a| (0 when the points coincide). */
  difference(a: Float64Array, b: Float64Array, out: Float64Array): number;
  /** [g . l, g . r] */
  dots(g: Float64Array, l: Float64Array, r: Float64Array): [number, number];
  /** p += bl * l + br * r - a * g */
  update(p: Float64Array, g: Float64Array, l: Float64Array, r: Float64Array, a: number, bl: number, br: number): void;
}

const F64 = 0x7c;
const op = {
  ...base,
  shrU: [0x76],
  f64Add: [0xa0],
  vLoad: (offset: number) => simd(0x00, 3, ...uleb(offset)),
  vStore: (offset: number) => simd(0x0b, 3, ...uleb(offset)),
  f64Store: (offset: number) => [0x39, 3, ...uleb(offset)],
  vZero: simd(0x0c, ...new Array<number>(16).fill(0)),
  splat: simd(0x14),
  lane: (l: number) => simd(0x21, l),
  vAdd: simd(0xf0),
  vSub: simd(0xf1),
  vMul: simd(0xf2),
};

/** Sum of both lanes of a v128 local. */
const lanes = (v: number) => [...op.get(v), ...op.lane(0), ...op.get(v), ...op.lane(1), ...op.f64Add];
/** A v128 loaded from (pointer local + i) + offset. */
const at = (ptr: number, i: number, offset: number) => [...op.get(ptr), ...op.get(i), ...op.add, ...op.vLoad(offset)];
/** end = (n >> 2) << 5: bytes covered by whole groups of 4 doubles. */
const groupBytes = (n: number, end: number) => [...op.get(n), ...op.i32(2), ...op.shrU, ...op.i32(5), ...op.shl, ...op.set(end)];
/** for (i = 0; i < end; i += 32) body */
const overGroups = (i: number, end: number, body: number[]) => forLoop(i, op.get(end), body, 32);

// difference(a, b, out, n) -> sum of squares. Locals: i 4, end 5, d 6, acc0 7, acc1 8 (v128 from 6).
function differenceBody(): number[] {
  const [a, b, out, n, i, end, d, acc0, acc1] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const half = (offset: number, acc: number) => [
    ...at(b, i, offset), ...at(a, i, offset), ...op.vSub, ...op.set(d),
    ...op.get(out), ...op.get(i), ...op.add, ...op.get(d), ...op.vStore(offset),
    ...op.get(acc), ...op.get(d), ...op.get(d), ...op.vMul, ...op.vAdd, ...op.set(acc),
  ];
  const code = [...groupBytes(n, end), ...op.vZero, ...op.set(acc0), ...op.vZero, ...op.set(acc1),
    ...overGroups(i, end, [...half(0, acc0), ...half(16, acc1)]),
    ...op.get(acc0), ...op.get(acc1), ...op.vAdd, ...op.set(acc0), ...lanes(acc0)];
  return [...vec([[...uleb(2), 0x7f], [...uleb(3), 0x7b]]), ...code, ...op.end];
}

// dots(g, l, r, n, out): out[0] = g.l, out[1] = g.r. Locals: i 5, end 6, gv 7, l0 8, l1 9, r0 10, r1 11.
function dotsBody(): number[] {
  const [g, l, r, n, out, i, end, gv, l0, l1, r0, r1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const half = (offset: number, la: number, ra: number) => [
    ...at(g, i, offset), ...op.set(gv),
    ...op.get(la), ...op.get(gv), ...at(l, i, offset), ...op.vMul, ...op.vAdd, ...op.set(la),
    ...op.get(ra), ...op.get(gv), ...at(r, i, offset), ...op.vMul, ...op.vAdd, ...op.set(ra),
  ];
  const zero = [l0, l1, r0, r1].flatMap((v) => [...op.vZero, ...op.set(v)]);
  const code = [...groupBytes(n, end), ...zero,
    ...overGroups(i, end, [...half(0, l0, r0), ...half(16, l1, r1)]),
    ...op.get(l0), ...op.get(l1), ...op.vAdd, ...op.set(l0), ...op.get(r0), ...op.get(r1), ...op.vAdd, ...op.set(r0),
    ...op.get(out), ...lanes(l0), ...op.f64Store(0), ...op.get(out), ...lanes(r0), ...op.f64Store(8)];
  return [...vec([[...uleb(2), 0x7f], [...uleb(5), 0x7b]]), ...code, ...op.end];
}

// update(p, g, l, r, n, a, bl, br). Locals: i 8, end 9, A 10, BL 11, BR 12.
function updateBody(): number[] {
  const [p, g, l, r, n, a, bl, br, i, end, A, BL, BR] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const half = (offset: number) => [
    ...op.get(p), ...op.get(i), ...op.add,
    ...at(p, i, offset), ...op.get(BL), ...at(l, i, offset), ...op.vMul, ...op.vAdd,
    ...op.get(BR), ...at(r, i, offset), ...op.vMul, ...op.vAdd,
    ...op.get(A), ...at(g, i, offset), ...op.vMul, ...op.vSub,
    ...op.vStore(offset),
  ];
  const code = [...groupBytes(n, end),
    ...op.get(a), ...op.splat, ...op.set(A), ...op.get(bl), ...op.splat, ...op.set(BL), ...op.get(br), ...op.splat, ...op.set(BR),
    ...overGroups(i, end, [...half(0), ...half(16)])];
  return [...vec([[...uleb(2), 0x7f], [...uleb(3), 0x7b]]), ...code, ...op.end];
}

function moduleBytes(): Uint8Array {
  const i32s = (k: number) => new Array<number[]>(k).fill([0x7f]);
  const types = [
    [0x60, ...vec(i32s(4)), ...vec([[F64]])],
    [0x60, ...vec(i32s(5)), ...vec([])],
    [0x60, ...vec([...i32s(5), [F64], [F64], [F64]]), ...vec([])],
  ];
  const bodies = [differenceBody(), dotsBody(), updateBody()].map((b) => [...uleb(b.length), ...b]);
  return Uint8Array.from([
    ...MODULE_HEADER,
    ...section(1, vec(types)),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([uleb(0), uleb(1), uleb(2)])),
    ...section(7, vec([[...str('difference'), 0x00, 0], [...str('dots'), 0x00, 1], [...str('update'), 0x00, 2]])),
    ...section(10, vec(bodies)),
  ]);
}

let compiled: WasmModule | null | undefined;

/** Plain-JavaScript kernels: the fallback, and the reference the tests hold the SIMD ones to. */
export function jsStringKernels(dim: number): StringKernels {
  return {
    alloc: () => new Float64Array(dim),
    free: () => undefined,
    difference(a, b, out) {
      let s = 0;
      for (let i = 0; i < dim; i++) {
        const d = b[i] - a[i];
        out[i] = d;
        s += d * d;
      }
      return s > 0 ? 1 / Math.sqrt(s) : 0;
    },
    dots(g, l, r) {
      let gl = 0;
      let gr = 0;
      for (let i = 0; i < dim; i++) {
        gl += g[i] * l[i];
        gr += g[i] * r[i];
      }
      return [gl, gr];
    },
    update(p, g, l, r, a, bl, br) {
      for (let i = 0; i < dim; i++) p[i] += bl * l[i] + br * r[i] - a * g[i];
    },
  };
}

/**
 * Kernels for vectors of `dim` doubles with room for `capacity` live vectors. WebAssembly SIMD when it
 * compiles and the memory can be had, else JavaScript (same results up to summation order).
 */
export function stringKernels(dim: number, capacity: number): StringKernels {
  compiled ??= compileOrNull(moduleBytes);
  const stride = Math.ceil((dim * 8) / 16) * 16;
  const bytes = 16 + capacity * stride;
  if (!compiled || bytes > 2 ** 31) return jsStringKernels(dim);
  let memory;
  try {
    memory = new Wasm.Memory({ initial: Math.ceil(bytes / 65536), maximum: Math.ceil(bytes / 65536) });
  } catch {
    return jsStringKernels(dim);
  }
  const k = new Wasm.Instance(compiled, { env: { memory } }).exports as {
    difference: (a: number, b: number, out: number, n: number) => number;
    dots: (g: number, l: number, r: number, n: number, out: number) => void;
    update: (p: number, g: number, l: number, r: number, n: number, a: number, bl: number, br: number) => void;
  };
  const buffer = memory.buffer;
  const scratch = new Float64Array(buffer, 0, 2);
  const freeSlots: number[] = [];
  for (let s = capacity - 1; s >= 0; s--) freeSlots.push(16 + s * stride);
  const owned = new WeakSet<Float64Array>();
  const off = (v: Float64Array) => {
    if (!owned.has(v)) throw new Error('string kernels: a vector not allocated by these kernels');
    return v.byteOffset;
  };
  const tail = dim - (dim % 4);
  return {
    alloc() {
      const at = freeSlots.pop();
      if (at === undefined) throw new Error(`string kernels: more than ${capacity} vectors of dimension ${dim} in use`);
      const v = new Float64Array(buffer, at, dim).fill(0);
      owned.add(v);
      return v;
    },
    free(v) {
      if (owned.delete(v)) freeSlots.push(v.byteOffset);
    },
    difference(a, b, out) {
      let s = k.difference(off(a), off(b), off(out), dim);
      for (let i = tail; i < dim; i++) {
        const d = b[i] - a[i];
        out[i] = d;
        s += d * d;
      }
      return s > 0 ? 1 / Math.sqrt(s) : 0;
    },
    dots(g, l, r) {
      k.dots(off(g), off(l), off(r), dim, 0);
      let gl = scratch[0];
      let gr = scratch[1];
      for (let i = tail; i < dim; i++) {
        gl += g[i] * l[i];
        gr += g[i] * r[i];
      }
      return [gl, gr];
    },
    update(p, g, l, r, a, bl, br) {
      k.update(off(p), off(g), off(l), off(r), dim, a, bl, br);
      for (let i = tail; i < dim; i++) p[i] += bl * l[i] + br * r[i] - a * g[i];
    },
  };
}
