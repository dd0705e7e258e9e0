/**
 * `topolens to-score STUDY_DIR|RUN_DIR...`: the TO-score Table (SPEC B observations 1 and 2) in-process, the
 * same code as the panel: one loss barcode per architecture of a study, one row each. Pairs are cached in
 * the study folder, shared with `loss-barcode` and the panels. `--json` prints
 * `{ rows: [{ architecture, depth, width, parameters, minima, toScore, meanSegment, maxSegment, globalMin,
 * meanTestError, correlation }], acrossArchitectures: { meanSegmentVsTestError, toScoreVsTestError } | null,
 * skipped: [{ architecture, runs, reason }] }` (each correlation `{ spearman, pValue, n, permutations }`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { computeToScoreTable } from '../../analyses/lossBarcode/toScoreTable';
import { studyMemberRuns } from '../../analyses/lossBarcode/studyRuns';
import { STUDY_JSON } from '../../store/runLayout';
import type { ToScoreTable, ToScoreTableParams } from '../../worker/protocol/lossBarcode';
import { pairProgress, withPathOptions } from './lossBarcode';

type Options = Omit<ToScoreTableParams, 'runDirs' | 'studyDir'> & { json?: boolean };

export function toScoreParams(dirs: string[], opts: Options): ToScoreTableParams {
  const { json: _json, ...settings } = opts;
  const resolved = dirs.map((d) => path.resolve(d));
  const isStudy = resolved.length === 1 && fs.existsSync(path.join(resolved[0], STUDY_JSON));
  return { ...settings, runDirs: isStudy ? studyMemberRuns(resolved[0]) : resolved, studyDir: isStudy ? resolved[0] : undefined };
}

const num = (v: number | null, digits = 3) => (v === null ? '-' : v.toFixed(digits));

export function formatToScoreTable(t: ToScoreTable): string {
  const header = ['architecture', 'minima', 'TO sum', 'TO max', 'sum/(f0-min)', 'max/(f0-min)', 'mean seg', 'global min', 'test err', 'Spearman (p)'];
  const rows = t.rows.map((r) => [
    r.architecture, `${r.minima}${r.pairsDone < r.pairsTotal ? ` (${r.pairsDone}/${r.pairsTotal} pairs)` : ''}`,
    num(r.toScore.sum), num(r.toScore.max), num(r.toScore.sumNormalized), num(r.toScore.maxNormalized),
    num(r.meanSegment), num(r.globalMin, 4), r.meanTestError === null ? '-' : `${(100 * r.meanTestError).toFixed(1)}%`,
    r.correlation ? `${r.correlation.spearman.toFixed(2)} (${r.correlation.pValue.toFixed(2)})` : '-',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  const out = [line(header), ...rows.map(line)];
  const across = t.acrossArchitectures;
  if (across) {
    const rho = (c: { spearman: number; pValue: number; n: number }) => `Spearman ${c.spearman.toFixed(2)} (p ${c.pValue < 0.001 ? '< 0.001' : c.pValue.toFixed(3)}, ${c.n} architectures)`;
    out.push('', `across architectures, test error vs mean segment: ${rho(across.meanSegmentVsTestError)}; vs TO sum: ${rho(across.toScoreVsTestError)}`);
  }
  for (const s of t.skipped) out.push(`(not in the table: ${s.architecture}, ${s.runs} run${s.runs === 1 ? '' : 's'}: ${s.reason})`);
  return `${out.join('\n')}\n`;
}

/** The `--json` object: the table's rows without the run folders' absolute paths repeated per row. */
export function toScoreJson(t: ToScoreTable): object {
  return {
    rows: t.rows.map((r) => ({
      architecture: r.architecture, depth: r.depth, width: r.width, parameters: r.parameters, minima: r.minima,
      toScore: r.toScore, meanSegment: r.meanSegment, maxSegment: r.maxSegment, globalMin: r.globalMin,
      meanTestError: r.meanTestError, correlation: r.correlation,
    })),
    acrossArchitectures: t.acrossArchitectures,
    skipped: t.skipped,
  };
}

export function registerToScoreCommand(program: Command): void {
  withPathOptions(program
    .command('to-score')
    .description('TO-score Table of a study (SPEC B): one loss barcode per architecture, TO-scores, segments, test error and their rank correlation')
    .argument('<dirs...>', 'a study folder (studies/<id>) or run folders (grouped by architecture)'))
    .option('--json', 'print one JSON object: { rows: [{ architecture, depth, width, parameters, minima, toScore, meanSegment, maxSegment, globalMin, meanTestError, correlation }], acrossArchitectures, skipped }')
    .addHelpText('after', '\nExample:\n  topolens train --study barcode-grid-fast && topolens to-score .topolens/runs/studies/<id>')
    .action(async (dirs: string[], opts: Options) => {
      const progress = pairProgress();
      const table = await computeToScoreTable(toScoreParams(dirs, opts), progress.context);
      progress.done();
      process.stdout.write(opts.json ? `${JSON.stringify(toScoreJson(table))}\n` : formatToScoreTable(table));
    });
}
