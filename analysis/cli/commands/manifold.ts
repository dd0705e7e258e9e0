/**
 * `topolens manifold RUN_DIR|STUDY_DIR... [--axes 3] [--json]`: the prediction manifold (SPEC C) of the
 * runs' checkpoints with P0 and P*: eigenvalues by |lambda| (negative = time-like), ES(k) for k = 1..5, each
 * checkpoint's first coordinates and geodesic progress. Shares the worker's cache.
 *
 * `topolens manifold --probs FILE.npy` embeds exactly the m models of a NumPy array [m, N, C] of
 * probabilities (no reference points, no progress: there are no labels), so the numbers can be checked
 * against any other implementation.
 *
 * `--json` prints `{"eigenvalues": [...], "explainedStress": [...], "points": [{"runDir", "step", "coords",
 * "progress"}]}` (field names fixed by issue 10). Run checkpoints come in run then step order, then P0 and P*
 * (runDir and step null; progress 0 and 1). With --probs, points are in the array's order (runDir null,
 * step = index, progress null).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { cachedPredictionManifold } from '../../analyses/predictionManifold/analysis';
import type { PredictionManifold } from '../../worker/protocol/predictionManifold';
import { bhattacharyyaMatrix } from '../../analyses/predictionManifold/bhattacharyya';
import { inpca } from '../../analyses/predictionManifold/inpca';
import { parseNpy } from '../../analyses/predictionManifold/npy';
import { probabilityProblem } from '../../analyses/predictionManifold/probabilities';
import { plainContext } from '../../analyses/definition';
import { RUN_JSON, STUDY_JSON } from '../../store/runLayout';
import { studyMembers } from '../../store/studyStore';
import { parseChoice, parseIntOption } from './topologyOptions';

/** The `--json` shape (field names fixed by issue 10). */
export interface ManifoldJson {
  eigenvalues: number[];
  explainedStress: number[];
  points: { runDir: string | null; step: number | null; coords: number[]; progress: number | null }[];
}

interface ManifoldCliOptions {
  axes: number;
  components?: number;
  method: 'auto' | 'full' | 'lanczos';
  probs?: string;
  json?: boolean;
  force?: boolean;
}

const ES_SHOWN = 5;

/** Run folders of the arguments: a run folder as is, a study folder as its member runs. */
export function resolveRunDirs(args: string[]): { runDirs: string[]; studyDir?: string } {
  const runDirs: string[] = [];
  let studyDir: string | undefined;
  for (const arg of args) {
    const dir = path.resolve(arg);
    if (fs.existsSync(path.join(dir, RUN_JSON))) {
      runDirs.push(dir);
    } else if (fs.existsSync(path.join(dir, STUDY_JSON))) {
      // <runsRoot>/studies/<id>/study.json; members name the study in their run.json
      const members = studyMembers(path.dirname(path.dirname(dir)), path.basename(dir));
      if (members.length === 0) throw new Error(`${dir}: the study has no member runs yet (train it first: topolens train --study ...)`);
      runDirs.push(...members.map((m) => m.runDir));
      studyDir ??= dir;
    } else {
      throw new Error(`${dir}: neither a run folder (no ${RUN_JSON}) nor a study folder (no ${STUDY_JSON})`);
    }
  }
  if (runDirs.length === 0) throw new Error('manifold: give run or study folders, or --probs FILE.npy');
  return { runDirs: [...new Set(runDirs)], ...(args.length === 1 && studyDir ? { studyDir } : {}) };
}

function fromRuns(dirs: string[], opts: ManifoldCliOptions, components: number): { json: ManifoldJson; text: string[] } {
  const { runDirs, studyDir } = resolveRunDirs(dirs);
  const r = cachedPredictionManifold({ runDirs, ...(studyDir ? { studyDir } : {}), components, method: opts.method, force: opts.force }, plainContext({
    onProgress: (f, message) => { if (!opts.json && process.stderr.isTTY) process.stderr.write(`\r\x1b[K${message ?? ''} ${f !== undefined ? `${Math.round(100 * f)}%` : ''}`); },
  }));
  if (!opts.json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  return manifoldSummary(r, opts.axes);
}

/** The `--json` object and the text lines of a run-based manifold (shared with `topolens analyze`). */
export function manifoldSummary(r: PredictionManifold, axes: number): { json: ManifoldJson; text: string[] } {
  const points: ManifoldJson['points'] = [];
  const text: string[] = [`${r.m} models (${r.runs.length} runs + P0 + P*) on a probe set of ${r.probe.samples} samples, ${r.probe.classes} classes; ${r.method} eigen-decomposition, ${r.kernel} distances`];
  for (const run of r.runs) {
    text.push(`${run.name} (${run.architecture}, ${run.optimizer}${run.seed !== undefined ? `, seed ${run.seed}` : ''}): ${run.steps.length} checkpoints, progress ${run.progress[0].toFixed(3)} -> ${run.progress[run.progress.length - 1].toFixed(3)}  ${run.runDir}`);
    run.steps.forEach((step, i) => points.push({ runDir: run.runDir, step, coords: run.coords[i].slice(0, axes), progress: run.progress[i] }));
  }
  points.push({ runDir: null, step: null, coords: r.p0.coords.slice(0, axes), progress: r.p0.progress });
  points.push({ runDir: null, step: null, coords: r.pStar.coords.slice(0, axes), progress: r.pStar.progress });
  text.push(`P0 at (${fmt(r.p0.coords.slice(0, axes))}), P* at (${fmt(r.pStar.coords.slice(0, axes))})`);
  return { json: { eigenvalues: r.eigenvalues, explainedStress: r.explainedStress.slice(0, ES_SHOWN), points }, text };
}

function fromNpy(file: string, opts: ManifoldCliOptions, components: number): { json: ManifoldJson; text: string[] } {
  const resolved = path.resolve(file);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(resolved);
  } catch (e) {
    throw new Error(`${resolved}: cannot read (${(e as Error).message})`);
  }
  const { shape, data } = parseNpy(bytes, resolved);
  if (shape.length !== 3) throw new Error(`${resolved}: expected an array [m, N, C] of probabilities, got shape (${shape.join(', ')})`);
  const [m, N, C] = shape;
  if (m < 2 || N < 1 || C < 2) throw new Error(`${resolved}: need m >= 2 models, N >= 1 samples, C >= 2 classes (shape ${shape.join(' x ')})`);
  for (let i = 0; i < m; i++) {
    const problem = probabilityProblem(data, i * N * C, N, C);
    if (problem) throw new Error(`${resolved}: model ${i}: ${problem}`);
  }
  const { D, kernel } = bhattacharyyaMatrix({ data, m, samples: N, classes: C });
  const e = inpca(D, m, { components: Math.min(m, components), method: opts.method });
  const points: ManifoldJson['points'] = [];
  for (let p = 0; p < m; p++) points.push({ runDir: null, step: p, coords: Array.from(e.coords.subarray(p * e.k, p * e.k + Math.min(opts.axes, e.k))), progress: null });
  return {
    json: { eigenvalues: Array.from(e.eigenvalues), explainedStress: Array.from(e.explainedStress.slice(0, ES_SHOWN)), points },
    text: [`${m} models from ${resolved} (${N} samples, ${C} classes); ${e.method} eigen-decomposition, ${kernel} distances`],
  };
}

function fmt(xs: number[]): string {
  return xs.map((x) => x.toFixed(4)).join(', ');
}

export function registerManifoldCommand(program: Command): void {
  program
    .command('manifold')
    .description('prediction manifold (InPCA of the probe-set predictions, SPEC C) of runs or a study, or of a .npy array [m, N, C]')
    .argument('[dirs...]', 'run folders or study folders (studies/<id>)')
    .option('--axes <n>', 'coordinates printed per point', parseIntOption('--axes', 1), 3)
    .option('--components <n>', 'InPCA axes computed (default 10, at least --axes and 5)', parseIntOption('--components', 1))
    .option('--method <m>', 'eigen-decomposition: auto | full | lanczos', parseChoice('--method', ['auto', 'full', 'lanczos'] as const), 'auto')
    .option('--probs <file.npy>', 'embed exactly the models of a NumPy array [m, N, C] of probabilities')
    .option('--json', 'print {eigenvalues, explainedStress, points} as JSON')
    .option('--force', 'recompute instead of using the cached result')
    .action((dirs: string[], opts: ManifoldCliOptions) => {
      const components = Math.max(opts.components ?? 10, opts.axes, ES_SHOWN);
      if (opts.probs && dirs.length > 0) throw new Error('manifold: give either run/study folders or --probs FILE.npy, not both');
      const { json, text } = opts.probs ? fromNpy(opts.probs, opts, components) : fromRuns(dirs, opts, components);
      if (opts.json) return void console.log(JSON.stringify(json, null, 2));
      for (const line of text) console.log(line);
      console.log(`eigenvalues (by |lambda|; * = time-like): ${json.eigenvalues.map((l) => `${l.toPrecision(4)}${l < 0 ? '*' : ''}`).join('  ')}`);
      console.log(`explained stress ES(1..${json.explainedStress.length}): ${json.explainedStress.map((x) => x.toFixed(4)).join('  ')}`);
      console.log(`${'run'.padEnd(44)} ${'step'.padStart(7)}  ${'progress'.padStart(8)}  coords`);
      for (const p of json.points) {
        const who = p.runDir === null ? (p.step === null ? (p.progress === 0 ? 'P0' : 'P*') : '') : path.basename(p.runDir);
        console.log(`${who.slice(0, 44).padEnd(44)} ${String(p.step ?? '').padStart(7)}  ${(p.progress === null ? '' : p.progress.toFixed(4)).padStart(8)}  ${fmt(p.coords)}`);
      }
    });
}
