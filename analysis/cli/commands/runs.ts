/** `topolens runs` and `topolens barcode`: read runs from the shell, same store as the extension. */
import path from 'node:path';
import type { Command } from 'commander';
import { listRuns } from '../../store/runStore';
import { computeWeightBarcode, summarizeBarcode } from '../../analyses/weightBarcode/barcode';

export function registerRunsCommands(program: Command): void {
  program
    .command('runs')
    .description('list the runs in a runs folder')
    .argument('[dir]', 'runs folder', path.join(process.cwd(), '.topolens', 'runs'))
    .option('--json', 'print JSON')
    .action((dir: string, opts: { json?: boolean }) => {
      const runs = listRuns(path.resolve(dir));
      if (opts.json) return void console.log(JSON.stringify(runs, null, 2));
      if (runs.length === 0) return void console.log(`no runs in ${path.resolve(dir)}`);
      for (const r of runs) {
        if (!r.run) { console.log(`${r.id}  UNREADABLE  ${r.problem}`); continue; }
        const acc = r.run.summary?.testAccuracy ?? r.run.summary?.trainAccuracy;
        console.log(`${r.id}  ${r.run.status.padEnd(11)} ${r.run.backend.padEnd(10)} ${r.checkpoints.length} checkpoints${acc !== undefined ? `  acc ${(100 * acc).toFixed(1)}%` : ''}`);
      }
    });
  program
    .command('barcode')
    .description('H0/H1 barcode of a layer\'s neuron weight vectors at a checkpoint')
    .argument('<runDir>', 'run folder')
    .option('--step <n>', 'checkpoint step (default: last)', (v) => parseStep(v))
    .option('--layer <name>', 'layer name (default: final layer)')
    .option('--json', 'print the full result as JSON')
    .action((runDir: string, opts: { step?: number; layer?: string; json?: boolean }) => {
      const b = computeWeightBarcode({ runDirs: [path.resolve(runDir)], step: opts.step, layer: opts.layer });
      console.log(opts.json ? JSON.stringify(b, null, 2) : summarizeBarcode(b));
    });
}

function parseStep(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--step ${v}: expected a non-negative integer`);
  return n;
}
