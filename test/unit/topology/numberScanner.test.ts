/** The streaming number scanner behind the CLI's file readers: exact values, any chunking, clear errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NumberScanner, type ScanMode } from '../../../analysis/cli/commands/numberScanner';
import { parseLowerDistance, parsePointCloud, readLowerDistance, readPointCloud } from '../../../analysis/cli/commands/inputFormats';
import { mulberry32 } from '../../../analysis/linalg/random';

function scan(chunks: string[], mode: ScanMode = 'rows'): NumberScanner {
  const s = new NumberScanner(mode, 'src');
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
  const s = scan([tokens.join('\n')]);
  assert.equal(s.count, tokens.length);
  const v = s.values();
  tokens.forEach((t, i) => assert.ok(Object.is(v[i], Number(t)), `${t}: ${v[i]} vs ${Number(t)}`));
});

test('any chunking gives the same numbers, rows and widths (tokens and lines cut anywhere)', () => {
  const rnd = mulberry32(7);
  const tokens = sampleTokens(600, 2);
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) lines.push(tokens.slice(3 * i, 3 * i + 3).join([',', ' , ', '\t', ';', '  '][i % 5]));
  const text = `# header comment\n${lines.join('\r\n')}\n\n   \n# trailing comment`;
  const whole = scan([text]);
  assert.equal(whole.rows, 200);
  assert.equal(whole.width, 3);
  for (let trial = 0; trial < 20; trial++) {
    const chunks: string[] = [];
    for (let at = 0; at < text.length; ) {
      const len = trial === 0 ? 1 : 1 + Math.floor(rnd() * 40);
      chunks.push(text.slice(at, at + len));
      at += len;
    }
    const s = scan(chunks);
    assert.deepStrictEqual([s.rows, s.width], [200, 3]);
    assert.deepStrictEqual(s.values(), whole.values());
  }
});

test('separators and errors match the documented format', () => {
  assert.deepStrictEqual(Array.from(parsePointCloud('1 2\n 3 ,4 \n').data), [1, 2, 3, 4]);
  assert.throws(() => parsePointCloud('1,,2\n', 'f.csv'), /^Error: f\.csv:1: "" is not a number$/);
  assert.throws(() => parsePointCloud('1,2\n3,4,\n', 'f.csv'), /f\.csv:2: "" is not a number/);
  assert.throws(() => parsePointCloud('1,2\n3,4\n5\n', 'f.csv'), /f\.csv:3: ragged rows: this row has 1 values, the first row has 2/);
  assert.throws(() => parsePointCloud('1,2\n-inf,4\n', 'f.csv'), /f\.csv:2: value "-inf" is not a finite number/);
  assert.throws(() => parsePointCloud('1,2\n1e,4\n', 'f.csv'), /f\.csv:2: "1e" is not a number/);
  // Lower-distance: any separators, empty fields skipped, negatives named with their line.
  assert.deepStrictEqual(Array.from(parseLowerDistance('1,\n2,,3\n').data), [1, 2, 3]);
  assert.throws(() => parseLowerDistance('1\n2 -3\n', 'm.ldm'), /m\.ldm:2: negative distance -3/);
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
