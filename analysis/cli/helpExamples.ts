/**
 * Examples under every command's `--help`, in one place (the commands that write their own, like
 * `to-score`, `analyze` and `report`, are not listed). Applied by main.ts after the commands registered.
 */
import type { Command } from 'commander';

export const HELP_EXAMPLES: Record<string, string[]> = {
  demo: ['topolens demo'],
  train: [
    'topolens train --preset quick',
    'topolens train --config my-run.json --set optimizer.lr=0.01 --backend wasm',
    'topolens train --study barcode-tiny --study-id grid1 --member 3     # one task of a job array',
    'topolens train --resume .topolens/runs/<run>',
  ],
  runs: ['topolens runs', 'topolens runs /shared/runs --json'],
  barcode: ['topolens barcode .topolens/runs/<run> --step 400 --layer dense1'],
  study: ['topolens study create seeds .topolens/runs/<a> .topolens/runs/<b>', 'topolens study remove .topolens/runs/<b>'],
  ph: ['topolens ph cloud.csv --dim 1', 'topolens ph distances.csv --format ripser --threshold 2'],
  mapper: ['topolens mapper cloud.csv --lens pca:0 --intervals 10 --overlap 0.3 > graph.json'],
  geometry: ['topolens geometry .topolens/runs/<run> --step 120 --segment 0,5 --json'],
  'geometry-series': ['topolens geometry-series .topolens/runs/<with-l2> .topolens/runs/<without-l2>'],
  'geometry-subsample': ['topolens geometry-subsample .topolens/runs/<regions-moons run> --budgets 20,50,100'],
  'loss-barcode': ['topolens loss-barcode .topolens/runs/studies/<id>', 'topolens loss-barcode runs/a runs/b runs/c --points 7 --iterations 50 --json'],
  sublevel: ['topolens sublevel samples.csv --knn 6 --json'],
  trees: ['topolens trees .topolens/runs/<run>', 'topolens trees .topolens/runs/<run> --layer dense1 --eps fit --graph dense1.json'],
  import: ['topolens import ./torch-checkpoints --name resnet-probe --layout torch', 'topolens import ./keras-run --format npz --predictions ./keras-run/preds --json'],
  manifold: ['topolens manifold .topolens/runs/studies/<id> --axes 3', 'topolens manifold --probs models.npy --json'],
};

/** Adds "Examples:" to each registered command listed above. */
export function addHelpExamples(program: Command): void {
  for (const command of program.commands) {
    const examples = HELP_EXAMPLES[command.name()];
    if (examples) command.addHelpText('after', `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}`);
  }
}
