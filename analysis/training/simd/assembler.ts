import * as v8 from 'node:v8';

/**
 * A tiny WebAssembly binary emitter: just what the SIMD training kernels need (i32 arithmetic, f32 and
 * v128 loads/stores/arithmetic, blocks and loops), so kernels can be generated at run time, specialised
 * to each layer's shapes (sizes and strides become constants: unrolled loops, constant load offsets),
 * without a toolchain or a dependency. Every module imports one memory as `env.mem`.
 *
 * Usage: `const f = new FnBuilder(nParams)`, emit with its methods (each returns `this`), then
 * `buildModule([{ name, fn }], memory)` compiles and instantiates the module.
 */

const enum Op {
  Block = 0x02, Loop = 0x03, If = 0x04, Else = 0x05, End = 0x0b, Br = 0x0c, BrIf = 0x0d, Return = 0x0f,
  Drop = 0x1a, Select = 0x1b,
  LocalGet = 0x20, LocalSet = 0x21, LocalTee = 0x22,
  I32Load = 0x28, F32Load = 0x2a, I32Store = 0x36, F32Store = 0x38,
  I32Const = 0x41, F32Const = 0x43,
  I32Eqz = 0x45, I32Eq = 0x46, I32Ne = 0x47, I32LtS = 0x48, I32LtU = 0x49, I32GtS = 0x4a, I32GtU = 0x4b, I32GeU = 0x4f,
  F32Eq = 0x5b, F32Lt = 0x5d, F32Gt = 0x5e,
  I32Add = 0x6a, I32Sub = 0x6b, I32Mul = 0x6c, I32And = 0x71, I32Shl = 0x74,
  F32Abs = 0x8b, F32Neg = 0x8c, F32Sqrt = 0x91, F32Add = 0x92, F32Sub = 0x93, F32Mul = 0x94, F32Div = 0x95, F32Min = 0x96, F32Max = 0x97,
  Simd = 0xfd,
}

/** SIMD opcodes (after the 0xfd prefix). */
export const enum V {
  Load = 0x00, Load32Splat = 0x09, Store = 0x0b, Const = 0x0c, Shuffle = 0x0d,
  I32x4Splat = 0x11, F32x4Splat = 0x13, F32x4ExtractLane = 0x1f,
  F32x4Eq = 0x41, F32x4Ne = 0x42, F32x4Lt = 0x43, F32x4Gt = 0x44, F32x4Le = 0x45, F32x4Ge = 0x46,
  Not = 0x4d, And = 0x4e, AndNot = 0x4f, Or = 0x50, Xor = 0x51, Bitselect = 0x52,
  F32x4Abs = 0xe0, F32x4Neg = 0xe1, F32x4Sqrt = 0xe3, F32x4Add = 0xe4, F32x4Sub = 0xe5, F32x4Mul = 0xe6, F32x4Div = 0xe7,
  F32x4Min = 0xe8, F32x4Max = 0xe9, F32x4Pmin = 0xea, F32x4Pmax = 0xeb,
  F32x4Nearest = 0x6a, I32x4Shl = 0xab, I32x4Add = 0xae, I32x4TruncSatF32x4S = 0xf8,
}

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
type ValType = typeof I32 | typeof F32 | typeof V128;

function uleb(out: number[], n: number): void {
  if (n < 0 || !Number.isInteger(n)) throw new Error(`assembler: ${n} is not an unsigned integer`);
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
}

function sleb(out: number[], n: number): void {
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 32) throw new Error(`assembler: ${n} is not an i32`);
  if (n >= 2 ** 31) n -= 2 ** 32; // u32 constants as their i32 bit pattern
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** One function body: i32 parameters only (pointers and counts), no results. */
export class FnBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(readonly nParams: number) {}

  /** A new local of the given type; returns its index. */
  local(type: ValType = I32): number {
    this.localTypes.push(type);
    return this.nParams + this.localTypes.length - 1;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  private simd(op: V): this {
    this.code.push(Op.Simd);
    uleb(this.code, op);
    return this;
  }
  private mem(align: number, offset: number): this {
    uleb(this.code, align);
    uleb(this.code, offset);
    return this;
  }

  get(i: number): this { this.code.push(Op.LocalGet); uleb(this.code, i); return this; }
  set(i: number): this { this.code.push(Op.LocalSet); uleb(this.code, i); return this; }
  tee(i: number): this { this.code.push(Op.LocalTee); uleb(this.code, i); return this; }
  i32(n: number): this { this.code.push(Op.I32Const); sleb(this.code, n); return this; }
  f32(x: number): this {
    this.code.push(Op.F32Const, ...new Uint8Array(new Float32Array([x]).buffer));
    return this;
  }
  add(): this { return this.op(Op.I32Add); }
  sub(): this { return this.op(Op.I32Sub); }
  mul(): this { return this.op(Op.I32Mul); }
  and(): this { return this.op(Op.I32And); }
  shl(): this { return this.op(Op.I32Shl); }
  eqz(): this { return this.op(Op.I32Eqz); }
  eq(): this { return this.op(Op.I32Eq); }
  ne(): this { return this.op(Op.I32Ne); }
  ltU(): this { return this.op(Op.I32LtU); }
  ltS(): this { return this.op(Op.I32LtS); }
  gtS(): this { return this.op(Op.I32GtS); }
  geU(): this { return this.op(Op.I32GeU); }
  /** local i += n */
  inc(i: number, n: number): this { return n === 0 ? this : this.get(i).i32(n).add().set(i); }

  f32Load(offset = 0): this { return this.op(Op.F32Load).mem(2, offset); }
  f32Store(offset = 0): this { return this.op(Op.F32Store).mem(2, offset); }
  i32Load(offset = 0): this { return this.op(Op.I32Load).mem(2, offset); }
  i32Store(offset = 0): this { return this.op(Op.I32Store).mem(2, offset); }
  fadd(): this { return this.op(Op.F32Add); }
  fsub(): this { return this.op(Op.F32Sub); }
  fmul(): this { return this.op(Op.F32Mul); }
  fdiv(): this { return this.op(Op.F32Div); }
  fmax(): this { return this.op(Op.F32Max); }
  fmin(): this { return this.op(Op.F32Min); }
  fsqrt(): this { return this.op(Op.F32Sqrt); }
  fneg(): this { return this.op(Op.F32Neg); }
  fgt(): this { return this.op(Op.F32Gt); }
  flt(): this { return this.op(Op.F32Lt); }
  feq(): this { return this.op(Op.F32Eq); }
  select(): this { return this.op(Op.Select); }
  drop(): this { return this.op(Op.Drop); }

  vload(offset = 0): this { return this.simd(V.Load).mem(2, offset); }
  vstore(offset = 0): this { return this.simd(V.Store).mem(2, offset); }
  vsplatLoad(offset = 0): this { return this.simd(V.Load32Splat).mem(2, offset); }
  vsplat(): this { return this.simd(V.F32x4Splat); }
  /** An f32x4 with every lane x. */
  vf32(x: number): this { return this.f32(x).vsplat(); }
  vzero(): this { this.simd(V.Const); this.code.push(...new Array(16).fill(0)); return this; }
  /** i8x16.shuffle of the two v128 on the stack; `lanes32` picks four 32-bit lanes (0-3 first, 4-7 second). */
  vshuffle32(lanes32: number[]): this {
    this.simd(V.Shuffle);
    for (const l of lanes32) this.code.push(4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3);
    return this;
  }
  vlane(lane: number): this { this.simd(V.F32x4ExtractLane); this.code.push(lane); return this; }
  v(op: V): this { return this.simd(op); }

  block(): this { return this.op(Op.Block, 0x40); }
  loop(): this { return this.op(Op.Loop, 0x40); }
  if(): this { return this.op(Op.If, 0x40); }
  else(): this { return this.op(Op.Else); }
  end(): this { return this.op(Op.End); }
  br(depth: number): this { this.code.push(Op.Br); uleb(this.code, depth); return this; }
  brIf(depth: number): this { this.code.push(Op.BrIf); uleb(this.code, depth); return this; }

  /**
   * `for (i = from; i < to; i += step) body()`, i an i32 local, `to` a constant or a local given as
   * { local }. The body runs at least once when the range is known non-empty (constant bounds).
   */
  forRange(i: number, from: number, to: number | { local: number }, step: number, body: () => void): this {
    if (typeof to === 'number' && from >= to) return this;
    this.i32(from).set(i);
    const guard = typeof to !== 'number';
    if (guard) this.block().get(i).get(to.local).geU().brIf(0);
    this.loop();
    body();
    this.inc(i, step).get(i);
    if (typeof to === 'number') this.i32(to);
    else this.get(to.local);
    this.ltU().brIf(0).end();
    if (guard) this.end();
    return this;
  }

  /** Encoded body: locals (run-length by type) then code and the final end. */
  encode(): number[] {
    const out: number[] = [];
    const groups: [number, ValType][] = [];
    for (const t of this.localTypes) {
      if (groups.length && groups[groups.length - 1][1] === t) groups[groups.length - 1][0]++;
      else groups.push([1, t]);
    }
    uleb(out, groups.length);
    for (const [n, t] of groups) {
      uleb(out, n);
      out.push(t);
    }
    for (const b of this.code) out.push(b); // no spread: bodies can exceed the argument limit
    out.push(Op.End);
    return out;
  }
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  for (const b of body) out.push(b);
}

function name(out: number[], s: string): void {
  const b = new TextEncoder().encode(s);
  uleb(out, b.length);
  out.push(...b);
}

/** Module bytes exporting each function under its name; all functions take nParams i32s and return nothing. */
export function encodeModule(fns: { name: string; fn: FnBuilder }[]): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const arities = [...new Set(fns.map((f) => f.fn.nParams))];
  const types: number[] = [];
  uleb(types, arities.length);
  for (const n of arities) {
    types.push(0x60);
    uleb(types, n);
    for (let i = 0; i < n; i++) types.push(I32);
    types.push(0x00);
  }
  section(out, 1, types);
  const imports: number[] = [1];
  name(imports, 'env');
  name(imports, 'mem');
  imports.push(0x02, 0x00, 0x01); // memory, limits: min 1 page, no max
  section(out, 2, imports);
  const funcs: number[] = [];
  uleb(funcs, fns.length);
  for (const f of fns) uleb(funcs, arities.indexOf(f.fn.nParams));
  section(out, 3, funcs);
  const exports: number[] = [];
  uleb(exports, fns.length);
  fns.forEach((f, i) => {
    name(exports, f.name);
    exports.push(0x00);
    uleb(exports, i);
  });
  section(out, 7, exports);
  const code: number[] = [];
  uleb(code, fns.length);
  for (const f of fns) {
    const body = f.fn.encode();
    uleb(code, body.length);
    for (const b of body) code.push(b);
  }
  section(out, 10, code);
  // "name" custom section: profilers show the kernels by name instead of wasm-function[i].
  const names: number[] = [];
  name(names, 'name');
  const sub: number[] = [];
  uleb(sub, fns.length);
  fns.forEach((f, i) => {
    uleb(sub, i);
    name(sub, f.name);
  });
  names.push(1);
  uleb(names, sub.length);
  for (const b of sub) names.push(b);
  section(out, 0, names);
  return new Uint8Array(out);
}

export type Kernel = (...args: number[]) => void;

/** The part of the WebAssembly JS API we use (the project's lib settings carry no WebAssembly types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export function newMemory(bytes: number): WasmMemory {
  return new WA.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
}

/**
 * Compiles the functions straight to optimised code: V8's default starts with its baseline compiler
 * (Liftoff) and tiers up while running, which measured 2-3x slower kernels for the first ~6 training steps.
 * The module can be instantiated over any memory (`instantiate`), so callers may cache it.
 */
export function compileModule(fns: { name: string; fn: FnBuilder }[]): object {
  const bytes = encodeModule(fns);
  try {
    v8.setFlagsFromString('--no-liftoff');
    return new WA.Module(bytes);
  } finally {
    v8.setFlagsFromString('--liftoff');
  }
}

export function instantiate(module: object, memory: WasmMemory): Record<string, Kernel> {
  return new WA.Instance(module, { env: { mem: memory } }).exports as Record<string, Kernel>;
}

/** Compiles and instantiates the functions over `memory`; returns them by name. */
export function buildModule(fns: { name: string; fn: FnBuilder }[], memory: WasmMemory): Record<string, Kernel> {
  return instantiate(compileModule(fns), memory);
}
