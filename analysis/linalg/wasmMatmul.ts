/**
 * The two PCA products (see matmul.ts) as a tiny WebAssembly module using 128-bit SIMD (two float64
 * lanes), assembled here byte by byte so no toolchain or binary asset is needed. On V8 this runs the
 * 2-row x 4-vector blocked kernel about 2-3x faster than the best plain-JS loop, which is what brings
 * PCA of a 20,100 x 784 cloud well under a second.
 *
 * The module handles the bulk: row pairs, blocks of 4 panel vectors, coordinate pairs. Odd leftovers
 * (last row, last coordinate, last m mod 4 vectors) are finished in JS. Lane-wise partial sums make
 * the summation order differ from the JS kernel in the last bits; PCA is not bit-exact by contract.
 *
 * `createWasmMatmul` returns null where WebAssembly SIMD is unavailable; callers fall back to JS.
 */
import { subtractShifts } from './matmul';

import { compileOrNull, forLoop as counted, I32, MODULE_HEADER, op as base, section, simd, str, uleb, V128, vec, Wasm, type WasmInstance, type WasmMemory, type WasmModule } from './wasmBytes';

// ---- the kernels' opcodes (float64 lanes) ------------------------------------------------------------

const op = {
  ...base,
  f64Load: (offset: number) => [0x2b, 0x03, ...uleb(offset)],
  f64Store: (offset: number) => [0x39, 0x03, ...uleb(offset)],
  f64Add: [0xa0],
  vLoad: simd(0x00, 0x03, 0x00),
  vStore: simd(0x0b, 0x03, 0x00),
  vZero: simd(0x0c, ...new Array<number>(16).fill(0)),
  splat: simd(0x14),
  lane: (l: number) => simd(0x21, l),
  vAdd: simd(0xf0),
  vMul: simd(0xf2),
};

// Parameters of both functions: aPtr, rows (even), d, panelPtr, m4, outPtr, stride, dEven.
const P = { a: 0, rows: 1, d: 2, panel: 3, m4: 4, out: 5, stride: 6, dEven: 7 };
// i32 locals
const L = { i: 8, j: 9, k: 10, xa: 11, xb: 12, o0: 13, o1: 14, o2: 15, o3: 16, dBytes: 17, kEnd: 18 };
// v128 locals: acc/coef 0..7 = 19..26, x = 27, y = 28, p = 29
const V = (c: number) => 19 + c;
const X = 27;
const Y = 28;
const PV = 29;

const forLoop = (v: number, limit: number[], step: number, body: number[]): number[] => counted(v, limit, body, step);

function prologue(): number[] {
  return [...op.get(P.d), ...op.i32(3), ...op.shl, ...op.set(L.dBytes), ...op.get(P.dEven), ...op.i32(3), ...op.shl, ...op.set(L.kEnd)];
}

/** xa = aPtr + i * dBytes; xb = xa + dBytes */
function rowPointers(): number[] {
  return [
    ...op.get(P.a),
    ...op.get(L.i),
    ...op.get(L.dBytes),
    ...op.mul,
    ...op.add,
    ...op.tee(L.xa),
    ...op.get(L.dBytes),
    ...op.add,
    ...op.set(L.xb),
  ];
}

/** o0..o3 = base + j * dBytes (+ dBytes each) */
function panelPointers(base: number): number[] {
  return [
    ...op.get(base),
    ...op.get(L.j),
    ...op.get(L.dBytes),
    ...op.mul,
    ...op.add,
    ...op.tee(L.o0),
    ...op.get(L.dBytes),
    ...op.add,
    ...op.tee(L.o1),
    ...op.get(L.dBytes),
    ...op.add,
    ...op.tee(L.o2),
    ...op.get(L.dBytes),
    ...op.add,
    ...op.set(L.o3),
  ];
}

/**
 * o0 = base + ((j * stride + i) << 3), o1 = stride << 3: the address of element i of vector j in a
 * panel of vectors of length `stride` (n), and the step from one vector to the next.
 */
function columnPointers(base: number): number[] {
  return [
    ...op.get(base),
    ...op.get(L.j),
    ...op.get(P.stride),
    ...op.mul,
    ...op.get(L.i),
    ...op.add,
    ...op.i32(3),
    ...op.shl,
    ...op.add,
    ...op.set(L.o0),
    ...op.get(P.stride),
    ...op.i32(3),
    ...op.shl,
    ...op.set(L.o1),
  ];
}

const loadAt = (ptr: number): number[] => [...op.get(ptr), ...op.get(L.k), ...op.add, ...op.vLoad];

/** x = A[i][k..k+1], y = A[i+1][k..k+1]: the start of both kernels' k loop. */
function loadRowPair(): number[] {
  return [...loadAt(L.xa), ...op.set(X), ...loadAt(L.xb), ...op.set(Y)];
}

/** The pointers o0..o3 of the 4 vectors of the current block (set by `panelPointers`). */
const BLOCK_PTRS = [L.o0, L.o1, L.o2, L.o3];

/** The loop nest both kernels share: i over row pairs, j over blocks of 4 vectors, around `jBody`. */
function overRowPairsAndBlocks(jBody: number[]): number[] {
  const iBody = [...rowPointers(), ...forLoop(L.j, op.get(P.m4), 4, jBody)];
  return [...prologue(), ...forLoop(L.i, op.get(P.rows), 2, iBody)];
}

/** out[(j + c) * stride + i] = dot(A_i, W_{j+c}) and row i+1, for c = 0..3. */
function rowsByPanelBody(): number[] {
  const kBody = loadRowPair();
  for (let c = 0; c < 4; c++) {
    kBody.push(...loadAt(BLOCK_PTRS[c]), ...op.set(PV));
    kBody.push(...op.get(V(c)), ...op.get(X), ...op.get(PV), ...op.vMul, ...op.vAdd, ...op.set(V(c)));
    kBody.push(...op.get(V(4 + c)), ...op.get(Y), ...op.get(PV), ...op.vMul, ...op.vAdd, ...op.set(V(4 + c)));
  }
  const jBody: number[] = [...panelPointers(P.panel)];
  for (let c = 0; c < 8; c++) jBody.push(...op.vZero, ...op.set(V(c)));
  jBody.push(...forLoop(L.k, op.get(L.kEnd), 16, kBody));
  // output addresses out[j * stride + i], then + stride per vector
  jBody.push(...columnPointers(P.out));
  for (let c = 0; c < 4; c++) {
    for (const [acc, offset] of [
      [V(c), 0],
      [V(4 + c), 8],
    ]) {
      jBody.push(...op.get(L.o0), ...op.get(acc), ...op.lane(0), ...op.get(acc), ...op.lane(1), ...op.f64Add, ...op.f64Store(offset));
    }
    jBody.push(...op.get(L.o0), ...op.get(L.o1), ...op.add, ...op.set(L.o0));
  }
  return overRowPairsAndBlocks(jBody);
}

/** out[(j + c) * d + k] += Q[(j + c) * stride + i] * A[i][k] + Q[(j + c) * stride + i + 1] * A[i + 1][k]. */
function panelByRowsBody(): number[] {
  // coefficient addresses Q[j * stride + i], then + stride per vector
  const jBody: number[] = [...columnPointers(P.panel)];
  for (let c = 0; c < 4; c++) {
    jBody.push(...op.get(L.o0), ...op.f64Load(0), ...op.splat, ...op.set(V(c)));
    jBody.push(...op.get(L.o0), ...op.f64Load(8), ...op.splat, ...op.set(V(4 + c)));
    jBody.push(...op.get(L.o0), ...op.get(L.o1), ...op.add, ...op.set(L.o0));
  }
  jBody.push(...panelPointers(P.out));
  const kBody = loadRowPair();
  for (let c = 0; c < 4; c++) {
    // store address, then value = out + qa * x + qb * y
    kBody.push(...op.get(BLOCK_PTRS[c]), ...op.get(L.k), ...op.add);
    kBody.push(...loadAt(BLOCK_PTRS[c]));
    kBody.push(...op.get(V(c)), ...op.get(X), ...op.vMul, ...op.vAdd);
    kBody.push(...op.get(V(4 + c)), ...op.get(Y), ...op.vMul, ...op.vAdd);
    kBody.push(...op.vStore);
  }
  jBody.push(...forLoop(L.k, op.get(L.kEnd), 16, kBody));
  return overRowPairsAndBlocks(jBody);
}

function functionBody(code: number[]): number[] {
  const locals = vec([
    [...uleb(11), I32],
    [...uleb(11), V128],
  ]);
  const body = [...locals, ...code, ...op.end];
  return [...uleb(body.length), ...body];
}

function moduleBytes(): Uint8Array {
  const type = [0x60, ...vec(new Array(8).fill([I32])), ...vec([])];
  const bytes = [
    ...MODULE_HEADER,
    ...section(1, vec([type])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([uleb(0), uleb(0)])),
    ...section(7, vec([
      [...str('rowsByPanel'), 0x00, ...uleb(0)],
      [...str('panelByRows'), 0x00, ...uleb(1)],
    ])),
    ...section(10, vec([functionBody(rowsByPanelBody()), functionBody(panelByRowsBody())])),
  ];
  return Uint8Array.from(bytes);
}

// ---- the JS side ---------------------------------------------------------------------------------

type Kernel = (a: number, rows: number, d: number, panel: number, m4: number, out: number, stride: number, dEven: number) => void;

let compiled: WasmModule | null | undefined;

function compileOnce(): WasmModule | null {
  if (compiled === undefined) compiled = compileOrNull(moduleBytes);
  return compiled;
}

/**
 * The last instance is kept and reused while it is big enough — repeated PCAs (every checkpoint, every
 * benchmark repeat) then hold one copy of their data, not one per call waiting for the GC — and
 * dropped a few seconds after its last use so an idle worker does not keep the memory.
 */
let cache: { memory: WasmMemory; instance: WasmInstance; pages: number } | null = null;
let releaseTimer: ReturnType<typeof setTimeout> | null = null;
const RELEASE_AFTER_MS = 5000;

function instanceWithPages(mod: WasmModule, pages: number): { memory: WasmMemory; instance: WasmInstance } | null {
  if (!cache || cache.pages < pages) {
    cache = null; // let the old memory go before allocating the new one
    try {
      const memory = new Wasm.Memory({ initial: pages });
      cache = { memory, instance: new Wasm.Instance(mod, { env: { memory } }), pages };
    } catch {
      return null;
    }
  }
  if (releaseTimer) clearTimeout(releaseTimer);
  releaseTimer = setTimeout(() => {
    cache = null;
    releaseTimer = null;
  }, RELEASE_AFTER_MS);
  (releaseTimer as { unref?: () => void }).unref?.();
  return cache;
}

/**
 * Rows per kernel call (even). V8 first runs WebAssembly with its baseline compiler (Liftoff, ~3x slower
 * here) and swaps in the optimised code only at a function's next call: one call per pass ran the first
 * two passes of a 20,100-row PCA entirely in baseline code (+0.23 s). Calls over row chunks pick up the
 * optimised code after the first chunk; each chunk's outputs are the same sums as one call's.
 */
const CHUNK_ROWS = 1024;

/** WebAssembly pages for an n x d matrix followed by two panels of up to maxM vectors. */
function pagesFor(n: number, d: number, maxM: number): number {
  return Math.ceil((n * d * 8 + 2 * maxM * Math.max(n, d) * 8) / 65536) + 1;
}

/** The memories of the matrices made by `inPlaceMatrix`, by their buffer, with their size in pages. */
const inPlace = new WeakMap<ArrayBufferLike, { memory: WasmMemory; pages: number }>();

/**
 * A zeroed row-major n x d matrix that `createWasmMatmul` uses where it lies, without copying it:
 * a view of the start of a WebAssembly memory of its own (freed with the view), with room after it for
 * panels of up to maxM vectors. For a large data set filled once and then reduced (the weight-trajectory
 * cloud: 126 MB for the paper's first layer), this saves the copy and a second full-size allocation.
 * A plain Float64Array where WebAssembly is unavailable or the memory cannot be had (still accepted by
 * `createWasmMatmul`, which then copies it).
 */
export function inPlaceMatrix(n: number, d: number, maxM: number): Float64Array {
  const pages = pagesFor(n, d, maxM);
  if (compileOnce() && pages <= 65536) {
    try {
      const memory = new Wasm.Memory({ initial: pages });
      inPlace.set(memory.buffer, { memory, pages });
      return new Float64Array(memory.buffer, 0, n * d);
    } catch {
      // no room for a WebAssembly memory of that size: fall through to an ordinary array
    }
  }
  return new Float64Array(n * d);
}

/**
 * Products with one fixed data matrix A (n x d), which is copied into WebAssembly memory once (or used
 * where it lies when it comes from `inPlaceMatrix`).
 */
export interface Matmul {
  /** out[j * n + i] = <A_i, W_j> - shift[j] (see multiplyRowsByPanel). */
  rowsByPanel(W: Float64Array, m: number, out: Float64Array, shift?: Float64Array): void;
  /** out[j * d + k] = sum_i Q[j * n + i] A[i][k] (see multiplyPanelByRows). */
  panelByRows(Q: Float64Array, m: number, out: Float64Array): void;
}

/**
 * A SIMD WebAssembly implementation for A, with room for panels of up to `maxM` vectors; or null.
 * The returned object is valid until the next call (instances are reused, see `instanceWithPages`).
 */
export function createWasmMatmul(A: Float64Array, n: number, d: number, maxM: number): Matmul | null {
  const mod = compileOnce();
  if (!mod) return null;
  const aBytes = n * d * 8;
  const panelBytes = maxM * Math.max(n, d) * 8;
  const pages = pagesFor(n, d, maxM);
  if (pages > 65536) return null;
  const own = A.byteOffset === 0 ? inPlace.get(A.buffer) : undefined;
  let memory: WasmMemory;
  let instance: WasmInstance;
  if (own && own.pages >= pages) {
    // A already lives at the start of its own memory, with room for the panels after it: no copy.
    memory = own.memory;
    instance = new Wasm.Instance(mod, { env: { memory } });
  } else {
    const inst = instanceWithPages(mod, pages);
    if (!inst) return null; // not enough memory for a copy: use the JS kernels
    ({ memory, instance } = inst);
    new Float64Array(memory.buffer).set(A, 0);
  }
  const heap = new Float64Array(memory.buffer);
  const panelAt = aBytes;
  const outAt = aBytes + panelBytes;
  const rowsByPanelWasm = instance.exports.rowsByPanel as Kernel;
  const panelByRowsWasm = instance.exports.panelByRows as Kernel;
  const rowsEven = n & ~1;
  const dEven = d & ~1;
  return {
    rowsByPanel(W, m, out, shift) {
      const m4 = m & ~3;
      heap.set(W.subarray(0, m * d), panelAt / 8);
      for (let i0 = 0; i0 < rowsEven; i0 += CHUNK_ROWS) {
        rowsByPanelWasm(i0 * d * 8, Math.min(CHUNK_ROWS, rowsEven - i0), d, panelAt, m4, outAt + i0 * 8, n, dEven);
      }
      out.set(heap.subarray(outAt / 8, outAt / 8 + m4 * n));
      for (let j = 0; j < m; j++) {
        for (let i = j < m4 ? rowsEven : 0; i < n; i++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += A[i * d + k] * W[j * d + k];
          out[j * n + i] = s;
        }
        if (j < m4 && dEven < d) {
          for (let i = 0; i < rowsEven; i++) out[j * n + i] += A[i * d + dEven] * W[j * d + dEven];
        }
      }
      if (shift) subtractShifts(out, n, m, shift);
    },
    panelByRows(Q, m, out) {
      const m4 = m & ~3;
      heap.set(Q.subarray(0, m * n), panelAt / 8);
      heap.fill(0, outAt / 8, outAt / 8 + m * d);
      // Chunks accumulate into `out` in row order: the same sums as one call.
      for (let i0 = 0; i0 < rowsEven; i0 += CHUNK_ROWS) {
        panelByRowsWasm(i0 * d * 8, Math.min(CHUNK_ROWS, rowsEven - i0), d, panelAt + i0 * 8, m4, outAt, n, dEven);
      }
      out.set(heap.subarray(outAt / 8, outAt / 8 + m * d));
      // leftovers: the last coordinate for the wasm part; the last row; vectors past m4
      for (let j = 0; j < m; j++) {
        const o = j * d;
        if (j >= m4) {
          for (let i = 0; i < rowsEven; i++) {
            const q = Q[j * n + i];
            for (let k = 0; k < d; k++) out[o + k] += q * A[i * d + k];
          }
        } else if (dEven < d) {
          for (let i = 0; i < rowsEven; i++) out[o + dEven] += Q[j * n + i] * A[i * d + dEven];
        }
        for (let i = rowsEven; i < n; i++) {
          const q = Q[j * n + i];
          for (let k = 0; k < d; k++) out[o + k] += q * A[i * d + k];
        }
      }
    },
  };
}
