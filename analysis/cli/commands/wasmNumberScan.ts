/**
 * The number scanner's common case as a small WebAssembly module (assembled here byte by byte): lines of
 * plain decimal numbers separated by commas, semicolons or blanks. In a fresh process V8 runs it on its
 * baseline compiler within a millisecond, where the same loop in JS spends its first megabytes in the
 * interpreter; on a 7.7 MB point cloud (17-digit numbers) it scans in ~25 ms what took the JS loop ~90.
 *
 * It follows numberScanner.ts rule for rule, and stops, leaving the state as it was before the byte or
 * token it stopped at, wherever the JS scanner has more to do: a comment, an empty field, a trailing
 * separator, a ragged row, a negative distance, a token that is not a plain decimal or whose value it
 * cannot prove (then `Number` decides), a token reaching the end of the buffer (it may continue in the
 * next chunk), or a full output area. The JS scanner handles that byte or token and calls it again.
 *
 * Numbers: up to 19 significant digits in a u64 (eight at a time, SWAR); below 2^53 with a decimal
 * exponent within +-22, one correctly rounded multiplication or division (Clinger's fast path); from
 * 2^53 with an exponent in [-22, 0], the double-double quotient of decimalToDouble.ts (same operations,
 * same proof, ties left to `Number`). So every value is bit for bit `Number(token)`, as in the JS path.
 *
 * State shared with JS (i32 slots at address 0): numbers in the current line, hard separators since the
 * last number, line started, line number, rows, width, numbers written by this call, mode (0 rows,
 * 1 distances). Values go to the output area; the JS side copies them out after each call.
 */
import { compileOrNull, MODULE_HEADER, section, str, uleb, vec, Wasm, type WasmModule } from '../../linalg/wasmBytes';
import { Code, sleb32, sleb64 } from '../../linalg/wasmCode';
import { POW10, POW10_HIGH, POW10_LOW, INV_POW10, MARGIN, SPLIT } from './decimalToDouble';

const I32 = 0x7f;
const I64 = 0x7e;
const F64 = 0x7c;

// ---- memory layout (bytes) ------------------------------------------------------------------------
const STATE_AT = 0;
const POW10_AT = 64;
const HIGH_AT = POW10_AT + 23 * 8;
const LOW_AT = HIGH_AT + 23 * 8;
const INV_AT = LOW_AT + 23 * 8;
/** Byte classes: 0 token character, 1 blank, 2 comma or semicolon, 3 newline. */
const CLASS_AT = 1024;
const INPUT_AT = 2048;
/** Input bytes per call: the JS side copies its chunks in this many bytes at a time. */
export const INPUT_BYTES = 1 << 20;
const OUT_AT = INPUT_AT + INPUT_BYTES + 64;
/** Values per call, at most. */
export const OUT_VALUES = 1 << 16;
const PAGES = Math.ceil((OUT_AT + 8 * OUT_VALUES) / 65536);

/** The state slots (i32 indices). */
export const SLOT = { inLine: 0, hard: 1, started: 2, line: 3, rows: 4, width: 5, written: 6, mode: 7 } as const;

// ---- opcodes ----------------------------------------------------------------------------------------
const get = (l: number) => [0x20, ...uleb(l)];
const set = (l: number) => [0x21, ...uleb(l)];
const tee = (l: number) => [0x22, ...uleb(l)];
const i32 = (v: number) => [0x41, ...sleb32(v)];
const i64 = (v: bigint) => [0x42, ...sleb64(v)];
const f64 = (v: number): number[] => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];
const load8 = (offset: number) => [0x2d, 0x00, ...uleb(offset)];
const loadI32 = (offset: number) => [0x28, 0x02, ...uleb(offset)];
const storeI32 = (offset: number) => [0x36, 0x02, ...uleb(offset)];
const loadI64 = [0x29, 0x00, 0x00];
const loadF64 = (offset: number) => [0x2b, 0x03, ...uleb(offset)];
const storeF64 = (offset: number) => [0x39, 0x03, ...uleb(offset)];
const OP = {
  i32Eqz: [0x45], i32Eq: [0x46], i32Ne: [0x47], i32LtS: [0x48], i32LtU: [0x49], i32GtS: [0x4a], i32GtU: [0x4b],
  i32LeU: [0x4d], i32GeU: [0x4f], i32Add: [0x6a], i32Sub: [0x6b], i32Mul: [0x6c], i32And: [0x71], i32Or: [0x72], i32Shl: [0x74],
  i64Eqz: [0x50], i64LtU: [0x54], i64Add: [0x7c], i64Sub: [0x7d], i64Mul: [0x7e], i64And: [0x83], i64Or: [0x84], i64ShrU: [0x88],
  i64ExtendU: [0xad], f64Lt: [0x63], f64Ne: [0x62], f64Abs: [0x99], f64Neg: [0x9a], f64Add: [0xa0], f64Sub: [0xa1], f64Mul: [0xa2],
  f64Div: [0xa3], f64FromI64S: [0xb9], f64FromI64U: [0xba], i64TruncF64U: [0xb1],
};

// ---- locals ------------------------------------------------------------------------------------------
// parameters: pos, end (absolute byte addresses); the result is where scanning stopped
const pos = 0;
const end = 1;
const I32_LOCALS = ['c', 'inLine', 'hard', 'started', 'line', 'rows', 'width', 'written', 'mode', 'p', 'neg', 'n', 'exp', 'mark', 'e', 'eneg', 'saw'] as const;
const I64_LOCALS = ['w', 'x'] as const;
const F64_LOCALS = ['v', 'H', 'L', 'D', 'R', 'q1', 'cq', 'qh', 'ql', 'P', 'Pe', 't1', 'q2', 'err', 'below'] as const;
type Local = (typeof I32_LOCALS)[number] | (typeof I64_LOCALS)[number] | (typeof F64_LOCALS)[number];
const index = new Map<Local, number>();
[...I32_LOCALS, ...I64_LOCALS, ...F64_LOCALS].forEach((name, k) => index.set(name, 2 + k));
const L = (name: Local): number => index.get(name)!;

/** Emits, for the byte at local p (which must be < end), its value into local c. */
function byteAtP(c: Code): void {
  c.emit(get(L('p')), load8(0), set(L('c')));
}

/** if (p < end && byte(p) === value) { then } */
function ifByteAtPIs(c: Code, value: number, then: () => void): void {
  c.emit(get(L('p')), get(end), OP.i32LtU).if();
  c.emit(get(L('p')), load8(0), i32(value), OP.i32Eq).if();
  then();
  c.end().end();
}

/**
 * Decimal digits at p, one by one: for each, `each` runs with the digit in c (p not yet advanced);
 * stops at the first non-digit or at end.
 */
function digitLoop(c: Code, name: string, each: () => void): void {
  c.loop(name);
  c.emit(get(L('p')), get(end), OP.i32LtU).if();
  c.emit(get(L('p')), load8(0), i32(48), OP.i32Sub, tee(L('c')), i32(10), OP.i32LtU).if();
  each();
  c.bump(L('p'), 1).br(name);
  c.end().end().end();
}

/** w = w * 10 + c and n++ while n < 19 (digits past 19 are only counted: the value goes to Number). */
function addDigit(c: Code, countExponent: boolean): void {
  c.emit(get(L('n')), i32(19), OP.i32LtU).if();
  c.emit(get(L('w')), i64(10n), OP.i64Mul, get(L('c')), OP.i64ExtendU, OP.i64Add, set(L('w')));
  if (countExponent) c.bump(L('exp'), -1);
  c.end();
  c.bump(L('n'), 1);
}

/** The number at pos: on success v holds its value and p the first byte after it; else br 'exit'. */
function parseNumber(c: Code): void {
  c.emit(get(pos), set(L('p')), i32(0), set(L('neg')));
  byteAtP(c);
  c.emit(get(L('c')), i32(45), OP.i32Eq).if().emit(i32(1), set(L('neg'))).bump(L('p'), 1).else();
  c.emit(get(L('c')), i32(43), OP.i32Eq).if().bump(L('p'), 1).end();
  c.end();
  c.emit(i64(0n), set(L('w')), i32(0), set(L('n')), i32(0), set(L('exp')), get(L('p')), set(L('mark')));
  // leading zeros, then the integer digits
  c.loop('zeros');
  ifByteAtPIs(c, 48, () => c.bump(L('p'), 1).br('zeros'));
  c.end();
  digitLoop(c, 'int', () => addDigit(c, false));
  c.emit(get(L('p')), get(L('mark')), OP.i32Ne, set(L('saw')));
  // fraction: zeros before the first significant digit, eight digits at a time, then one by one
  ifByteAtPIs(c, 46, () => {
    c.bump(L('p'), 1).emit(get(L('p')), set(L('mark')));
    c.emit(get(L('n')), OP.i32Eqz).if();
    c.loop('fzeros');
    ifByteAtPIs(c, 48, () => c.bump(L('p'), 1).bump(L('exp'), -1).br('fzeros'));
    c.end();
    c.end();
    c.loop('eight');
    c.emit(get(L('p')), i32(8), OP.i32Add, get(end), OP.i32LeU, get(L('n')), i32(11), OP.i32LeU, OP.i32And).if();
    // all eight bytes digits: ((x + 0x46..46) | (x - 0x30..30)) & 0x80..80 == 0 (fast_float)
    c.emit(get(L('p')), loadI64, tee(L('x')), i64(0x4646464646464646n), OP.i64Add, get(L('x')), i64(0x3030303030303030n), OP.i64Sub, OP.i64Or);
    c.emit(i64(0x8080808080808080n), OP.i64And, OP.i64Eqz).if();
    // their value: x -= 0x30..30; x = x * 10 + (x >> 8); x = ((x & m) * (100 + 10^6 2^32) + ((x >> 16) & m) * (1 + 10^4 2^32)) >> 32
    c.emit(get(L('x')), i64(0x3030303030303030n), OP.i64Sub, tee(L('x')), i64(10n), OP.i64Mul, get(L('x')), i64(8n), OP.i64ShrU, OP.i64Add, set(L('x')));
    c.emit(get(L('x')), i64(0x000000ff000000ffn), OP.i64And, i64(100n + (1000000n << 32n)), OP.i64Mul);
    c.emit(get(L('x')), i64(16n), OP.i64ShrU, i64(0x000000ff000000ffn), OP.i64And, i64(1n + (10000n << 32n)), OP.i64Mul, OP.i64Add, i64(32n), OP.i64ShrU, set(L('x')));
    c.emit(get(L('w')), i64(100000000n), OP.i64Mul, get(L('x')), OP.i64Add, set(L('w')));
    c.bump(L('n'), 8).bump(L('exp'), -8).bump(L('p'), 8).br('eight');
    c.end().end().end();
    digitLoop(c, 'frac', () => addDigit(c, true));
    c.emit(get(L('saw')), get(L('p')), get(L('mark')), OP.i32Ne, OP.i32Or, set(L('saw')));
  });
  c.emit(get(L('saw')), OP.i32Eqz).brIf('exit');
  // exponent: e or E, a sign, at least one digit (capped at 100000 like the JS path)
  c.emit(get(L('p')), get(end), OP.i32LtU).if();
  c.emit(get(L('p')), load8(0), i32(0x20), OP.i32Or, i32(101), OP.i32Eq).if();
  c.bump(L('p'), 1).emit(i32(0), set(L('eneg')), i32(0), set(L('e')));
  c.emit(get(L('p')), get(end), OP.i32LtU).if();
  byteAtP(c);
  c.emit(get(L('c')), i32(45), OP.i32Eq).if().emit(i32(1), set(L('eneg'))).bump(L('p'), 1).else();
  c.emit(get(L('c')), i32(43), OP.i32Eq).if().bump(L('p'), 1).end();
  c.end();
  c.end();
  c.emit(get(L('p')), set(L('mark')));
  digitLoop(c, 'exp', () => {
    c.emit(get(L('e')), i32(100000), OP.i32LtS).if();
    c.emit(get(L('e')), i32(10), OP.i32Mul, get(L('c')), OP.i32Add, set(L('e')));
    c.end();
  });
  c.emit(get(L('p')), get(L('mark')), OP.i32Eq).brIf('exit');
  c.emit(get(L('exp')), i32(0), get(L('e')), OP.i32Sub, get(L('e')), get(L('eneg')), [0x1b], OP.i32Add, set(L('exp')));
  c.end().end();
  c.emit(get(L('n')), i32(19), OP.i32GtU).brIf('exit');
  c.emit(get(L('w')), i64(1n << 53n), OP.i64LtU).if();
  // exact mantissa: one correctly rounded operation with an exact power of ten
  c.emit(get(L('exp')), i32(-22), OP.i32LtS, get(L('exp')), i32(22), OP.i32GtS, OP.i32Or).brIf('exit');
  c.emit(get(L('exp')), i32(0), OP.i32LtS).if();
  c.emit(get(L('w')), OP.f64FromI64S, i32(0), get(L('exp')), OP.i32Sub, i32(3), OP.i32Shl, loadF64(POW10_AT), OP.f64Div, set(L('v')));
  c.else();
  c.emit(get(L('w')), OP.f64FromI64S, get(L('exp')), i32(3), OP.i32Shl, loadF64(POW10_AT), OP.f64Mul, set(L('v')));
  c.end();
  c.else();
  exactQuotient(c);
  c.end();
  c.emit(get(L('neg'))).if().emit(get(L('v')), OP.f64Neg, set(L('v'))).end();
}

/** v = round(w / 10^-exp) for w >= 2^53, exp in [-22, 0], as decimalToDouble.ts; else br 'exit'. */
function exactQuotient(c: Code): void {
  c.emit(get(L('exp')), i32(-22), OP.i32LtS, get(L('exp')), i32(0), OP.i32GtS, OP.i32Or).brIf('exit');
  // H + L = w exactly: H = round(w), and w - H fits easily (|w - H| <= 2^10)
  c.emit(get(L('w')), OP.f64FromI64U, tee(L('H')), OP.i64TruncF64U, set(L('x')));
  c.emit(get(L('w')), get(L('x')), OP.i64Sub, OP.f64FromI64S, set(L('L')));
  // the tables at 8 * (-exp)
  c.emit(i32(0), get(L('exp')), OP.i32Sub, i32(3), OP.i32Shl, set(L('c')));
  c.emit(get(L('c')), loadF64(POW10_AT), set(L('D')), get(L('c')), loadF64(INV_AT), set(L('R')));
  c.emit(get(L('H')), get(L('R')), OP.f64Mul, set(L('q1')));
  c.emit(f64(SPLIT), get(L('q1')), OP.f64Mul, tee(L('cq')), get(L('cq')), get(L('q1')), OP.f64Sub, OP.f64Sub, set(L('qh')));
  c.emit(get(L('q1')), get(L('qh')), OP.f64Sub, set(L('ql')));
  c.emit(get(L('q1')), get(L('D')), OP.f64Mul, set(L('P')));
  // Pe = qh * Dh - P + qh * Dl + ql * Dh + ql * Dl, left to right
  c.emit(get(L('qh')), get(L('c')), loadF64(HIGH_AT), OP.f64Mul, get(L('P')), OP.f64Sub);
  c.emit(get(L('qh')), get(L('c')), loadF64(LOW_AT), OP.f64Mul, OP.f64Add);
  c.emit(get(L('ql')), get(L('c')), loadF64(HIGH_AT), OP.f64Mul, OP.f64Add);
  c.emit(get(L('ql')), get(L('c')), loadF64(LOW_AT), OP.f64Mul, OP.f64Add, set(L('Pe')));
  c.emit(get(L('H')), get(L('P')), OP.f64Sub, get(L('Pe')), OP.f64Sub, set(L('t1')));
  c.emit(get(L('t1')), get(L('L')), OP.f64Add, get(L('R')), OP.f64Mul, set(L('q2')));
  c.emit(get(L('t1')), OP.f64Abs, get(L('R')), OP.f64Mul, get(L('q2')), OP.f64Abs, OP.f64Add, f64(MARGIN), OP.f64Mul, set(L('err')));
  c.emit(get(L('q1')), get(L('q2')), get(L('err')), OP.f64Sub, OP.f64Add, tee(L('below')));
  c.emit(get(L('q1')), get(L('q2')), get(L('err')), OP.f64Add, OP.f64Add, OP.f64Ne).brIf('exit');
  c.emit(get(L('below')), set(L('v')));
}

const STATE_LOCALS = ['inLine', 'hard', 'started', 'line', 'rows', 'width', 'written', 'mode'] as const;

/** scan(pos, end) -> where it stopped (see the file comment). */
function scanBody(): Uint8Array {
  const c = new Code();
  STATE_LOCALS.forEach((name, k) => c.emit(i32(0), loadI32(STATE_AT + 4 * k), set(L(name))));
  c.block('exit').loop('main');
  c.emit(get(pos), get(end), OP.i32GeU).brIf('exit');
  c.emit(get(pos), load8(0), tee(L('c')), load8(CLASS_AT), set(L('e')));
  // blank
  c.emit(get(L('e')), i32(1), OP.i32Eq).if().bump(pos, 1).br('main').end();
  // comma or semicolon: an empty field (or one at a line's start) is the JS side's
  c.emit(get(L('e')), i32(2), OP.i32Eq).if();
  c.emit(get(L('hard')), get(L('started')), OP.i32Eqz, OP.i32Or).brIf('exit');
  c.bump(L('hard'), 1).bump(pos, 1).br('main');
  c.end();
  // newline: a trailing separator or a ragged row is the JS side's
  c.emit(get(L('e')), i32(3), OP.i32Eq).if();
  c.emit(get(L('inLine'))).if();
  c.emit(get(L('hard'))).brIf('exit');
  c.emit(get(L('mode')), OP.i32Eqz).if();
  c.emit(get(L('rows')), OP.i32Eqz).if().emit(get(L('inLine')), set(L('width'))).else();
  c.emit(get(L('inLine')), get(L('width')), OP.i32Ne).brIf('exit');
  c.end();
  c.bump(L('rows'), 1);
  c.end();
  c.end();
  c.bump(L('line'), 1).emit(i32(0), set(L('inLine')), i32(0), set(L('hard')), i32(0), set(L('started')));
  c.bump(pos, 1).br('main');
  c.end();
  // a token: not a comment, room for its value, a plain decimal followed by a separator in this buffer
  c.emit(get(L('c')), i32(35), OP.i32Eq, get(L('started')), OP.i32Eqz, OP.i32And).brIf('exit');
  c.emit(get(L('written')), i32(OUT_VALUES), OP.i32GeU).brIf('exit');
  parseNumber(c);
  c.emit(get(L('p')), get(end), OP.i32GeU).brIf('exit');
  c.emit(get(L('p')), load8(0), load8(CLASS_AT), OP.i32Eqz).brIf('exit');
  c.emit(get(L('mode')), get(L('v')), f64(0), OP.f64Lt, OP.i32And).brIf('exit');
  c.emit(get(L('written')), i32(3), OP.i32Shl, get(L('v')), storeF64(OUT_AT));
  c.bump(L('written'), 1).bump(L('inLine'), 1).emit(i32(0), set(L('hard')), i32(1), set(L('started')), get(L('p')), set(pos));
  c.br('main');
  c.end().end();
  STATE_LOCALS.forEach((name, k) => c.emit(i32(0), get(L(name)), storeI32(STATE_AT + 4 * k)));
  c.emit(get(pos));
  return c.bytes;
}

function moduleBytes(): Uint8Array {
  const type = [0x60, ...vec([[I32], [I32]]), ...vec([[I32]])];
  const body = scanBody();
  const locals = vec([
    [...uleb(I32_LOCALS.length), I32],
    [...uleb(I64_LOCALS.length), I64],
    [...uleb(F64_LOCALS.length), F64],
  ]);
  const code = new Code().emit(uleb(1), uleb(locals.length + body.length + 1), locals, body, [0x0b]);
  return new Code().emit(
    MODULE_HEADER,
    section(1, vec([type])),
    section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, ...uleb(PAGES)]])),
    section(3, vec([uleb(0)])),
    section(7, vec([[...str('scan'), 0x00, ...uleb(0)]])),
    [10], uleb(code.bytes.length), code.bytes,
  ).bytes.slice();
}

/** The module's memory views and its entry point, as the number scanner uses them. */
export interface WasmScan {
  /** INPUT_BYTES bytes the next call scans (the caller copies its chunk here). */
  readonly input: Uint8Array;
  readonly state: Int32Array;
  /** The values written by the last call: out[0 .. state[SLOT.written]). */
  readonly out: Float64Array;
  /** Scans input[from, to); returns where it stopped (to, or the byte or token the JS side must handle). */
  scan(from: number, to: number): number;
}

let compiled: WasmModule | null | undefined;
let shared: WasmScan | null | undefined;

/**
 * The scanner module, instantiated once per process (scans do not nest: each call copies its input in
 * and its values out), or null where WebAssembly is unavailable.
 */
export function wasmScan(): WasmScan | null {
  if (shared !== undefined) return shared;
  compiled ??= compileOrNull(moduleBytes);
  if (!compiled) return (shared = null);
  try {
    const memory = new Wasm.Memory({ initial: PAGES });
    const instance = new Wasm.Instance(compiled, { env: { memory } });
    const heap = new Float64Array(memory.buffer);
    heap.set(POW10, POW10_AT / 8);
    heap.set(POW10_HIGH, HIGH_AT / 8);
    heap.set(POW10_LOW, LOW_AT / 8);
    heap.set(INV_POW10, INV_AT / 8);
    const bytes = new Uint8Array(memory.buffer);
    for (const b of [32, 9, 13, 11, 12]) bytes[CLASS_AT + b] = 1;
    bytes[CLASS_AT + 44] = 2;
    bytes[CLASS_AT + 59] = 2;
    bytes[CLASS_AT + 10] = 3;
    const scan = instance.exports.scan as (pos: number, end: number) => number;
    shared = {
      input: new Uint8Array(memory.buffer, INPUT_AT, INPUT_BYTES),
      state: new Int32Array(memory.buffer, STATE_AT, 8),
      out: new Float64Array(memory.buffer, OUT_AT, OUT_VALUES),
      scan: (from, to) => scan(INPUT_AT + from, INPUT_AT + to) - INPUT_AT,
    };
  } catch {
    shared = null;
  }
  return shared;
}
