/**
 * `topolens demo`: the README's first command. Trains the quick preset headless, writes a run folder,
 * computes the weight barcode of the final checkpoint and prints where everything is.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { trainRun } from '../../training/train';
import { getPreset } from '../../training/presets';
import { computeWeightBarcode, summarizeBarcode } from '../../analyses/weightBarcode/barcode';
import { parseBackendOption, progressPrinter } from './shared';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('train the quick preset headless, record checkpoints and print the weight barcode of the final layer')
    .option('--runs <dir>', 'runs folder', path.join(process.cwd(), '.topolens', 'runs'))
    .option('--preset <id>', 'preset to train', 'quick')
    .option('--backend <name>', 'auto | gpu | native | wasm | cpu', 'auto')
    .action(async (opts: { runs: string; preset: string; backend: string }) => {
      const preset = getPreset(opts.preset);
      const runsRoot = path.resolve(opts.runs);
      const progress = progressPrinter();
      let cancelled = false;
      process.once('SIGINT', () => { cancelled = true; });
      console.log(`TopoLens demo: training preset "${preset.id}" (${preset.description})`);
      const result = await trainRun({
        config: preset.config,
        runsRoot,
        name: preset.id,
        backend: parseBackendOption(opts.backend),
        isCancelled: () => cancelled,
        onProgress: progress.update,
        log: progress.log,
      });
      progress.done();
      if (result.status !== 'completed') {
        throw new Error(`training ${result.status}${result.error ? `: ${result.error.message}` : ''} (run folder ${result.runDir})`);
      }
      const s = result.summary;
      console.log(`run folder: ${result.runDir}`);
      if (s) console.log(`final step ${s.step}: train loss ${s.trainLoss.toFixed(4)}, train accuracy ${(100 * s.trainAccuracy).toFixed(1)}%` +
        (s.testAccuracy !== undefined ? `, test accuracy ${(100 * s.testAccuracy).toFixed(1)}%` : ''));
      const barcode = computeWeightBarcode({ runDirs: [result.runDir] });
      console.log(summarizeBarcode(barcode));
      console.log(`open it in VS Code: "TopoLens: Train & Analyze", or click the run in the Training Runs view (runs folder ${runsRoot})`);
    });
}
