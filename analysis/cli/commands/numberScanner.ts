/**
 * A scanner for numeric text files (point clouds, distance matrices), fed in text chunks of any size
 * (the file readers decode 1 MiB at a time): numbers go straight into one growable Float64Array, with
 * no per-line string, array or regex; characters are read with charCodeAt.
 *
 * Tokens are separated by commas, semicolons or whitespace; within a line, runs of whitespace around
 * one comma count as one separator, and an empty field ("1,,2", a trailing comma) is an error in a
 * point cloud and skipped in a lower-distance matrix (Ripser reads any separators there). Lines whose
 * first non-blank character is `#` are comments.
 *
 * Numbers: a token of at most 15 significant digits and a decimal exponent within +-22 is converted
 * exactly here (m * 10^e or m / 10^e with both operands exact is correctly rounded: Clinger's fast
 * path); anything else (17-digit shortest round-trip output, hex, "NaN") is decoded and given to
 * `Number`, so every value is bit for bit what `Number(token)` gives.
 */

/** `rows`: one point per line, all of one width. `distances`: a flat sequence of non-negative numbers. */
export type ScanMode = 'rows' | 'distances';

const COMMA = 44;
const SEMICOLON = 59;
const HASH = 35;
const NEWLINE = 10;

/** Exact powers of ten 10^0 .. 10^22 (the largest exact in float64). */
const POW10 = Float64Array.from({ length: 23 }, (_, i) => 10 ** i);

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

export class NumberScanner {
  private data = new Float64Array(1 << 12);
  /** Numbers read so far. */
  count = 0;
  /** Rows with at least one number (mode `rows`). */
  rows = 0;
  /** Numbers per row, from the first row (mode `rows`). */
  width = 0;
  private line = 1;
  /** Start of a token cut by the previous chunk's end ('' if none). */
  private pending = '';
  /** Numbers in the current line; commas/semicolons since the last token; line has content; comment line. */
  private inLine = 0;
  private hardSeparators = 0;
  private lineStarted = false;
  private comment = false;

  constructor(
    private readonly mode: ScanMode,
    private readonly source: string,
  ) {}

  /** Scans the next chunk of text. */
  feed(text: string): void {
    const end = text.length;
    let tokenStart = this.pending === '' ? -1 : 0;
    for (let i = 0; i < end; i++) {
      const c = text.charCodeAt(i);
      if (this.comment) {
        if (c === NEWLINE) this.endLine();
        continue;
      }
      if (!(c === COMMA || c === SEMICOLON || c === NEWLINE || isSpace(c))) {
        if (tokenStart < 0) {
          if (c === HASH && !this.lineStarted) {
            this.comment = true;
            continue;
          }
          tokenStart = i;
          this.lineStarted = true;
        }
        continue;
      }
      if (tokenStart >= 0) {
        this.endToken(text, tokenStart, i);
        tokenStart = -1;
      }
      if (c === COMMA || c === SEMICOLON) {
        if (this.hardSeparators > 0 || !this.lineStarted) this.emptyField();
        this.hardSeparators++;
        this.lineStarted = true;
      } else if (c === NEWLINE) {
        this.endLine();
      }
    }
    if (tokenStart >= 0) this.pending += text.slice(tokenStart);
  }

  /** Ends the input (a last line without a newline). */
  finish(): void {
    if (this.pending !== '') this.endToken('', 0, 0);
    this.endLine();
  }

  /** The numbers read, trimmed to their count. */
  values(): Float64Array {
    return this.data.slice(0, this.count);
  }

  private emptyField(): void {
    if (this.mode === 'rows') throw new Error(`${this.source}:${this.line}: "" is not a number`);
  }

  /** Ends the token text[from, to), preceded by the pending start of it from earlier chunks, if any. */
  private endToken(text: string, from: number, to: number): void {
    let v: number;
    if (this.pending === '') v = parseNumber(text, from, to, this.source, this.line);
    else {
      const token = this.pending + text.slice(from, to);
      this.pending = '';
      v = parseNumber(token, 0, token.length, this.source, this.line);
    }
    this.hardSeparators = 0;
    if (this.mode === 'distances' && v < 0) throw new Error(`${this.source}:${this.line}: negative distance ${v}`);
    if (this.count === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.count++] = v;
    this.inLine++;
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

/** The value of the token t[from, to): exactly here when the fast path applies, else through `Number`. */
function parseNumber(t: string, from: number, to: number, source: string, line: number): number {
  let i = from;
  let negative = false;
  if (t.charCodeAt(i) === 45 || t.charCodeAt(i) === 43) {
    negative = t.charCodeAt(i) === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0; // significant digits in the mantissa
  let exponent = 0;
  let sawDigit = false;
  let ok = true;
  for (; i < to; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    sawDigit = true;
    if (mantissa !== 0 || d !== 0) digits++;
    mantissa = mantissa * 10 + d;
  }
  if (i < to && t.charCodeAt(i) === 46) {
    for (i++; i < to; i++) {
      const d = t.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      sawDigit = true;
      if (mantissa !== 0 || d !== 0) digits++;
      mantissa = mantissa * 10 + d;
      exponent--;
    }
  }
  if (i < to && (t.charCodeAt(i) === 101 || t.charCodeAt(i) === 69) && sawDigit) {
    i++;
    let expNegative = false;
    if (i < to && (t.charCodeAt(i) === 45 || t.charCodeAt(i) === 43)) {
      expNegative = t.charCodeAt(i) === 45;
      i++;
    }
    let e = 0;
    const expStart = i;
    for (; i < to; i++) {
      const d = t.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      if (e < 100000) e = e * 10 + d;
    }
    if (i === expStart) ok = false;
    exponent += expNegative ? -e : e;
  }
  if (ok && sawDigit && i === to && digits <= 15 && exponent >= -22 && exponent <= 22) {
    const v = exponent < 0 ? mantissa / POW10[-exponent] : mantissa * POW10[exponent];
    return negative ? -v : v;
  }
  return slowNumber(t, from, to, source, line);
}

/** `Number` of the token's text, with the readers' error messages. */
function slowNumber(t: string, from: number, to: number, source: string, line: number): number {
  const text = t.slice(from, to);
  const v = Number(text);
  if (Number.isFinite(v)) return v;
  if (/^[+-]?(nan|inf(inity)?)$/i.test(text)) throw new Error(`${source}:${line}: value "${text}" is not a finite number`);
  throw new Error(`${source}:${line}: "${text}" is not a number`);
}
