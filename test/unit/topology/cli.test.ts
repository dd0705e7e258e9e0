/** The `ph` and `mapper` commands: golden inputs end to end, and one clear error per malformed input. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerPhCommand, runPh } from '../../../analysis/cli/commands/ph';
import { registerMapperCommand, runMapper } from '../../../analysis/cli/commands/mapper';
import { GOLDEN_DIR, RIPS_CASES, goldenRipsAnswer } from './goldenFiles';

const dir = mkdtempSync(join(tmpdir(), 'topolens-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const defaults = { dim: 1, metric: 'euclidean' as const, format: 'json' as const, modulus: 2 };

test('ph reproduces every golden barcode from its input file (lower-distance detected by extension)', () => {
  for (const c of RIPS_CASES) assert.deepStrictEqual(JSON.parse(runPh(join(GOLDEN_DIR, c.input), defaults)), goldenRipsAnswer(c.name));
  const full = runPh(join(GOLDEN_DIR, 'dm20_int_ties.full.csv'), defaults);
  assert.deepStrictEqual(JSON.parse(full), goldenRipsAnswer('dm20_int_ties'));
});

test('ph formats: ripser text and bars with representatives', () => {
  const input = join(GOLDEN_DIR, 'circle30_r2.csv');
  const text = runPh(input, { ...defaults, format: 'ripser' });
  assert.match(text, /^persistence intervals in dim 0:\n/);
  assert.match(text, /persistence intervals in dim 1:\n \[0\.83747037316349\d*,1\.749554952894\d*\)\n$/);
  const bars = JSON.parse(runPh(input, { ...defaults, format: 'bars' })) as Array<{ dim: number; death: number | null; birthSimplex: number[]; deathSimplex: number[] }>;
  const loop = bars.find((b) => b.dim === 1)!;
  assert.equal(loop.birthSimplex.length, 2);
  assert.equal(loop.deathSimplex.length, 3);
  assert.equal(bars.filter((b) => b.death === null).length, 1);
});

test('ph rejects malformed input with one clear message naming the file', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['ragged.csv', '1,2\n3\n', /ragged\.csv:2: ragged rows/],
    ['nan.csv', '1,2\nNaN,3\n', /nan\.csv:2: value "NaN" is not a finite number/],
    ['alpha.csv', '1,2\nx,3\n', /alpha\.csv:2: "x" is not a number/],
    ['empty.csv', '', /empty\.csv: no points/],
    ['asym.full.csv', '0,1\n2,0\n', /asym\.full\.csv: asymmetric matrix/],
    ['diag.full.csv', '1,1\n1,0\n', /diagonal entry \(0, 0\) is 1/],
    ['bad.lower_distance_matrix', '1\n2,3\n4,5,6\n7\n', /7 distances is not n\(n-1\)\/2/],
  ];
  for (const [name, text, re] of cases) {
    assert.throws(() => runPh(file(name, text), defaults), (e: Error) => re.test(e.message) && !e.message.includes('\n'));
  }
  assert.throws(() => runPh(join(dir, 'missing.csv'), defaults), /missing\.csv: cannot read file/);
  assert.throws(() => runPh(join(GOLDEN_DIR, 'dm20_random.lower_distance_matrix'), { ...defaults, metric: 'cosine' }), /point clouds only/);
  assert.throws(() => runPh(file('x.csv', '0\n1\n'), { ...defaults, inputFormat: 'matrix' }), /--input-format: unknown format "matrix"/);
});

test('commands register on a commander program and write to stdout', async () => {
  const program = new Command('topolens').exitOverride();
  registerPhCommand(program);
  registerMapperCommand(program);
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    chunks.push(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'topolens', 'ph', '--dim', '1', join(GOLDEN_DIR, 'dm20_int_ties.lower_distance_matrix')]);
  } finally {
    process.stdout.write = write;
  }
  assert.deepStrictEqual(JSON.parse(chunks.join('')), goldenRipsAnswer('dm20_int_ties'));
  await assert.rejects(program.parseAsync(['node', 'topolens', 'ph', '--metric', 'manhattan', 'x.csv']), /--metric manhattan: expected one of euclidean, cosine/);
});

test('mapper command: a Y-shaped cloud gives a tree with three leaves; bad options are explained', () => {
  const rows: string[] = [];
  const arms = [0, (2 * Math.PI) / 3, (4 * Math.PI) / 3];
  for (let i = 0; i < 600; i++) {
    const a = arms[i % 3];
    const r = (Math.floor(i / 3) / 200) * 2;
    rows.push(`${r * Math.cos(a)},${r * Math.sin(a)},0`);
  }
  const input = file('y.csv', rows.join('\n'));
  const opts = {
    pca: 2,
    lens: 'norm',
    color: 'index',
    cover: 'keplermapper-1.1' as const,
    intervals: 10,
    overlap: 0.5,
    cluster: 'single-linkage' as const,
    eps: 0.1,
    minSamples: 2,
    cut: 0.1,
    minIntersection: 1,
    seed: 0,
  };
  const g = runMapper(input, opts);
  assert.ok(g.shape.isTree);
  assert.equal(g.shape.leaves.length, 3);
  assert.ok(g.nodes.every((n) => n.color !== undefined));
  assert.throws(() => runMapper(input, { ...opts, cut: undefined }), /needs --cut/);
  assert.throws(() => runMapper(input, { ...opts, lens: 'pca:7' }), /component 7 out of range/);
  assert.throws(() => runMapper(input, { ...opts, lens: 'height' }), /expected norm, index, pca:J or file:PATH/);
  assert.throws(() => runMapper(input, { ...opts, lens: `file:${file('short.csv', '1\n2\n')}` }), /2 values for 600 points/);
});
