/**
 * `topolens analyze RUN_DIR|STUDY_DIR... [--trees] [--loss-barcode] [--manifold] [--geometry] [--barcode] [--json]`:
 * every analysis panel's first picture, computed headless by the panel's own controller on a report host
 * (analysis/report/): the same requests with the same parameters as VS Code sends, run in-process by the
 * worker's job runner, so the results land in the same caches and opening the panels afterwards is instant.
 * With no analysis flag, every analysis the runs have data for (the others are listed with the reason).
 *
 * Exit codes: 0 every analysis ran; 1 bad input or usage, or nothing could be analysed; 2 some analyses
 * failed while others succeeded (each failure is printed with its reason).
 *
 * `--json` prints one object keyed by analysis, each value shaped as that command's `--json`: per-run
 * analyses (trees, geometry, barcode) map each run folder to its object; study-wide ones (manifold,
 * lossBarcode, toScore) are the object itself; plus `skipped` [{ analysis, runs, reason }] and
 * `failed` [{ analysis, runs, message }].
 */
import type { Command } from 'commander';
import type { PanelPlan } from '../../report/panelPlan';
import type { HostRequest } from '../../report/reportHost';
import type { DecisionGeometryResult } from '../../worker/protocol/decisionGeometry';
import type { LossBarcodeResult, ToScoreTable } from '../../worker/protocol/lossBarcode';
import type { PredictionManifold } from '../../worker/protocol/predictionManifold';
import type { WeightBarcode } from '../../worker/protocol/weightBarcode';
import type { WeightTrees } from '../../worker/protocol/weightTrees';
import { summarizeBarcode } from '../../analyses/weightBarcode/barcode';
import { planPanels } from '../../report/panelPlan';
import { progressDisplay } from '../../report/progressDisplay';
import { runPanelsHeadless } from '../../report/runHeadless';
import { geometryJson, geometryText } from './decisionGeometry';
import { formatLossBarcode, lossBarcodeJson } from './lossBarcode';
import { manifoldSummary } from './manifold';
import { formatToScoreTable, toScoreJson } from './toScore';
import { summarizeTrees, treesJson } from './trees';

/** One analysis of `analyze`: its flag, its JSON key, the panel that computes it and how to print it. */
interface HeadlessAnalysis {
  flag: 'trees' | 'loss-barcode' | 'manifold' | 'geometry' | 'barcode';
  key: string;
  panel: string;
  /** The worker analysis whose result is printed (the panel may ask for more, e.g. a series). */
  analysis: string;
  scope: 'run' | 'set';
  json(result: unknown): unknown;
  text(result: unknown): string;
}

export const HEADLESS_ANALYSES: HeadlessAnalysis[] = [
  { flag: 'trees', key: 'trees', panel: 'weightTrees', analysis: 'weightTrees', scope: 'run', json: (r) => treesJson(r as WeightTrees), text: (r) => summarizeTrees(r as WeightTrees) },
  { flag: 'geometry', key: 'geometry', panel: 'decisionGeometry', analysis: 'decisionGeometry', scope: 'run', json: (r) => geometryJson(r as DecisionGeometryResult), text: (r) => geometryText(r as DecisionGeometryResult) },
  { flag: 'barcode', key: 'barcode', panel: 'weightBarcode', analysis: 'weightBarcode', scope: 'run', json: (r) => r, text: (r) => summarizeBarcode(r as WeightBarcode) },
  { flag: 'manifold', key: 'manifold', panel: 'predictionManifold', analysis: 'predictionManifold', scope: 'set', json: (r) => manifoldSummary(r as PredictionManifold, 3).json, text: (r) => manifoldSummary(r as PredictionManifold, 3).text.join('\n') },
  { flag: 'loss-barcode', key: 'lossBarcode', panel: 'lossBarcode', analysis: 'lossBarcode', scope: 'set', json: (r) => lossBarcodeJson(r as LossBarcodeResult), text: (r) => formatLossBarcode(r as LossBarcodeResult).trimEnd() },
  { flag: 'loss-barcode', key: 'toScore', panel: 'toScoreTable', analysis: 'toScoreTable', scope: 'set', json: (r) => toScoreJson(r as ToScoreTable), text: (r) => formatToScoreTable(r as ToScoreTable).trimEnd() },
];

interface AnalyzeOptions { trees?: boolean; lossBarcode?: boolean; manifold?: boolean; geometry?: boolean; barcode?: boolean; json?: boolean; quiet?: boolean }

export interface AnalyzeOutcome {
  json: Record<string, unknown>;
  text: string[];
  succeeded: number;
  failed: number;
}

/** The analyses the flags ask for (all when none is given). */
function chosen(opts: AnalyzeOptions): HeadlessAnalysis[] {
  const flags = new Set(HEADLESS_ANALYSES.map((a) => a.flag).filter((f) => opts[f === 'loss-barcode' ? 'lossBarcode' : f]));
  return flags.size ? HEADLESS_ANALYSES.filter((a) => flags.has(a.flag)) : HEADLESS_ANALYSES;
}

/** The last successful result of `analysis` among a panel's requests (a live barcode asks several times). */
function resultOf(requests: HostRequest[], analysis: string): unknown {
  return requests.filter((r) => r.ok && r.analysis === analysis).at(-1)?.result;
}

export async function analyze(dirs: string[], opts: AnalyzeOptions): Promise<AnalyzeOutcome> {
  const wanted = chosen(opts);
  const plan: PanelPlan = planPanels(dirs, new Set(wanted.map((a) => a.panel)));
  const display = progressDisplay(process.stderr, opts.quiet);
  const json: Record<string, unknown> = {};
  const text: string[] = [];
  const skipped = plan.skipped.map((s) => ({ analysis: wanted.find((a) => a.panel === s.panel.id)?.key ?? s.panel.id, runs: s.label, reason: s.reason }));
  const failed: { analysis: string; runs: string; message: string }[] = [];
  for (const s of skipped) display.log(`skipped ${s.analysis} (${s.runs}): ${s.reason}`);
  let done: Awaited<ReturnType<typeof runPanelsHeadless>>;
  try {
    done = await runPanelsHeadless(plan, { display, budgetBytes: 0, precomputes: () => false });
  } finally {
    display.stop();
  }
  let succeeded = 0;
  for (const { planned, captured } of done) {
    const a = wanted.find((x) => x.panel === planned.panel.id);
    if (!a) continue;
    const result = resultOf(captured.requests, a.analysis);
    if (captured.errors.length || result === undefined) {
      failed.push({ analysis: a.key, runs: planned.label, message: captured.errors[0] ?? `${a.analysis} returned nothing` });
      continue;
    }
    succeeded++;
    if (a.scope === 'run') json[a.key] = { ...(json[a.key] as object | undefined), [planned.target.runDirs[0]]: a.json(result) };
    else json[a.key] = a.json(result);
    text.push(`== ${a.key} · ${planned.label}`, a.text(result), '');
  }
  json.skipped = skipped;
  json.failed = failed;
  for (const s of skipped) text.push(`skipped ${s.analysis} (${s.runs}): ${s.reason}`);
  for (const f of failed) text.push(`FAILED ${f.analysis} (${f.runs}): ${f.message}`);
  return { json, text, succeeded, failed: failed.length };
}

/** 0 all ran, 2 some failed, 1 nothing could be analysed (all failed or skipped). */
export function analyzeExitCode(o: Pick<AnalyzeOutcome, 'succeeded' | 'failed'>): number {
  if (o.succeeded === 0) return 1;
  return o.failed > 0 ? 2 : 0;
}

export function registerAnalyzeCommand(program: Command): void {
  program
    .command('analyze')
    .description('run the analysis panels\' computations headless (same code, parameters and caches as VS Code): weight trees, loss barcode + TO-score, prediction manifold, decision geometry, weight barcode')
    .argument('<dirs...>', 'run folders and/or study folders (studies/<id>: its member runs)')
    .option('--trees', 'weight trees per run (SPEC A)')
    .option('--loss-barcode', 'loss barcode and TO-score table of the runs (SPEC B; needs 2 or more runs)')
    .option('--manifold', 'prediction manifold of the runs together (SPEC C)')
    .option('--geometry', 'decision geometry per run, at its last checkpoint (SPEC D)')
    .option('--barcode', 'weight barcode per run, at its last checkpoint')
    .option('--json', 'print one JSON object keyed by analysis (each value as that command\'s --json), plus skipped and failed')
    .option('--quiet', 'no progress on stderr')
    .addHelpText('after', `
With no analysis flag, every analysis the runs have data for; the others are listed with the reason.
Progress: bars on a terminal, plain lines otherwise (CI logs, pipes). Results are cached in the run and
study folders exactly as the extension caches them: opening the panels in VS Code afterwards is instant.

Exit codes: 0 every analysis ran; 1 bad input or usage, or nothing could be analysed;
            2 some analyses failed while others succeeded.

Examples:
  topolens analyze .topolens/runs/studies/<id>                  # everything the study has data for
  topolens analyze RUN_DIR --trees --geometry --json > out.json
  topolens analyze runs/a runs/b --manifold`)
    .action(async (dirs: string[], opts: AnalyzeOptions) => {
      const outcome = await analyze(dirs, opts);
      process.stdout.write(opts.json ? `${JSON.stringify(outcome.json)}\n` : `${outcome.text.join('\n')}\n`);
      process.exitCode = analyzeExitCode(outcome);
    });
}
