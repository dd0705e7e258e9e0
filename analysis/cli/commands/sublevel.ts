/**
 * `topolens sublevel SAMPLES.csv --knn 6`: SPEC B step 5 on its own, for any sampled function. Each row is
 * a sample, its last column the function value, the other columns the point. Prints the bars (sorted by
 * birth; the global minimum's death is infinite) with the size of each basin when it dies; `--json`:
 * { "bars": [[birth, death|null], ...], "basinSizes": [n, ...] } (same order).
 */
import type { Command } from 'commander';
import { knnSublevelBarcode, type SublevelBar } from '../../analyses/lossBarcode/knnSublevel';
import { readPointCloud } from './inputFormats';
import { parseIntOption, parseNumberOption } from './topologyOptions';

export function runSublevel(file: string, k: number, minLength = 0): SublevelBar[] {
  const pc = readPointCloud(file);
  if (pc.d < 2) throw new Error(`${file}: each row needs the point's coordinates and then the value (at least 2 columns), got ${pc.d}`);
  const d = pc.d - 1;
  const points = new Float64Array(pc.n * d);
  const values = new Float64Array(pc.n);
  for (let i = 0; i < pc.n; i++) {
    points.set(pc.data.subarray(i * pc.d, i * pc.d + d), i * d);
    values[i] = pc.data[i * pc.d + d];
  }
  return knnSublevelBarcode(points, values, pc.n, d, k).filter((b) => b.death - b.birth >= minLength);
}

export function registerSublevelCommand(program: Command): void {
  program
    .command('sublevel')
    .description('0-dim sublevel persistence of a sampled function on its k-NN graph (SPEC B step 5): minima, the saddles that kill them, basin sizes')
    .argument('<samples>', 'CSV, one sample per line: coordinates, then the value in the last column')
    .option('--knn <k>', 'neighbours per sample', parseIntOption('--knn', 1), 6)
    .option('--min-length <l>', 'omit bars shorter than this (sampling noise)', parseNumberOption('--min-length', 0), 0)
    .option('--json', 'print { "bars": [[birth, death|null], ...], "basinSizes": [...] }')
    .action((file: string, opts: { knn: number; minLength: number; json?: boolean }) => {
      const bars = runSublevel(file, opts.knn, opts.minLength);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ bars: bars.map((b) => [b.birth, b.death === Infinity ? null : b.death]), basinSizes: bars.map((b) => b.basinSize) })}\n`);
        return;
      }
      const lines = [`${bars.length} bars (k = ${opts.knn}); birth, death, length, basin size, minimum sample`];
      for (const b of bars) lines.push(`[${b.birth}, ${b.death === Infinity ? 'inf' : b.death})  ${b.death === Infinity ? 'inf' : (b.death - b.birth).toPrecision(4)}  ${b.basinSize}  #${b.minimum}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
