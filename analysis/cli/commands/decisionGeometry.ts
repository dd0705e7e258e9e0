/**
 * `topolens geometry RUN_DIR`: decision geometry of a checkpoint (SPEC D) from the shell: grid regions,
 * the first layer's arrangement against Zaslavsky's bound, exact breakpoints along a segment between two
 * probe inputs, per-layer ||W|| and band widths for several weight scales. `geometry-series` follows the
 * same numbers over training; `geometry-subsample` runs the subsampling study.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { computeDecisionGeometry } from '../../analyses/decisionGeometry/geometry';
import { computeDecisionSeries } from '../../analyses/decisionGeometry/series';
import { computeSubsampling } from '../../analyses/decisionGeometry/subsampling';
import type { DecisionGeometryResult } from '../../worker/protocol/decisionGeometry';

function intList(option: string, count?: number) {
  return (v: string): number[] => {
    const xs = v.split(',').map((s) => Number(s.trim()));
    if (xs.some((x) => !Number.isInteger(x) || x < 0) || (count !== undefined && xs.length !== count)) {
      throw new Error(`${option} ${v}: expected ${count ?? 'a list of'} non-negative integers separated by commas${count === 2 ? ', e.g. 0,5' : ''}`);
    }
    return xs;
  };
}

function numberList(option: string) {
  return (v: string): number[] => {
    const xs = v.split(',').map((s) => Number(s.trim()));
    if (xs.length === 0 || xs.some((x) => !(x > 0) || !Number.isFinite(x))) throw new Error(`${option} ${v}: expected positive numbers separated by commas, e.g. 0.5,1,2,4`);
    return xs;
  };
}

function positiveInt(option: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${option} ${v}: expected a positive integer`);
    return n;
  };
}

function nonNegativeInt(option: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${option} ${v}: expected a non-negative integer`);
    return n;
  };
}

/** The `--json` shape of issue 11, field names exactly. */
export function geometryJson(r: DecisionGeometryResult) {
  return {
    gridRegions: r.gridRegions,
    firstLayerRegions: r.firstLayer.regionsInPlane,
    zaslavskyBound: r.firstLayer.zaslavskyBound,
    segment: r.segment ? { from: r.segment.from, to: r.segment.to, breakpoints: r.segment.breakpoints, pieces: r.segment.pieces } : null,
    weightNorms: Object.fromEntries(r.weightNorms.map((w) => [w.layer, w.norm])),
    bands: r.bands.map((b) => ({ alpha: b.alpha, c: b.c, predictedWidth: b.predictedWidth, measuredWidth: b.measuredWidth, bandFraction: b.bandFraction })),
  };
}

function fmt(x: number | null, digits = 4): string {
  return x === null ? 'n/a' : x.toPrecision(digits);
}

export function geometryText(r: DecisionGeometryResult): string {
  const lines = [
    `decision geometry of ${r.runName} at step ${r.step} (${r.plane.kind === 'data' ? 'data plane' : `plane through probes ${r.plane.probes?.join(', ')}`}, ${r.grid}x${r.grid} grid)`,
    `  regions over the grid: ${r.gridRegions} (by depth: ${r.regionsByLayer.join(', ')})${r.piecewiseLinear ? '' : '  [sign patterns: hidden units are not piecewise linear]'}`,
    `  first layer: ${r.firstLayer.units} units, ${r.firstLayer.lines.length} lines in the plane, ${r.firstLayer.regionsInPlane} regions in the plane (${r.firstLayer.regionsInView} in view); Zaslavsky bound ${r.firstLayer.zaslavskyBound}`,
  ];
  if (r.segment) {
    const s = r.segment;
    lines.push(`  segment probe ${s.from} (class ${s.fromLabel}) -> probe ${s.to} (class ${s.toLabel}), length ${fmt(s.length)}: ${s.breakpoints.length} exact breakpoints, ${s.pieces} linear pieces (per layer ${s.perLayer.join(', ')})`);
    if (s.breakpoints.length) lines.push(`    t = ${s.breakpoints.map((t) => t.toFixed(4)).join(' ')}`);
  } else {
    lines.push('  segment: no exact breakpoints (hidden units are not piecewise linear)');
  }
  lines.push(`  ||W|| per layer: ${r.weightNorms.map((w) => `${w.layer} ${fmt(w.norm)}`).join(', ')}`);
  lines.push(`  bands (max prob < 1 - c, scaling "${r.scaleMode}"):`);
  for (const b of r.bands) lines.push(`    alpha ${b.alpha}: width measured ${fmt(b.measuredWidth)}, predicted 2 logit(1-c)/(alpha ||g||) ${fmt(b.predictedWidth)}, ${(100 * b.bandFraction).toFixed(1)}% of the view`);
  return lines.join('\n');
}

export function registerGeometryCommands(program: Command): void {
  program
    .command('geometry')
    .description('decision geometry of a checkpoint: regions, Zaslavsky bound, exact segment breakpoints, ||W||, bands (SPEC D)')
    .argument('<runDir>', 'run folder')
    .option('--step <n>', 'checkpoint step (default: last)', nonNegativeInt('--step'))
    .option('--grid <n>', 'grid cells per side', positiveInt('--grid'), 256)
    .option('--segment <i,j>', 'probe indices of the segment end points', intList('--segment', 2))
    .option('--plane <i,j,k>', 'probe indices spanning the plane (image models; default: three probes of different classes)', intList('--plane', 3))
    .option('--alphas <list>', 'weight scales for the band table', numberList('--alphas'))
    .option('--band-level <c>', 'band level c: the band is max probability below 1 - c', (v) => Number(v))
    .option('--json', 'print JSON')
    .action((runDir: string, o: { step?: number; grid: number; segment?: number[]; plane?: number[]; alphas?: number[]; bandLevel?: number; json?: boolean }) => {
      const r = computeDecisionGeometry({
        runDirs: [path.resolve(runDir)], step: o.step, grid: o.grid, alphas: o.alphas, bandLevel: o.bandLevel,
        segment: o.segment as [number, number] | undefined, plane: o.plane as [number, number, number] | undefined, gradientMap: false,
      });
      console.log(o.json ? JSON.stringify(geometryJson(r), null, 2) : geometryText(r));
    });
  program
    .command('geometry-series')
    .description('decision geometry over training: ||W||, region counts, gradient concentration, sigma\' fractions')
    .argument('<runDirs...>', 'run folders (e.g. a preset with and without L2)')
    .option('--grid <n>', 'grid cells per side for the region counts', positiveInt('--grid'), 128)
    .option('--samples <n>', 'training samples for gradient statistics', positiveInt('--samples'), 1000)
    .option('--json', 'print JSON')
    .action((runDirs: string[], o: { grid: number; samples: number; json?: boolean }) => {
      const r = computeDecisionSeries({ runDirs: runDirs.map((d) => path.resolve(d)), grid: o.grid, samples: o.samples });
      if (o.json) return void console.log(JSON.stringify(r, null, 2));
      for (const run of r.runs) {
        console.log(`${run.runName} (weight decay ${run.weightDecay}):`);
        console.log(`  ${'step'.padStart(6)}  ${run.layers.map((l) => ` ||${l}||`.padStart(11)).join('')}  regions  1st-layer/bound  acc    mean|g|  band share (samples -> gradient)`);
        for (const p of run.points) {
          console.log(`  ${String(p.step).padStart(6)}  ${p.weightNorms.map((w) => w.toFixed(3).padStart(11)).join('')}  ${String(p.regionsByLayer.at(-1) ?? 1).padStart(7)}  ${`${p.firstLayerRegions}/${p.zaslavskyBound}`.padStart(15)}  ${(100 * p.trainAccuracy).toFixed(1).padStart(5)}  ${p.meanGradientNorm.toExponential(2)}  ${(100 * p.bandSampleShare).toFixed(1)}% -> ${(100 * p.bandGradientShare).toFixed(1)}%`);
        }
      }
    });
  program
    .command('geometry-subsample')
    .description('subsampling study: train on the low-confidence band plus a random share vs uniform subsets of equal size')
    .argument('<runDir>', 'run folder of a 2-D toy run (its final checkpoint scores the samples)')
    .option('--budgets <list>', 'training-set sizes', intList('--budgets'))
    .option('--seeds <n>', 'seeds per budget and method', positiveInt('--seeds'), 5)
    .option('--selection <kind>', 'band (lowest confidence) or loss (highest loss)', 'band')
    .option('--steps <n>', 'training steps of each small network', positiveInt('--steps'))
    .option('--json', 'print JSON')
    .action((runDir: string, o: { budgets?: number[]; seeds: number; selection: string; steps?: number; json?: boolean }) => {
      if (o.selection !== 'band' && o.selection !== 'loss') throw new Error(`--selection ${o.selection}: use band or loss`);
      const r = computeSubsampling({ runDirs: [path.resolve(runDir)], budgets: o.budgets, seeds: o.seeds, selection: o.selection, steps: o.steps });
      if (o.json) return void console.log(JSON.stringify(r, null, 2));
      console.log(`subsampling study on ${r.runDir} (scorer: step ${r.scorerStep}, ${r.testSamples} test samples, ${r.steps} steps per net)`);
      console.log(`  ${'budget'.padStart(6)}  ${'method'.padEnd(8)} test accuracy (mean ± std over seeds)`);
      for (const row of r.rows) console.log(`  ${String(row.budget).padStart(6)}  ${row.method.padEnd(8)} ${(100 * row.mean).toFixed(1)}% ± ${(100 * row.std).toFixed(1)}`);
    });
}
