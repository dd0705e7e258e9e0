/**
 * The Bhattacharyya distance matrix of a whole study with WebAssembly SIMD: for m = 2,000 checkpoints on a
 * 1,000-sample, 10-class probe set that is 2 x 10^10 multiply-adds and 2 x 10^9 per-sample logarithms.
 *
 * How it is made fast, and why it is still the SPEC's number:
 * - square roots are taken once and laid out in blocks of 4 models interleaved per (sample, class), so one
 *   f32x4 multiply-add advances 4 pairs; a kernel call takes one model u against groups of 16 models;
 * - the per-sample coefficients are summed in float32 (the authors' torch code is float32 throughout),
 *   widened to float64, clamped to [e^-100, 1] (= per-sample distance in [0, 100], see bhattacharyya.ts),
 *   and multiplied together instead of summing logarithms: log prod = sum log. The product is renormalised
 *   every 7 samples (7 factors >= e^-100 stay above the smallest normal double) by moving its binary exponent
 *   into an integer accumulator, so one `Math.log` per pair replaces N of them;
 * - the work is tiled (64 samples x 64 models u x 256 models v) so both tiles sit in L2 and the running
 *   (product, exponent) state of each pair lives in memory between sample tiles;
 * - the memory is shared: for large m, helper threads (worker_threads) instantiate the same module on it and
 *   take their share of the rows u (each row's state is its own, so threads never write the same bytes).
 * The module is generated for the class count C (the class loop is unrolled, offsets are immediates),
 * assembled byte by byte here like linalg/wasmMatmul.ts, and compiled once per C.
 */
import type { ProbabilityStack } from './probabilities';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkCancelled } from '../../topology/cancel';
import { compileOrNull, forLoop, MODULE_HEADER, op as base, section, simd, str, uleb, vec, Wasm, type WasmMemory, type WasmModule } from '../../linalg/wasmBytes';

// ---- the kernel's opcodes ------------------------------------------------------------------------------

const op = {
  ...base,
  load: (offset: number) => simd(0x00, 0, ...uleb(offset)),
  load32Splat: (offset: number) => simd(0x09, 2, ...uleb(offset)),
  store: (offset: number) => simd(0x0b, 0, ...uleb(offset)),
  constBytes: (bytes: Uint8Array) => simd(0x0c, ...bytes),
  highHalf: simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15),
  and: simd(0x4e),
  or: simd(0x50),
  promoteLow: simd(0x5f),
  i64ShrU: simd(0xcd),
  i64Add: simd(0xce),
  i64Sub: simd(0xd1),
  f32Add: simd(0xe4),
  f32Mul: simd(0xe6),
  f64Mul: simd(0xf2),
  f64Pmin: simd(0xf6),
  f64Pmax: simd(0xf7),
};

function f64x2(x: number): number[] {
  return op.constBytes(new Uint8Array(new Float64Array([x, x]).buffer));
}
function i64x2(x: bigint): number[] {
  return op.constBytes(new Uint8Array(new BigInt64Array([x, x]).buffer));
}

// Parameters: u, v, groups, count, state, blockStride (all i32).
const P = { u: 0, v: 1, groups: 2, count: 3, state: 4, stride: 5 };
// i32 locals
const L = { g: 6, n: 7, q: 8, p: [9, 10, 11, 12], k: 13, gv: 14, st: 15 };
const I32_LOCALS = 10;
// v128 locals
const ACC = [16, 17, 18, 19];
const S = 20;
const LO = 21;
const HI = 22;
const PROD = [23, 24, 25, 26, 27, 28, 29, 30];
const K = { one: 31, minC: 32 };
const V128_LOCALS = 17;
const RENORM_EVERY = 7;

/**
 * prod = mantissa in [1, 2), exp += unbiased binary exponent: the product's value is unchanged. The exponents
 * live in the state memory (touched once per 7 samples), so the hot loop keeps only products and sums in
 * registers (x64 has 16 vector registers: 4 sums, 8 products, 2 clamp bounds and temporaries fit).
 */
function renormalise(): number[] {
  const out: number[] = [];
  for (let i = 0; i < 8; i++) {
    out.push(...op.get(L.st), ...op.get(L.st), ...op.load(128 + 16 * i), ...op.get(PROD[i]), ...op.i32(52), ...op.i64ShrU, ...i64x2(1023n), ...op.i64Sub, ...op.i64Add, ...op.store(128 + 16 * i));
    out.push(...op.get(PROD[i]), ...i64x2(0x000fffffffffffffn), ...op.and, ...i64x2(0x3ff0000000000000n), ...op.or, ...op.set(PROD[i]));
  }
  return out;
}

function clampAndMultiply(value: number, prod: number): number[] {
  return [...op.get(prod), ...op.get(value), ...op.get(K.one), ...op.f64Pmin, ...op.get(K.minC), ...op.f64Pmax, ...op.f64Mul, ...op.set(prod)];
}

function tileBody(classes: number, minCoefficient: number): number[] {
  const rowStep = 16 * classes;
  const code: number[] = [
    ...f64x2(1), ...op.set(K.one), ...f64x2(minCoefficient), ...op.set(K.minC),
    ...op.get(P.v), ...op.set(L.gv), ...op.get(P.state), ...op.set(L.st),
  ];
  const sample: number[] = [];
  for (let j = 0; j < 4; j++) sample.push(...f64x2(0), ...op.set(ACC[j]));
  for (let c = 0; c < classes; c++) {
    sample.push(...op.get(L.q), ...op.load32Splat(16 * c), ...op.set(S));
    for (let j = 0; j < 4; j++) {
      sample.push(...op.get(ACC[j]), ...op.get(S), ...op.get(L.p[j]), ...op.load(16 * c), ...op.f32Mul, ...op.f32Add, ...op.set(ACC[j]));
    }
  }
  for (let j = 0; j < 4; j++) {
    sample.push(...op.get(ACC[j]), ...op.promoteLow, ...op.set(LO));
    sample.push(...op.get(ACC[j]), ...op.get(ACC[j]), ...op.highHalf, ...op.promoteLow, ...op.set(HI));
    sample.push(...clampAndMultiply(LO, PROD[2 * j]), ...clampAndMultiply(HI, PROD[2 * j + 1]));
  }
  sample.push(...op.get(L.q), ...op.i32(rowStep), ...op.add, ...op.set(L.q));
  for (let j = 0; j < 4; j++) sample.push(...op.get(L.p[j]), ...op.i32(rowStep), ...op.add, ...op.set(L.p[j]));
  sample.push(...op.get(L.k), ...op.i32(1), ...op.sub, ...op.tee(L.k), ...op.eqz, ...op.if, ...renormalise(), ...op.i32(RENORM_EVERY), ...op.set(L.k), ...op.end);

  const group: number[] = [];
  for (let i = 0; i < 8; i++) group.push(...op.get(L.st), ...op.load(16 * i), ...op.set(PROD[i]));
  group.push(...op.get(P.u), ...op.set(L.q), ...op.get(L.gv), ...op.set(L.p[0]));
  for (let j = 1; j < 4; j++) group.push(...op.get(L.p[j - 1]), ...op.get(P.stride), ...op.add, ...op.set(L.p[j]));
  group.push(...op.i32(RENORM_EVERY), ...op.set(L.k));
  group.push(...forLoop(L.n, op.get(P.count), sample));
  group.push(...renormalise());
  for (let i = 0; i < 8; i++) group.push(...op.get(L.st), ...op.get(PROD[i]), ...op.store(16 * i));
  group.push(...op.get(L.st), ...op.i32(256), ...op.add, ...op.set(L.st));
  group.push(...op.get(L.gv), ...op.get(P.stride), ...op.i32(2), ...op.shl, ...op.add, ...op.set(L.gv));
  return [...code, ...forLoop(L.g, op.get(P.groups), group)];
}

function moduleBytes(classes: number, minCoefficient: number): Uint8Array {
  const body = [...vec([[...uleb(I32_LOCALS), 0x7f], [...uleb(V128_LOCALS), 0x7b]]), ...tileBody(classes, minCoefficient), ...op.end];
  return Uint8Array.from([
    ...MODULE_HEADER,
    ...section(1, vec([[0x60, ...vec(new Array<number[]>(6).fill([0x7f])), ...vec([])]])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x03, ...uleb(1), ...uleb(65536)]])), // shared memory
    ...section(3, vec([uleb(0)])),
    ...section(7, vec([[...str('tile'), 0x00, ...uleb(0)]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

// ---- the JS side -------------------------------------------------------------------------------------

type TileKernel = (u: number, v: number, groups: number, count: number, state: number, blockStride: number) => void;

const modules = new Map<number, WasmModule | null>();

function moduleFor(classes: number, minCoefficient: number): WasmModule | null {
  let mod = modules.get(classes);
  if (mod === undefined) {
    mod = compileOrNull(() => moduleBytes(classes, minCoefficient));
    modules.set(classes, mod);
  }
  return mod;
}

const GROUP = 16;
const STATE_BYTES = 256;
/** Above this many classes the unrolled module gets large; the JS kernel takes over. */
const MAX_CLASSES = 256;
/** Helper threads pay off above this many models (a thread starts in ~50 ms). */
const THREADS_FROM = 400;

/** What every thread needs to run its share of the tiles: plain numbers, so it crosses to a worker as is. */
interface TilePlan { m: number; N: number; C: number; groups: number; blockStride: number; stateAt: Float64Array }

/**
 * Runs the tiles of rows u in [uFrom, uTo): sample passes of 64, batches of 64 rows u, tiles of 16 groups v.
 * Self-contained (no outer names) because helper threads get its source text. Returns false if stopped.
 */
function runTiles(tile: TileKernel, plan: TilePlan, uFrom: number, uTo: number, stop: () => boolean, progress: (fraction: number) => void): boolean {
  const SAMPLES = 64;
  const U_ROWS = 64;
  const V_GROUPS = 16;
  const { N, C, groups, blockStride, stateAt } = plan;
  const rowStep = 16 * C;
  let total = 0;
  for (let u = uFrom; u < uTo; u++) total += groups - (u >> 4);
  let done = 0;
  for (let n0 = 0; n0 < N; n0 += SAMPLES) {
    const count = Math.min(SAMPLES, N - n0);
    for (let u0 = uFrom; u0 < uTo; u0 += U_ROWS) {
      if (stop()) return false;
      const u1 = Math.min(uTo, u0 + U_ROWS);
      for (let g0 = u0 >> 4; g0 < groups; g0 += V_GROUPS) {
        const g1 = Math.min(groups, g0 + V_GROUPS);
        for (let u = u0; u < u1; u++) {
          const gu = u >> 4;
          const gFirst = Math.max(g0, gu);
          if (gFirst >= g1) continue;
          tile((u >> 2) * blockStride + n0 * rowStep + (u & 3) * 4, gFirst * 4 * blockStride + n0 * rowStep, g1 - gFirst, count, stateAt[u] + (gFirst - gu) * 256, blockStride);
        }
      }
      for (let u = u0; u < u1; u++) done += ((groups - (u >> 4)) * count) / N;
      progress(total > 0 ? Math.min(1, done / total) : 1);
    }
  }
  return true;
}

/** The source of a helper thread: instantiate the module on the shared memory, run its rows, flag done. */
function helperSource(): string {
  return `
const { workerData } = require('node:worker_threads');
const runTiles = (${runTiles.toString()});
const { module, memory, plan, uFrom, uTo, flags } = workerData;
try {
  const tile = new Wasm.Instance(module, { env: { memory } }).exports.tile;
  runTiles(tile, plan, uFrom, uTo, () => Atomics.load(flags, 1) === 1, () => undefined);
  Atomics.store(flags, 0, 1);
} catch (e) {
  Atomics.store(flags, 0, 2);
}
Atomics.notify(flags, 0);
`;
}

/** Splits rows so each of `parts` threads gets about the same number of pairs (rows near 0 have more). */
function splitRows(m: number, groups: number, parts: number): number[] {
  let total = 0;
  for (let u = 0; u < m; u++) total += groups - (u >> 4);
  const bounds = [0];
  let acc = 0;
  for (let u = 0; u < m && bounds.length < parts; u++) {
    acc += groups - (u >> 4);
    if (acc >= (total * bounds.length) / parts) bounds.push(u + 1);
  }
  while (bounds.length < parts) bounds.push(m);
  bounds.push(m);
  return bounds;
}

function helperThreads(m: number, threads: number | undefined): number {
  if (threads !== undefined) return Math.max(0, threads - 1);
  if (m < THREADS_FROM) return 0;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(0, Math.min(3, cores - 1));
}

export interface WasmDistanceOptions {
  isCancelled?: () => boolean;
  onProgress?: (fraction: number) => void;
  /** Threads in all (default: up to 4 where there are cores and m >= 400; 1 = this thread only). */
  threads?: number;
}

/**
 * The full symmetric m x m Bhattacharyya matrix (zero diagonal), or null where WebAssembly SIMD is missing,
 * the class count is unusual or the memory cannot be had (the caller falls back to the JS kernel).
 */
export function wasmBhattacharyyaMatrix(stack: ProbabilityStack, options: WasmDistanceOptions = {}): Float64Array | null {
  const { m, samples: N, classes: C, data } = stack;
  if (m < 2 || C < 1 || C > MAX_CLASSES) return null;
  const mod = moduleFor(C, Math.exp(-100));
  if (!mod) return null;
  const mPad = Math.ceil(m / GROUP) * GROUP;
  const groups = mPad / GROUP;
  const blockStride = N * C * 16;
  const dataBytes = (mPad / 4) * blockStride;
  // State only for the upper triangle: model u keeps (product, exponent) for groups u>>4 .. groups-1.
  const stateAt = new Float64Array(m);
  let stateBytes = 0;
  for (let u = 0; u < m; u++) {
    stateAt[u] = dataBytes + stateBytes;
    stateBytes += (groups - (u >> 4)) * STATE_BYTES;
  }
  const pages = Math.ceil((dataBytes + stateBytes) / 65536) + 1;
  if (pages > 65536) return null;
  let memory: WasmMemory;
  let tile: TileKernel;
  try {
    memory = new Wasm.Memory({ initial: pages, maximum: pages, shared: true });
    tile = new Wasm.Instance(mod, { env: { memory } }).exports.tile as TileKernel;
  } catch {
    return null;
  }
  const f32 = new Float32Array(memory.buffer, 0, dataBytes / 4);
  const size = N * C;
  // Interleave: row r, sample n, class c at block (r >> 2), float (n * C + c) * 4 + (r & 3). Pad rows are uniform.
  const padValue = Math.sqrt(1 / C);
  for (let r = 0; r < mPad; r++) {
    const base = (r >> 2) * (blockStride / 4) + (r & 3);
    if (r < m) {
      const src = r * size;
      for (let i = 0; i < size; i++) f32[base + 4 * i] = Math.sqrt(data[src + i]);
    } else {
      for (let i = 0; i < size; i++) f32[base + 4 * i] = padValue;
    }
  }
  const state = new Float64Array(memory.buffer, dataBytes, stateBytes / 8);
  for (let at = 0; at < state.length; at += STATE_BYTES / 8) state.fill(1, at, at + GROUP); // products 1, exponents 0

  const plan: TilePlan = { m, N, C, groups, blockStride, stateAt };
  const helpers = helperThreads(m, options.threads);
  const bounds = splitRows(m, groups, helpers + 1);
  const flags = new Int32Array(new SharedArrayBuffer(8 * Math.max(1, helpers)));
  const workers: Worker[] = [];
  for (let h = 0; h < helpers; h++) {
    try {
      workers.push(new Worker(helperSource(), { eval: true, name: 'topolens-bhattacharyya', workerData: { module: mod, memory, plan, uFrom: bounds[h + 1], uTo: bounds[h + 2], flags: new Int32Array(flags.buffer, 8 * h, 2) } }));
    } catch {
      // No thread: this one does those rows too (below).
      Atomics.store(flags, 2 * h, 3);
    }
  }
  const cancelled = () => options.isCancelled?.() === true;
  const stopHelpers = () => { for (let h = 0; h < helpers; h++) Atomics.store(flags, 2 * h + 1, 1); };
  if (!runTiles(tile, plan, bounds[0], bounds[1], cancelled, (f) => options.onProgress?.(f))) {
    stopHelpers();
    checkCancelled(() => true);
  }
  for (let h = 0; h < helpers; h++) {
    while (Atomics.load(flags, 2 * h) === 0) {
      if (cancelled()) stopHelpers();
      Atomics.wait(flags, 2 * h, 0, 50);
    }
    const outcome = Atomics.load(flags, 2 * h);
    if (cancelled()) checkCancelled(() => true);
    // A helper that failed to start or to run: this thread does its rows.
    if (outcome !== 1 && !runTiles(tile, plan, bounds[h + 1], bounds[h + 2], cancelled, () => undefined)) checkCancelled(() => true);
  }
  for (const w of workers) void w.terminate();

  // d = -(log(product) + exponent * ln 2) / N; exponents fit in the low 32 bits (|exp| <= 145 N).
  const exps = new Int32Array(memory.buffer, dataBytes, stateBytes / 4);
  const D = new Float64Array(m * m);
  for (let u = 0; u < m; u++) {
    const gu = u >> 4;
    const at = (stateAt[u] - dataBytes) / 8;
    for (let v = u + 1; v < m; v++) {
      const lane = at + ((v >> 4) - gu) * (STATE_BYTES / 8) + (v & 15);
      const d = -(Math.log(state[lane]) + exps[2 * (lane + GROUP)] * Math.LN2) / N;
      D[u * m + v] = d;
      D[v * m + u] = d;
    }
  }
  return D;
}
