/** Helpers shared by the topology tests: locating and loading ../shared/golden. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLowerDistance, parsePointCloud } from '../../../analysis/cli/commands/inputFormats';
import type { RipsInput } from '../../../analysis/topology/rips';
import type { RipserJson } from '../../../analysis/topology/convert';

/** A copy of ../shared/golden lives in the repo (test/fixtures/golden) so a clean clone tests itself. */
export const GOLDEN_DIR = process.env.TOPOLENS_GOLDEN_DIR ?? join(__dirname, '..', '..', 'fixtures', 'golden');

export const RIPS_CASES = [
  { name: 'circle30_r2', input: 'circle30_r2.csv' },
  { name: 'two_circles60_r2', input: 'two_circles60_r2.csv' },
  { name: 'gauss100_r5', input: 'gauss100_r5.csv' },
  { name: 'dm20_random', input: 'dm20_random.lower_distance_matrix' },
  { name: 'dm20_int_ties', input: 'dm20_int_ties.lower_distance_matrix' },
] as const;

export function goldenText(file: string): string {
  return readFileSync(join(GOLDEN_DIR, file), 'utf8');
}

export function goldenRipsInput(file: string): RipsInput {
  const text = goldenText(file);
  if (file.endsWith('.lower_distance_matrix')) {
    const m = parseLowerDistance(text, file);
    return { kind: 'condensed', data: m.data, n: m.n };
  }
  const pc = parsePointCloud(text, file);
  return { kind: 'points', data: pc.data, n: pc.n, d: pc.d };
}

export function goldenRipsAnswer(name: string): RipserJson {
  return JSON.parse(goldenText(`${name}.ripser.json`)) as RipserJson;
}
