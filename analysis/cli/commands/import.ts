/**
 * `topolens import DIR --name NAME`: a folder of checkpoints trained elsewhere (safetensors, .npz, .npy
 * folders, TF.js model.json, Keras .weights.h5 / .h5) becomes a run folder marked imported (analysis/import/importRun.ts).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { importCheckpoints } from '../../import/importRun';
import type { Layout } from '../../import/layout';
import { IMPORT_FORMATS, type ImportFormat } from '../../spec/runFormat';

interface ImportCliOptions {
  name: string;
  runs: string;
  format?: ImportFormat;
  layout?: Layout;
  map?: string;
  predictions?: string;
  labels?: string;
  softmax?: boolean;
  metrics: string[];
  tensorboard?: boolean;
  json?: boolean;
}

function choice<T extends string>(flag: string, values: readonly T[]): (v: string) => T {
  return (v) => {
    if ((values as readonly string[]).includes(v)) return v as T;
    throw new Error(`${flag} ${v}: use one of ${values.join(', ')}`);
  };
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import a folder of checkpoints trained elsewhere (safetensors, .npz, .npy folders, TF.js model.json, Keras .weights.h5) as a run')
    .argument('<dir>', 'folder of checkpoints, one file (or folder) per step, the step in its name')
    .requiredOption('--name <name>', 'name of the run')
    .option('--runs <dir>', 'runs folder', path.join(process.cwd(), '.topolens', 'runs'))
    .option('--format <format>', `checkpoint format when the folder holds several (${IMPORT_FORMATS.join(', ')})`, choice('--format', IMPORT_FORMATS))
    .option('--layout <layout>', 'weight layout: torch ([out, in] "<layer>.weight") or keras ([in, out] "<layer>/kernel"); default: detected from names', choice('--layout', ['torch', 'keras'] as const))
    .option('--map <file>', 'JSON mapping of layers to source tensors: {"layers": [{"name", "kernel", "bias"?, "orientation"?: "out-in"|"in-out"}]}')
    .option('--predictions <dir>', 'per-step probe predictions .npy [probe, classes] (default: DIR/predictions)')
    .option('--labels <file>', 'probe labels .npy [probe] (default: labels.npy beside the predictions or in DIR)')
    .option('--softmax', 'the predictions are logits: apply a softmax per row')
    .option('--metrics <file>', 'training curves, CSV or JSONL (repeatable; default: DIR/metrics.csv, DIR/metrics.jsonl)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--no-tensorboard', 'do not read TensorBoard event files under DIR')
    .option('--json', 'print the new run folder and its run.json as JSON')
    .action(async (dir: string, opts: ImportCliOptions) => {
      const result = await importCheckpoints({
        dir, name: opts.name, runsRoot: opts.runs, format: opts.format, layout: opts.layout, mapFile: opts.map,
        predictionsDir: opts.predictions, labelsFile: opts.labels, softmax: opts.softmax,
        metricsFiles: opts.metrics.length > 0 ? opts.metrics : undefined,
        // commander sets tensorboard true by default for --no-tensorboard; only "false" is an explicit choice.
        tensorboard: opts.tensorboard === false ? false : undefined,
        log: opts.json ? undefined : (m) => process.stderr.write(`${m}\n`),
      });
      if (opts.json) return void console.log(JSON.stringify({ runDir: result.runDir, run: result.run }, null, 2));
      for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
      console.log(result.runDir);
    });
}
