/**
 * `topolens report RUN_DIR|STUDY_DIR... --out report.html [--png DIR]`: one self-contained HTML file with
 * every analysis panel the runs have data for, each the panel's own webview bundle replaying what its own
 * controller posted (analysis/report/). `--png DIR` also renders each panel to a PNG through headless
 * Chromium when one is installed (a clear message when not; the HTML is written either way).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { buildReport, DEFAULT_BUDGET_MB } from '../../report/buildReport';
import { progressDisplay } from '../../report/progressDisplay';
import { findChromium, NO_CHROMIUM, renderPanelPngs } from '../../report/renderPngs';
import { parseChoice, parseNumberOption } from './topologyOptions';

interface ReportCliOptions { out: string; png?: string; budget: number; panels?: string; title?: string; theme: 'light' | 'dark' | 'auto'; quiet?: boolean }

function formatBytes(n: number): string {
  return n < 2 ** 20 ? `${(n / 1024).toFixed(0)} KiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('one self-contained, offline HTML report of every analysis panel the runs have data for (interactive: hover, scrub, export PNG/SVG/CSV)')
    .argument('<dirs...>', 'run folders and/or study folders (studies/<id>: its member runs)')
    .requiredOption('--out <file.html>', 'the HTML file to write')
    .option('--png <dir>', 'also render each panel to <dir>/<section>.png through headless Chromium')
    .option('--budget <MiB>', `MiB of precomputed answers for the panels' controls (scrubber checkpoints, tree nodes, surfaces), shared by the panels`, parseNumberOption('--budget', 0), DEFAULT_BUDGET_MB)
    .option('--panels <ids>', 'only these panels, comma-separated (runDashboard, weightBarcode, weightTrees, predictionManifold, decisionGeometry, lossBarcode, toScoreTable)')
    .option('--title <text>', 'the report\'s heading')
    .option('--theme <theme>', 'light | dark | auto (follow the reader\'s system)', parseChoice('--theme', ['light', 'dark', 'auto'] as const), 'auto')
    .option('--quiet', 'no progress on stderr')
    .addHelpText('after', `
The report needs no network and no VS Code: the panels' own bundles and the data are inlined, under a strict
Content-Security-Policy. Controls that would need the run itself (other Mapper settings, another alpha) are
disabled with the reason as tooltip; the checkpoint scrubbers work within the --budget (a checkpoint left out
shows the nearest one that is in). Analyses are computed as in VS Code and cached in the run/study folders
(run \`topolens analyze\` first to see them computed with progress and exit codes).

Examples:
  topolens report .topolens/runs/studies/<id> --out study.html
  topolens report RUN_DIR --out run.html --png shots/ --budget 64
  topolens report runs/a runs/b --panels predictionManifold,lossBarcode --out compare.html`)
    .action(async (dirs: string[], opts: ReportCliOptions) => {
      const display = progressDisplay(process.stderr, opts.quiet);
      let summary;
      try {
        summary = await buildReport(dirs, {
          out: opts.out,
          budgetMb: opts.budget,
          panels: opts.panels?.split(',').map((s) => s.trim()).filter(Boolean),
          title: opts.title,
          theme: opts.theme,
          display,
        });
      } finally {
        display.stop();
      }
      const lines = [`report written to ${summary.file} (${formatBytes(summary.bytes)}, ${summary.panels.length} panels)`];
      for (const n of summary.notes) lines.push(`  not in the report: ${n.title}: ${n.reason}`);
      if (opts.png) {
        const chromium = findChromium();
        if (!chromium) {
          process.stderr.write(`topolens report: ${NO_CHROMIUM}\n`);
          process.exitCode = 1;
        } else {
          const pngs = await renderPanelPngs(summary.file, path.resolve(opts.png), { chromium });
          lines.push(`${pngs.length} PNGs written to ${path.resolve(opts.png)}`);
        }
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      // Some panels' analyses failed but a report was written: exit 2, as `analyze` does.
      if (!process.exitCode && summary.notes.some((n) => n.reason.startsWith('the analysis failed'))) process.exitCode = 2;
    });
}
