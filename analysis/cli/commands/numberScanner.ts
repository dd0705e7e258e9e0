/**
 * A scanner for numeric text files (point clouds, distance matrices), fed in byte chunks of any size
 * (the file readers pass 1 MiB at a time): numbers are parsed straight from the bytes into blocks of
 * float64s, with no string per line or per token, no array and no regex. Only a token that is not a
 * plain decimal number (hex, "NaN", non-ASCII) is decoded (UTF-8) and given to `Number`. The common
 * case (lines of plain decimals) runs in a WebAssembly module (wasmNumberScan.ts), which V8 runs well
 * from the first byte; the JS loop here handles whatever it stops at, and everything where
 * WebAssembly is unavailable.
 *
 * Tokens are separated by commas, semicolons or whitespace; within a line, runs of whitespace around
 * one comma count as one separator, and an empty field ("1,,2", a trailing comma) is an error in a
 * point cloud and skipped in a lower-distance matrix (Ripser reads any separators there). Lines whose
 * first non-blank character is `#` are comments.
 *
 * Numbers: every value is bit for bit what `Number(token)` gives. A token of at most 15 significant
 * digits with a decimal exponent within +-22 is converted exactly here (m * 10^e or m / 10^e with both
 * operands exact is correctly rounded: Clinger's fast path); 16 to 19 digits with an exponent in
 * [-22, 0] (17-digit shortest round-trip output) go through decimalToDouble.ts, exact or NaN when it
 * cannot prove the rounding; everything else, and those NaNs, through `Number`. Eight fraction digits
 * at a time are read as two little-endian int32s and checked and combined without a loop (SWAR).
 */
import { exactDecimal, POW10 } from './decimalToDouble';
import { INPUT_BYTES, SLOT, wasmScan, type WasmScan } from './wasmNumberScan';

/** `rows`: one point per line, all of one width. `distances`: a flat sequence of non-negative numbers. */
export type ScanMode = 'rows' | 'distances';

/**
 * `wasm`: the common case runs in WebAssembly (wasmNumberScan.ts) where available, the JS loop below
 * does the rest; `js`: the JS loop alone (tests check that both give the same numbers and errors);
 * `auto`: `wasm` once the input reaches WASM_FROM_BYTES (below, instantiating the module, ~3 ms in a
 * fresh process, costs more than it saves).
 */
export type ScanEngine = 'auto' | 'wasm' | 'js';
const WASM_FROM_BYTES = 1 << 16;

const COMMA = 44;
const SEMICOLON = 59;
const HASH = 35;
const NEWLINE = 10;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;

/** Separator bytes: comma, semicolon, newline, and the whitespace space, tab, CR, VT, FF. */
const SEPARATOR = new Uint8Array(256);
for (const c of [COMMA, SEMICOLON, NEWLINE, 32, 9, 13, 11, 12]) SEPARATOR[c] = 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The value of four ASCII digits read as a little-endian int32 (first digit in the low byte), or -1
 * when any of the four bytes is not a digit (SWAR: all four checked and combined at once).
 */
function fourDigits(x: number): number {
  if (((x & 0xf0f0f0f0) | (((x + 0x06060606) & 0xf0f0f0f0) >>> 4)) !== 0x33333333) return -1;
  const y = x - 0x30303030;
  const z = (y * 10 + (y >>> 8)) & 0x00ff00ff;
  return (z & 0xff) * 100 + (z >>> 16);
}

/**
 * Parses the decimal number starting at b[from] (sign, digits, point, exponent) and stores its value in
 * out[at]; returns the index of the first byte after the number's grammar (the caller checks that it
 * is a separator or the token's end), or -1 minus that index when the token has no number, is
 * malformed, or needs `Number` (too many digits, exponent out of range, or not provably rounded).
 * The value goes to the array, not a return value, so no double is boxed per token.
 */
function parseDecimal(b: Uint8Array, view: DataView, from: number, end: number, out: Float64Array, at: number): number {
  let i = from;
  const negative = b[i] === MINUS;
  if (negative || b[i] === PLUS) i++;
  // Significant digits go into two exact integers: the first 9 into `a`, the next 10 into `r`; `n`
  // counts them (past 19 only `Number` may answer), `exponent` is the power of ten of the last digit
  // kept. Leading zeros are skipped first.
  let a = 0;
  let r = 0;
  let n = 0;
  let exponent = 0;
  const digitsStart = i;
  while (i < end && b[i] === 48) i++;
  for (; i < end; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    if (n < 9) a = a * 10 + d;
    else if (n < 19) r = r * 10 + d;
    n++;
  }
  let sawDigit = i > digitsStart;
  if (i < end && b[i] === DOT) {
    const fractionStart = ++i;
    if (n === 0) {
      while (i < end && b[i] === 48) i++;
      exponent = fractionStart - i;
    }
    // Eight digits at a time while they fill `a`, are split between `a` and `r`, or fill `r`.
    while (i + 8 <= end && n <= 11) {
      const high = fourDigits(view.getInt32(i, true));
      if (high < 0) break;
      const low = fourDigits(view.getInt32(i + 4, true));
      if (low < 0) break;
      const eight = high * 10000 + low;
      if (n <= 1) a = a * 1e8 + eight;
      else if (n < 9) {
        const scale = POW10[n - 1]; // the last n - 1 of the eight digits go to r
        const top = Math.floor(eight / scale);
        a = a * POW10[9 - n] + top;
        r = eight - top * scale;
      } else r = r * 1e8 + eight;
      n += 8;
      exponent -= 8;
      i += 8;
    }
    for (; i < end; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      if (n < 9) a = a * 10 + d;
      else if (n < 19) r = r * 10 + d;
      if (n < 19) exponent--;
      n++;
    }
    sawDigit ||= i > fractionStart;
  }
  if (!sawDigit) return -1 - i;
  if (i < end && (b[i] === 101 || b[i] === 69)) {
    i++;
    const expNegative = i < end && b[i] === MINUS;
    if (expNegative || (i < end && b[i] === PLUS)) i++;
    let e = 0;
    const expStart = i;
    for (; i < end; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      if (e < 100000) e = e * 10 + d;
    }
    if (i === expStart) return -1 - i;
    exponent += expNegative ? -e : e;
  }
  let v: number;
  if (n <= 15) {
    // The mantissa is exact (< 10^15): Clinger's fast path.
    if (exponent < -22 || exponent > 22) return -1 - i;
    const m = n <= 9 ? a : a * POW10[n - 9] + r;
    v = exponent < 0 ? m / POW10[-exponent] : m * POW10[exponent];
  } else {
    if (n > 19 || exponent < -22 || exponent > 0) return -1 - i;
    v = exactDecimal(a, n - 9, r, -exponent);
    if (v !== v) return -1 - i;
  }
  out[at] = negative ? -v : v;
  return i;
}

/** Values are stored in blocks of up to this many (no copying as the file grows; one copy at the end). */
const MAX_BLOCK = 1 << 16;

export class NumberScanner {
  /** The block being filled (`used` values so far) and the full ones before it. */
  private data = new Float64Array(1 << 10);
  private used = 0;
  private readonly blocks: Float64Array[] = [];
  /** Numbers read so far. */
  count = 0;
  /** Rows with at least one number (mode `rows`). */
  rows = 0;
  /** Numbers per row, from the first row (mode `rows`). */
  width = 0;
  private line = 1;
  /** The start of a token cut by the previous chunk's end (`pendingLength` bytes; 0 if none). */
  private pending = new Uint8Array(64);
  private pendingLength = 0;
  /** Numbers in the current line; commas/semicolons since the last token; line has content; comment line. */
  private inLine = 0;
  private hardSeparators = 0;
  private lineStarted = false;
  private comment = false;

  /** The module once this scanner uses it (null: the JS loop alone), and the bytes fed so far. */
  private wasm: WasmScan | null = null;
  private fed = 0;

  constructor(
    private readonly mode: ScanMode,
    private readonly source: string,
    private readonly engine: ScanEngine = 'auto',
  ) {}

  /** Scans the next chunk of text (tests and small inputs; files go through `feedBytes`). */
  feed(text: string): void {
    this.feedBytes(encoder.encode(text));
  }

  /** Scans the next chunk of UTF-8 bytes; a token or character cut at its end waits for the next chunk. */
  feedBytes(bytes: Uint8Array): void {
    this.fed += bytes.length;
    if (this.wasm === null && (this.engine === 'wasm' || (this.engine === 'auto' && this.fed >= WASM_FROM_BYTES))) this.wasm = wasmScan();
    const wasm = this.wasm;
    if (!wasm) {
      // A plain Uint8Array view (not a Buffer) so every array the parser reads has one map: V8 then
      // keeps one optimized version of it.
      this.scanChunk(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), null);
      return;
    }
    // Through the module's input area, at most INPUT_BYTES at a time (a cut token waits as usual).
    for (let at = 0; at < bytes.length; at += INPUT_BYTES) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + INPUT_BYTES));
      wasm.input.set(piece);
      this.scanChunk(wasm.input.subarray(0, piece.length), wasm);
    }
  }

  private scanChunk(b: Uint8Array, wasm: WasmScan | null): void {
    const view = new DataView(b.buffer, b.byteOffset, b.length);
    const end = b.length;
    let i = 0;
    if (this.pendingLength > 0) {
      while (i < end && SEPARATOR[b[i]] === 0) i++;
      this.appendPending(b, 0, i);
      if (i === end) return;
      this.pendingToken();
    }
    while (i < end) {
      if (wasm !== null && !this.comment) {
        // The module runs until something needs this loop: one byte or token, then back to it.
        i = this.runWasm(wasm, i, end);
        if (i >= end) return;
      }
      const c = b[i];
      if (this.comment) {
        const nl = b.indexOf(NEWLINE, i);
        if (nl < 0) return;
        i = nl;
        this.endLine();
        i++;
        continue;
      }
      if (SEPARATOR[c] === 0) {
        if (c === HASH && !this.lineStarted) {
          this.comment = true;
          continue;
        }
        this.lineStarted = true;
        if (this.used === this.data.length) this.grow();
        const parsed = parseDecimal(b, view, i, end, this.data, this.used);
        let tokenEnd = parsed < 0 ? -1 - parsed : parsed;
        if (tokenEnd === end) {
          this.appendPending(b, i, end);
          return;
        }
        if (parsed >= 0 && SEPARATOR[b[tokenEnd]] !== 0) this.stored();
        else {
          // Not a plain decimal ("0x1F", "1e5x", "NaN") or not decided here: `Number` of the whole token.
          while (tokenEnd < end && SEPARATOR[b[tokenEnd]] === 0) tokenEnd++;
          if (tokenEnd === end) {
            this.appendPending(b, i, end);
            return;
          }
          this.push(this.slowNumber(b, i, tokenEnd));
        }
        i = tokenEnd;
        continue;
      }
      if (c === COMMA || c === SEMICOLON) {
        if (this.hardSeparators > 0 || !this.lineStarted) this.emptyField();
        this.hardSeparators++;
        this.lineStarted = true;
      } else if (c === NEWLINE) {
        this.endLine();
      }
      i++;
    }
  }

  /** Ends the input (a last line without a newline). */
  finish(): void {
    if (this.pendingLength > 0) this.pendingToken();
    this.endLine();
  }

  /** The numbers read, trimmed to their count. */
  values(): Float64Array {
    if (this.blocks.length === 0) return this.data.slice(0, this.used);
    const out = new Float64Array(this.count);
    let at = 0;
    for (const block of this.blocks) {
      out.set(block, at);
      at += block.length;
    }
    out.set(this.data.subarray(0, this.used), at);
    return out;
  }

  private appendPending(b: Uint8Array, from: number, to: number): void {
    const need = this.pendingLength + to - from;
    if (need > this.pending.length) {
      const grown = new Uint8Array(Math.max(need, 2 * this.pending.length));
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    }
    this.pending.set(b.subarray(from, to), this.pendingLength);
    this.pendingLength = need;
  }

  /** One call of the module from b[from], with this scanner's state in and out; returns where it stopped. */
  private runWasm(wasm: WasmScan, from: number, to: number): number {
    const s = wasm.state;
    s[SLOT.inLine] = this.inLine;
    s[SLOT.hard] = this.hardSeparators;
    s[SLOT.started] = this.lineStarted ? 1 : 0;
    s[SLOT.line] = this.line;
    s[SLOT.rows] = this.rows;
    s[SLOT.width] = this.width;
    s[SLOT.written] = 0;
    s[SLOT.mode] = this.mode === 'rows' ? 0 : 1;
    const stop = wasm.scan(from, to);
    this.inLine = s[SLOT.inLine];
    this.hardSeparators = s[SLOT.hard];
    this.lineStarted = s[SLOT.started] !== 0;
    this.line = s[SLOT.line];
    this.rows = s[SLOT.rows];
    this.width = s[SLOT.width];
    const written = s[SLOT.written];
    for (let k = 0; k < written; ) {
      if (this.used === this.data.length) this.grow();
      const take = Math.min(written - k, this.data.length - this.used);
      this.data.set(wasm.out.subarray(k, k + take), this.used);
      this.used += take;
      k += take;
    }
    this.count += written;
    return stop;
  }

  /** Parses the completed pending token. */
  private pendingToken(): void {
    const t = this.pending;
    const len = this.pendingLength;
    this.pendingLength = 0;
    if (this.used === this.data.length) this.grow();
    if (parseDecimal(t, new DataView(t.buffer, t.byteOffset, len), 0, len, this.data, this.used) === len) this.stored();
    else this.push(this.slowNumber(t, 0, len));
  }

  private emptyField(): void {
    if (this.mode === 'rows') throw new Error(`${this.source}:${this.line}: "" is not a number`);
  }

  /** Stores one token's value (from `Number`). */
  private push(v: number): void {
    if (this.used === this.data.length) this.grow();
    this.data[this.used] = v;
    this.stored();
  }

  /** Counts the value just written at data[used], with the bookkeeping of a number in a line. */
  private stored(): void {
    const v = this.data[this.used++];
    this.count++;
    this.hardSeparators = 0;
    this.inLine++;
    if (this.mode === 'distances' && v < 0) throw new Error(`${this.source}:${this.line}: negative distance ${v}`);
  }

  /** Starts a new block (each twice the last, up to MAX_BLOCK values). */
  private grow(): void {
    this.blocks.push(this.data);
    this.data = new Float64Array(Math.min(2 * this.data.length, MAX_BLOCK));
    this.used = 0;
  }

  /** `Number` of the token b[from, to) decoded, with the readers' error messages. */
  private slowNumber(b: Uint8Array, from: number, to: number): number {
    const text = decoder.decode(b.subarray(from, to));
    const v = Number(text);
    if (Number.isFinite(v)) return v;
    if (/^[+-]?(nan|inf(inity)?)$/i.test(text)) throw new Error(`${this.source}:${this.line}: value "${text}" is not a finite number`);
    throw new Error(`${this.source}:${this.line}: "${text}" is not a number`);
  }

  private endLine(): void {
    if (this.hardSeparators > 0 && this.inLine > 0) this.emptyField(); // trailing separator
    if (this.mode === 'rows' && this.inLine > 0) {
      if (this.rows === 0) this.width = this.inLine;
      else if (this.inLine !== this.width) {
        throw new Error(`${this.source}:${this.line}: ragged rows: this row has ${this.inLine} values, the first row has ${this.width}`);
      }
      this.rows++;
    }
    this.line++;
    this.inLine = 0;
    this.hardSeparators = 0;
    this.lineStarted = false;
    this.comment = false;
  }
}
