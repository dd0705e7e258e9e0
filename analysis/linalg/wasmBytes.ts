/**
 * The byte-level WebAssembly assembler shared by the hand-written SIMD kernels that build their code as
 * flat byte arrays (linalg/wasmMatmul.ts, analyses/predictionManifold/bhattacharyyaWasm.ts): LEB128
 * integers, sections, vectors, names, the common scalar and control opcodes, a counted loop, and the
 * few WebAssembly JS-API members they use (the project's lib is ES2022 without DOM, which has no
 * WebAssembly typings). Each kernel adds its own SIMD opcodes on top of `op`.
 * (training/simd/assembler.ts is the builder-object flavour used by the training engine.)
 */

export interface WasmModule { readonly __wasmModule: unique symbol }
export interface WasmMemory { readonly buffer: ArrayBuffer }
export interface WasmInstance { readonly exports: Record<string, unknown> }
export const Wasm = (globalThis as unknown as {
  WebAssembly: {
    validate(bytes: Uint8Array): boolean;
    Module: new (bytes: Uint8Array) => WasmModule;
    Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
    Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  };
}).WebAssembly;

/** Compiles `bytes`, or null where the engine lacks a feature they use (e.g. SIMD): callers fall back to JS. */
export function compileOrNull(bytes: () => Uint8Array): WasmModule | null {
  try {
    const b = bytes();
    return Wasm.validate(b) ? new Wasm.Module(b) : null;
  } catch {
    return null;
  }
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
export const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
/** A SIMD instruction: the 0xfd prefix, its LEB128 sub-opcode, then immediates. */
export const simd = (code: number, ...imm: number[]): number[] => [0xfd, ...uleb(code), ...imm];

export const I32 = 0x7f;
export const V128 = 0x7b;
/** "\0asm", version 1. */
export const MODULE_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Locals, control flow and i32 arithmetic. */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  shl: [0x74],
  eqz: [0x45],
  geU: [0x4f],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (l: number) => [0x0c, ...uleb(l)],
  brIf: (l: number) => [0x0d, ...uleb(l)],
};

/** for (v = 0; v < limit; v += step) { body } over i32 locals (unsigned compare). */
export function forLoop(v: number, limit: number[], body: number[], step = 1): number[] {
  return [...op.i32(0), ...op.set(v), ...op.block, ...op.loop, ...op.get(v), ...limit, ...op.geU, ...op.brIf(1),
    ...body, ...op.get(v), ...op.i32(step), ...op.add, ...op.set(v), ...op.br(0), ...op.end, ...op.end];
}
