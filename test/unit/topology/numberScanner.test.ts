/** The streaming number scanner behind the CLI's file readers: exact values, any chunking, clear errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NumberScanner, type ScanEngine, type ScanMode } from '../../../analysis/cli/commands/numberScanner';
import { wasmScan } from '../../../analysis/cli/commands/wasmNumberScan';
import { parseLowerDistance, parsePointCloud, readLowerDistance, readPointCloud } from '../../../analysis/cli/commands/inputFormats';
import { mulberry32 } from '../../../analysis/linalg/random';
import { exactDecimal } from '../../../analysis/cli/commands/decimalToDouble';

/** Both scanning engines: the WebAssembly module with the JS loop for the rest, and the JS loop alone. */
const ENGINES: readonly ScanEngine[] = ['wasm', 'js'];

function scan(chunks: string[], mode: ScanMode = 'rows', engine: ScanEngine = 'wasm', source = 'src'): NumberScanner {
  const s = new NumberScanner(mode, source, engine);
  for (const c of chunks) s.feed(c);
  s.finish();
  return s;
}

/** Random numbers written the ways data files write them: shortest round trip, fixed, exponent, integers. */
function sampleTokens(count: number, seed: number): string[] {
  const rnd = mulberry32(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12 - 6);
    switch (i % 6) {
      case 0: out.push(String(x)); break;
      case 1: out.push(x.toFixed(Math.floor(rnd() * 10))); break;
      case 2: out.push(x.toExponential(Math.floor(rnd() * 17))); break;
      case 3: out.push(String(Math.round(x * 1000))); break;
      case 4: out.push(x.toPrecision(1 + Math.floor(rnd() * 20))); break;
      default: out.push(`${rnd() < 0.5 ? '+' : '-'}${Math.abs(x * 1e3).toFixed(3).replace(/^0\./, '.')}E${Math.floor(rnd() * 40 - 20)}`);
    }
  }
  return out;
}

test('every value is bit for bit Number(token) (fast path and fallback alike)', () => {
  const tokens = [...sampleTokens(20000, 1), '0', '-0', '1e22', '1e23', '123456789012345', '1234567890123456789', '.5', '5.', '0x1F', '4.9e-324', '1.7976931348623157e308', '0.000000000000000000000001'];
  for (const engine of ENGINES) {
    const s = scan([tokens.join('\n')], 'rows', engine);
    assert.equal(s.count, tokens.length);
    const v = s.values();
    tokens.forEach((t, i) => assert.ok(Object.is(v[i], Number(t)), `${engine}: ${t}: ${v[i]} vs ${Number(t)}`));
  }
});

/** Every token scanned (one per line) is Object.is-equal to Number(token). */
function assertLikeNumber(tokens: string[]): void {
  for (const engine of ENGINES) {
    const v = scan([tokens.join('\n')], 'rows', engine).values();
    assert.equal(v.length, tokens.length);
    tokens.forEach((t, i) => {
      if (!Object.is(v[i], Number(t))) assert.fail(`${engine}: ${t}: ${v[i]} vs Number: ${Number(t)}`);
    });
  }
}

/** A random string of `len` decimal digits, the first one non-zero. */
function digitString(rnd: () => number, len: number): string {
  let s = String(1 + Math.floor(rnd() * 9));
  while (s.length < len) s += String(Math.floor(rnd() * 10));
  return s;
}

test('16-19 significant digits (round-trip output, %.17g, %.18e, any decimal point and exponent) are exact', () => {
  const rnd = mulberry32(11);
  const tokens: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 24 - 12);
    tokens.push(String(x), x.toPrecision(17), x.toPrecision(16), x.toExponential(18), (-x).toPrecision(19));
    // arbitrary decimals: 16-19 digits, the point anywhere, sometimes an exponent
    const digits = digitString(rnd, 16 + Math.floor(rnd() * 4));
    const point = Math.floor(rnd() * (digits.length + 1));
    const lead = rnd() < 0.3 ? `0.${'0'.repeat(Math.floor(rnd() * 6))}` : '';
    const body = lead ? `${lead}${digits}` : `${digits.slice(0, point)}.${digits.slice(point)}`;
    tokens.push(rnd() < 0.3 ? `${body}e${Math.floor(rnd() * 12 - 8)}` : body);
  }
  assertLikeNumber(tokens);
});

/** Decimal text of the BigInt m / 10^s. */
function decimalText(m: bigint, s: number): string {
  if (s === 0) return m.toString();
  const t = m.toString().padStart(s + 1, '0');
  return `${t.slice(0, -s)}.${t.slice(-s)}`;
}

test('halfway cases and their neighbours round like Number (ties to even), in every written form', () => {
  const rnd = mulberry32(12);
  const tokens: string[] = [];
  for (let e = 50; e <= 63; e++) {
    for (let trial = 0; trial < 300; trial++) {
      // x = M 2^(e-52) with M in [2^52, 2^53); the midpoint to the next double is (2M + 1) 2^(e-53)
      const M = (1n << 52n) + BigInt(Math.floor(rnd() * 2 ** 26)) * (1n << 26n) + BigInt(Math.floor(rnd() * 2 ** 26));
      const twice = 2n * M + 1n;
      const shift = e - 53;
      // e < 53: the midpoint has 53 - e binary fraction digits, i.e. as many decimal ones (times 5^s)
      const [m, s] = shift >= 0 ? [twice << BigInt(shift), 0] : [twice * 5n ** BigInt(-shift), -shift];
      for (const k of [m, m - 1n, m + 1n]) {
        const text = decimalText(k, s);
        const digits = k.toString();
        tokens.push(text, `-${text}`, `${digits[0]}.${digits.slice(1)}e${digits.length - 1 - s}`);
      }
    }
  }
  // ties written with few digits: 2^53 + 1, + 3 (round to even: down, up), and halves in [2^52, 2^53)
  tokens.push('9007199254740993', '9007199254740995', '4503599627370496.5', '4503599627370497.5', '9007199254740993.0');
  assertLikeNumber(tokens);
});

test('exponents at and past the exact range, subnormals, extremes and long zero runs match Number', () => {
  const tokens = [
    '1.2345678901234567e-5', '1.2345678901234567e-6', '1.2345678901234567e-7', '1.2345678901234567e-25',
    '123456789012345678e-22', '1234567890123456789e-22', '12345678901234567e5', '1234567890123456789e3',
    '0.000000000000000000001234567890123456', '4.9e-324', '5e-324', '2.4703282292062328e-324',
    '2.2250738585072014e-308', '2.225073858507201e-308', '1.7976931348623157e308', '1.7976931348623158e308',
    '1.00000000000000000000', '100000000000000000000', '0.10000000000000000555', '9999999999999999999',
    '99999999999999999999', '-0.0000000000000000', '00000000000000000001.5', '1e22', '1e23', '8.5e-22',
  ];
  assertLikeNumber(tokens);
});

test('the exact 16-19 digit method decides all but a tiny fraction itself and is never wrong', () => {
  const rnd = mulberry32(13);
  let undecided = 0;
  const trials = 100000;
  for (let t = 0; t < trials; t++) {
    const j = 7 + Math.floor(rnd() * 4); // 16..19 digits in all
    const a = 100000000 + Math.floor(rnd() * 900000000);
    const p = Math.floor(rnd() * 23);
    // A last digit other than 0 and 5 with p >= 1: w / 10^p is no dyadic rational, so no tie; the
    // method must decide it (exact ties, p = 0, are left to Number and tested above).
    let r = Math.floor(rnd() * 10 ** j);
    if (p > 0 && r % 5 === 0) r += 1;
    const v = exactDecimal(a, j, r, p);
    const text = `${a}${String(r).padStart(j, '0')}e-${p}`;
    if (Number.isNaN(v)) {
      if (p > 0) undecided++;
      continue;
    }
    if (!Object.is(v, Number(text))) assert.fail(`${text}: ${v} vs Number: ${Number(text)}`);
  }
  assert.ok(undecided < trials / 10000, `${undecided} of ${trials} non-ties left to Number`);
  // an exact tie (2^53 + 1) is always left to Number's round-half-even
  assert.ok(Number.isNaN(exactDecimal(900719925, 7, 4740993, 0)));
});

test('any chunking gives the same numbers, rows and widths (tokens and lines cut anywhere)', () => {
  const rnd = mulberry32(7);
  const tokens = sampleTokens(600, 2);
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) lines.push(tokens.slice(3 * i, 3 * i + 3).join([',', ' , ', '\t', ';', '  '][i % 5]));
  const text = `# header comment\n${lines.join('\r\n')}\n\n   \n# trailing comment`;
  const whole = scan([text], 'rows', 'js');
  assert.equal(whole.rows, 200);
  assert.equal(whole.width, 3);
  for (const engine of ENGINES) {
    for (let trial = 0; trial < 20; trial++) {
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        const len = trial === 0 ? text.length : trial === 1 ? 1 : 1 + Math.floor(rnd() * 40);
        chunks.push(text.slice(at, at + len));
        at += len;
      }
      const s = scan(chunks, 'rows', engine);
      assert.deepStrictEqual([s.rows, s.width], [200, 3]);
      assert.deepStrictEqual(s.values(), whole.values());
    }
  }
});

test('auto switches to the module once 64 KiB have come in, mid-stream, with the same numbers', () => {
  const rnd = mulberry32(22);
  const text = `${Array.from({ length: 4000 }, () => Array.from({ length: 5 }, () => String(rnd() - 0.5)).join(',')).join('\n')}\n`;
  assert.ok(text.length > 3 * 65536);
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += 999) chunks.push(text.slice(at, at + 999));
  const auto = scan(chunks, 'rows', 'auto');
  const js = scan(chunks, 'rows', 'js');
  assert.deepStrictEqual([auto.rows, auto.width], [4000, 5]);
  assert.deepStrictEqual(auto.values(), js.values());
});

test('separators and errors match the documented format (both engines)', () => {
  assert.deepStrictEqual(Array.from(parsePointCloud('1 2\n 3 ,4 \n').data), [1, 2, 3, 4]);
  assert.deepStrictEqual(Array.from(parseLowerDistance('1,\n2,,3\n').data), [1, 2, 3]);
  for (const engine of ENGINES) {
    const rows = (text: string) => () => scan([text], 'rows', engine, 'f.csv');
    const distances = (text: string) => () => scan([text], 'distances', engine, 'm.ldm');
    assert.deepStrictEqual(Array.from(scan(['1 2\n 3 ,4 \n'], 'rows', engine).values()), [1, 2, 3, 4]);
    assert.throws(rows('1,,2\n'), /^Error: f\.csv:1: "" is not a number$/);
    assert.throws(rows(',1,2\n'), /^Error: f\.csv:1: "" is not a number$/);
    assert.throws(rows('1,2\n3,4,\n'), /f\.csv:2: "" is not a number/);
    assert.throws(rows('1,2\n3,4\n5\n'), /f\.csv:3: ragged rows: this row has 1 values, the first row has 2/);
    assert.throws(rows('1,2\n3,4\n5,6,7\n'), /f\.csv:3: ragged rows: this row has 3 values, the first row has 2/);
    assert.throws(rows('1,2\n-inf,4\n'), /f\.csv:2: value "-inf" is not a finite number/);
    assert.throws(rows('1,2\n1e,4\n'), /f\.csv:2: "1e" is not a number/);
    assert.throws(rows('1,2\n3,4x\n'), /f\.csv:2: "4x" is not a number/);
    // Lower-distance: any separators, empty fields skipped, negatives named with their line.
    assert.deepStrictEqual(Array.from(scan(['1,\n2,,3\n;4'], 'distances', engine).values()), [1, 2, 3, 4]);
    assert.throws(distances('1\n2 -3\n'), /m\.ldm:2: negative distance -3/);
  }
});

test('the WebAssembly scanner leaves every unusual byte to the JS loop and agrees with it exactly', () => {
  assert.ok(wasmScan(), 'the module compiles on this engine');
  const rnd = mulberry32(21);
  const odd = ['0x1F', '1e5', '+.5', '-0', '5.', '.5e-3', '12345678901234567890123', '1.2345678901234567e-30', '0.000000001', 'Infinity', '1E+2', '١٢'];
  const lines: string[] = ['# header', '', '  ; 1', '\t2 ;3'];
  for (let i = 0; i < 3000; i++) {
    const x = rnd() * 10 ** Math.floor(rnd() * 10 - 5); // distances: non-negative
    const token = rnd() < 0.05 ? odd[Math.floor(rnd() * odd.length)] : rnd() < 0.5 ? String(x) : x.toFixed(Math.floor(rnd() * 20));
    const sep = [',', ', ', ' ', '\t', ';', ',,', '\r\n', '\n', '\n# comment\n', '\n\n'][Math.floor(rnd() * 10)];
    lines.push(token, sep);
  }
  const text = lines.join('');
  const outcome = (engine: ScanEngine, chunks: string[]): string => {
    try {
      return Array.from(scan(chunks, 'distances', engine).values(), (v) => (Object.is(v, -0) ? '-0' : String(v))).join(' ');
    } catch (e) {
      return (e as Error).message;
    }
  };
  // "Infinity" and the Arabic-Indic digits stop the scan with the same error in both engines
  const reference = outcome('js', [text]);
  for (let trial = 0; trial < 10; trial++) {
    const chunks: string[] = [];
    for (let at = 0; at < text.length; ) {
      const len = trial === 0 ? text.length : 1 + Math.floor(rnd() * 200);
      chunks.push(text.slice(at, at + len));
      at += len;
    }
    assert.equal(outcome('wasm', chunks), reference, `chunking ${trial}`);
  }
  const clean = text.replace(/Infinity|١٢/g, '7');
  const values = outcome('js', [clean]);
  assert.ok(values.split(' ').length > 2900, 'the cleaned text scans through');
  assert.equal(outcome('wasm', [clean]), values);
});

test('file readers stream large files in chunks and agree with the text parsers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'topolens-scan-'));
  try {
    const rnd = mulberry32(3);
    const rows: string[] = [];
    // ~2.6 MB: several 1 MiB chunks, so tokens and lines straddle chunk ends.
    for (let i = 0; i < 20000; i++) rows.push(Array.from({ length: 7 }, () => String(rnd() - 0.5)).join(','));
    const text = `${rows.join('\n')}\n`;
    writeFileSync(join(dir, 'big.csv'), text);
    const fromFile = readPointCloud(join(dir, 'big.csv'));
    const fromText = parsePointCloud(text);
    assert.deepStrictEqual([fromFile.n, fromFile.d], [20000, 7]);
    assert.deepStrictEqual(fromFile.data, fromText.data);
    writeFileSync(join(dir, 'm.lower_distance_matrix'), '1\n2 3\n4,5,6 ');
    assert.deepStrictEqual(readLowerDistance(join(dir, 'm.lower_distance_matrix')), { data: Float64Array.from([1, 2, 3, 4, 5, 6]), n: 4 });
    assert.throws(() => readPointCloud(join(dir, 'missing.csv')), /missing\.csv: cannot read file \(ENOENT\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
