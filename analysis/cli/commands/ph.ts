/**
 * `topolens ph INPUT`: Vietoris-Rips persistence of a point cloud CSV or a distance matrix, printed as
 * the golden JSON form (`{"dim0": [[birth, death|null], ...], ...}`, sorted, zero-length bars omitted),
 * Ripser's text form, or every bar with its representative simplices.
 */
import type { Command } from 'commander';
import { ripsPersistence } from '../../topology/rips';
import { toRipserJson } from '../../topology/convert';
import { sortBars, type PersistenceBar } from '../../topology/diagram';
import { INPUT_FORMATS } from './inputFormats';
import { parseChoice, parseIntOption, parseNumberOption, readRipsInput } from './topologyOptions';

type PhFormat = 'json' | 'ripser' | 'bars';

interface PhOptions {
  dim: number;
  threshold?: number;
  metric: 'euclidean' | 'cosine';
  format: PhFormat;
  inputFormat?: string;
  modulus: number;
  threads?: number;
}

/** Ripser's console form: one section per dimension, `[birth,death)` or `[birth, )` per bar. */
export function formatRipserText(bars: readonly PersistenceBar[], maxDim: number): string {
  const lines: string[] = [];
  for (let d = 0; d <= maxDim; d++) {
    lines.push(`persistence intervals in dim ${d}:`);
    for (const b of sortBars(bars)) {
      if (b.dim !== d || !(b.death > b.birth)) continue;
      lines.push(b.death === Infinity ? ` [${b.birth}, )` : ` [${b.birth},${b.death})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Every bar with its representative simplices (`null` for infinite deaths). */
export function formatBarsJson(bars: readonly PersistenceBar[]): string {
  return `${JSON.stringify(sortBars(bars).map((b) => ({ ...b, death: b.death === Infinity ? null : b.death })))}\n`;
}

export function runPh(path: string, opts: PhOptions): string {
  const { input } = readRipsInput(path, opts.inputFormat);
  if (input.kind === 'condensed' && opts.metric !== 'euclidean') {
    throw new Error(`--metric ${opts.metric}: applies to point clouds only; ${path} is a distance matrix`);
  }
  const bars = ripsPersistence(input, {
    maxDim: opts.dim,
    threshold: opts.threshold,
    metric: input.kind === 'points' ? opts.metric : undefined,
    modulus: opts.modulus,
    threads: opts.threads,
  });
  if (opts.format === 'ripser') return formatRipserText(bars, opts.dim);
  if (opts.format === 'bars') return formatBarsJson(bars);
  return `${JSON.stringify(toRipserJson(bars, opts.dim))}\n`;
}

export function registerPhCommand(program: Command): void {
  program
    .command('ph')
    .description('Vietoris-Rips persistent homology (Ripser algorithm) of a point cloud or distance matrix')
    .argument('<input>', 'point cloud CSV (one point per line), Ripser lower-distance file (.lower_distance_matrix) or full matrix (.full.csv)')
    .option('--dim <d>', 'highest homology dimension', parseIntOption('--dim', 0), 1)
    .option('--threshold <t>', 'only simplices of diameter <= t (default: enclosing radius, as Ripser)', parseNumberOption('--threshold', 0))
    .option('--metric <metric>', 'point-cloud metric: euclidean or cosine', parseChoice('--metric', ['euclidean', 'cosine'] as const), 'euclidean')
    .option('--format <format>', 'json (golden form), ripser (text), or bars (with representatives)', parseChoice('--format', ['json', 'ripser', 'bars'] as const), 'json')
    .option('--input-format <format>', `input format: ${INPUT_FORMATS.join(', ')} (default: from the file name)`)
    .option('--modulus <p>', 'coefficients in Z/p (p prime)', parseIntOption('--modulus', 2), 2)
    .option('--threads <n>', 'threads for dimensions >= 2 (default: the cores available, at most 4); the barcode is the same for any count', parseIntOption('--threads', 1))
    .action((input: string, opts: PhOptions) => {
      process.stdout.write(runPh(input, opts));
    });
}
