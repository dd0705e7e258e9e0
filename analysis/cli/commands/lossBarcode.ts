/**
 * `topolens loss-barcode STUDY_DIR|RUN_DIR...`: the Loss Barcode analysis (SPEC B) in-process, the same
 * code the worker runs: minima, barrier matrices (optimised and straight), bars, merge partners, TO-score.
 * `--json` prints one object: { minima: [{ runDir, loss, testError }], barriers, straightBarriers, bars,
 * mergedInto, toScore }. Pairs already computed (cached in the study or first run folder) are reused.
 * `--method sampled` (small nets) takes the barriers from a k-NN graph of sampled weights instead (SPEC B
 * step 5), same output.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { computeLossBarcode } from '../../analyses/lossBarcode/analysis';
import { groupByArchitecture, studyMemberRuns } from '../../analyses/lossBarcode/studyRuns';
import { plainContext } from '../../analyses/definition';
import { STUDY_JSON } from '../../store/runLayout';
import type { BarrierMethod, LossBarcodeParams, LossBarcodeResult } from '../../worker/protocol/lossBarcode';
import { SAMPLED_MAX_PARAMETERS } from '../../analyses/lossBarcode/sampledBarriers';
import { parseChoice, parseIntOption, parseNumberOption } from './topologyOptions';

interface Options {
  pairs: 'all';
  points?: number;
  iterations?: number;
  lr?: number;
  batchSize?: number;
  evalSize?: number;
  interpolate?: number;
  seed?: number;
  threads?: number;
  method?: BarrierMethod;
  samples?: number;
  knn?: number;
  relax?: number;
  architecture?: string;
  force?: boolean;
  json?: boolean;
}

/** Request params from the command line: one study folder, or run folders (all of one architecture). */
export function lossBarcodeParams(dirs: string[], opts: Options): LossBarcodeParams {
  const settings = { pairs: opts.pairs, points: opts.points, iterations: opts.iterations, lr: opts.lr, batchSize: opts.batchSize, evalSize: opts.evalSize, interpolate: opts.interpolate, seed: opts.seed, threads: opts.threads, force: opts.force, method: opts.method, samples: opts.samples, knn: opts.knn, relax: opts.relax };
  const resolved = dirs.map((d) => path.resolve(d));
  const isStudy = resolved.length === 1 && fs.existsSync(path.join(resolved[0], STUDY_JSON));
  const runDirs = isStudy ? studyMemberRuns(resolved[0]) : resolved;
  const groups = groupByArchitecture(runDirs);
  let chosen = groups[0];
  if (opts.architecture !== undefined) {
    const hit = groups.find((g) => g.architecture === opts.architecture);
    if (!hit) throw new Error(`--architecture "${opts.architecture}": none of the runs has it (they have: ${groups.map((g) => `"${g.architecture}"`).join(', ')})`);
    chosen = hit;
  } else if (groups.length > 1) {
    if (!isStudy) throw new Error(`loss barcode: runs of different architectures (${groups.map((g) => `"${g.architecture}"`).join(', ')}); a barcode compares minima of one architecture`);
    throw new Error(`${resolved[0]}: the study holds ${groups.length} architectures (${groups.map((g) => `"${g.architecture}" x${g.runDirs.length}`).join(', ')}); choose one with --architecture`);
  }
  return { ...settings, runDirs: chosen.runDirs, studyDir: isStudy ? resolved[0] : undefined };
}

const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(4));

export function formatLossBarcode(r: LossBarcodeResult): string {
  const s = r.settings;
  const how = s.method === 'sampled'
    ? `sampled k-NN approximation (SPEC B step 5): ${s.samples} samples (tubes relaxed ${s.relax} steps), k = ${s.knn}, eval ${s.evalSize} samples`
    : `${s.points} points, ${s.iterations} iterations, lr ${s.lr}, batch ${s.batchSize}, eval ${s.evalSize} samples`;
  const lines: string[] = [`${r.architecture}: ${r.minima.length} minima, ${r.pairsDone}/${r.pairsTotal} pairs (${how})`, ''];
  lines.push(' #  loss     test err  bar [birth, death)      merged into (via pair)  run');
  r.minima.forEach((m, i) => {
    const [b, d] = r.bars[i];
    const via = r.mergedVia[i];
    lines.push(`${String(i).padStart(2)}  ${fmt(m.loss)}  ${m.testError === null ? '   -    ' : `${(100 * m.testError).toFixed(2).padStart(6)}% `}  [${fmt(b)}, ${d === null ? '  inf ' : fmt(d)})${' '.repeat(5)}${r.mergedInto[i] === null ? 'global minimum        ' : `${String(r.mergedInto[i]).padStart(2)} (${via?.join('-')})`.padEnd(22)}  ${path.basename(m.runDir)}`);
  });
  const matrix = (title: string, m: (number | null)[][]) => {
    lines.push('', title);
    for (const row of m) lines.push(row.map((v) => fmt(v).padStart(8)).join(' '));
  };
  matrix(`barriers (${s.method === 'sampled' ? 'sampled k-NN graph, minimax' : 'optimised paths'}; diagonal = the minimum's loss)`, r.barriers);
  matrix('barriers (straight lines)', r.straightBarriers);
  const t = r.toScore;
  lines.push('', `TO-score: sum ${t.sum.toFixed(5)}, max ${t.max.toFixed(5)}; normalised by (f(init) ${fmt(t.initLoss)} - global min ${fmt(t.globalMin)}): sum ${fmt(t.sumNormalized)}, max ${fmt(t.maxNormalized)}`);
  if (r.correlation) lines.push(`segment length vs test error: Spearman ${r.correlation.spearman.toFixed(3)} (permutation p = ${r.correlation.pValue.toFixed(3)}, n = ${r.correlation.n})`);
  return `${lines.join('\n')}\n`;
}

/** The `--json` object (field names as documented in the issue and README). */
export function lossBarcodeJson(r: LossBarcodeResult): object {
  return {
    minima: r.minima.map((m) => ({ runDir: m.runDir, loss: m.loss, testError: m.testError })),
    barriers: r.barriers,
    straightBarriers: r.straightBarriers,
    bars: r.bars,
    mergedInto: r.mergedInto,
    toScore: r.toScore,
  };
}

/** The path optimiser's settings, shared by `loss-barcode` and `to-score` (both compute the same cached pairs). */
export function withPathOptions(command: Command): Command {
  return command
    .option('--pairs <which>', 'which pairs to connect', parseChoice('--pairs', ['all'] as const), 'all')
    .option('--points <m>', 'points of the initial straight line (default 13)', parseIntOption('--points', 2))
    .option('--iterations <n>', 'gradient iterations per path (default 200)', parseIntOption('--iterations', 0))
    .option('--lr <lr>', 'step size of the path points (default: the runs\' SGD learning rate)', parseNumberOption('--lr', 0, true))
    .option('--batch-size <b>', 'minibatch size (default: the runs\')', parseIntOption('--batch-size', 1))
    .option('--eval-size <n>', 'evaluation samples for barriers (default: the runs\' whole evaluation train subset)', parseIntOption('--eval-size', 1))
    .option('--interpolate <k>', 'points evaluated inside each final segment (default 3)', parseIntOption('--interpolate', 0))
    .option('--seed <s>', 'minibatch order seed (default 0)', parseIntOption('--seed', 0))
    .option('--threads <n>', 'worker threads for the pairs (default: one per core, at most 4)', parseIntOption('--threads', 1))
    .option('--method <m>', `barriers from optimised paths (paths, default) or, for small nets (at most ${SAMPLED_MAX_PARAMETERS} parameters), from a k-NN graph of sampled weights (sampled, SPEC B step 5)`, parseChoice('--method', ['paths', 'sampled'] as const))
    .option('--samples <n>', 'with --method sampled: samples in weight space, the minima included (default 5000)', parseIntOption('--samples', 100))
    .option('--knn <k>', 'with --method sampled: neighbours per sample in the k-NN graph (default 6)', parseIntOption('--knn', 1))
    .option('--relax <steps>', 'with --method sampled: gradient steps relaxing each tube sample across its segment (default 200; 0 = raw samples)', parseIntOption('--relax', 0))
    .option('--force', 'recompute pairs even when cached');
}

/** Progress on stderr: one rewritten line on a terminal, finished pairs only otherwise (logs stay short). */
export function pairProgress(): { context: ReturnType<typeof plainContext>; done: () => void } {
  const tty = process.stderr.isTTY === true;
  const context = plainContext({ onProgress: (f, m) => { if (m && (tty || m.endsWith('done'))) process.stderr.write(`${tty ? '\r\x1b[K' : ''}${m}${f !== undefined ? ` (${Math.round(100 * f)}%)` : ''}${tty ? '' : '\n'}`); } });
  return { context, done: () => { if (tty) process.stderr.write('\r\x1b[K'); } };
}

export function registerLossBarcodeCommand(program: Command): void {
  withPathOptions(program
    .command('loss-barcode')
    .description('loss barcode of a study\'s minima (SPEC B): optimised paths between every pair, barriers, bars, TO-score')
    .argument('<dirs...>', 'a study folder (studies/<id>) or run folders of one architecture (each run\'s last checkpoint is a minimum)'))
    .option('--architecture <name>', 'for a study of several architectures: which one, e.g. "mlp 784-16-10 relu"')
    .option('--json', 'print one JSON object: { minima, barriers, straightBarriers, bars, mergedInto, toScore }')
    .action(async (dirs: string[], opts: Options) => {
      const params = lossBarcodeParams(dirs, opts);
      const progress = pairProgress();
      const r = await computeLossBarcode(params, progress.context);
      progress.done();
      process.stdout.write(opts.json ? `${JSON.stringify(lossBarcodeJson(r))}\n` : formatLossBarcode(r));
    });
}
