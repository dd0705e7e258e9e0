/**
 * `topolens trees RUN_DIR`: the weight trees of a run (SPEC A) — per layer, the Mapper graph of the
 * weight trajectories with the paper's defaults (PCA 20, norm lens, KeplerMapper 1.1 cover with
 * (30, 25, 20) intervals and overlap 0.99, DBSCAN eps (0.1, 0.2, 0.5), min_samples 2) unless flags say
 * otherwise, its tree shape, branch-event steps and capacity curve. Shares the worker's cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { cacheSlot } from '../../analyses/cache';
import { computeWeightTrees, WEIGHT_TREES } from '../../analyses/weightTrees/analyses';
import { toKeplerMapperGraph } from '../../analyses/weightTrees/keplerMapperJson';
import { treeCacheSpec } from '../../analyses/weightTrees/runInputs';
import { plainContext } from '../../analyses/definition';
import type { LayerTree, WeightTrees, WeightTreesParams } from '../../worker/protocol/weightTrees';
import { parseChoice, parseIntOption, parseNumberOption } from './topologyOptions';

interface TreesCliOptions {
  layer: string[];
  pca?: number;
  cover?: 'keplermapper-1.1' | 'kepler-mapper';
  intervals?: number;
  overlap?: number;
  eps?: number | 'fit';
  minSamples?: number;
  minIntersection?: number;
  capacityScale?: number;
  graph?: string;
  json?: boolean;
  force?: boolean;
}

/** The `--json` shape of one layer (field names fixed by issue 9). */
export interface TreesJsonLayer {
  name: string;
  points: number;
  nodes: number;
  edges: number;
  components: number;
  forest: boolean;
  leaves: number;
  branchPoints: number;
  branchSteps: number[];
  capacity: [number, number][];
}

export function treesJson(result: WeightTrees): { layers: TreesJsonLayer[] } {
  return {
    layers: result.layers.map((l) => ({
      name: l.layer,
      points: l.points,
      nodes: l.shape.nodes,
      edges: l.shape.edges,
      components: l.shape.components,
      forest: l.shape.forest,
      leaves: l.shape.leaves,
      branchPoints: l.shape.branchPoints,
      branchSteps: l.branchEvents.map((e) => Math.round(e.step)),
      capacity: l.capacity.steps.map((s, i) => [s, l.capacity.clusters[i]] as [number, number]),
    })),
  };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** Capacity at up to `count` evenly spaced checkpoints (always the first and last). */
function capacitySamples(l: LayerTree, count = 11): string {
  const m = l.capacity.steps.length;
  const idx = [...new Set(Array.from({ length: Math.min(count, m) }, (_, i) => Math.round((i * (m - 1)) / Math.max(1, Math.min(count, m) - 1))))];
  return idx.map((i) => `${l.capacity.steps[i]}:${l.capacity.clusters[i]}${l.capacity.accuracy[i] !== null ? ` (${pct(l.capacity.accuracy[i] as number)})` : ''}`).join('  ');
}

export function summarizeTrees(result: WeightTrees): string {
  const lines = [`weight trees of ${result.runName} (${result.steps.length} checkpoints, steps ${result.steps[0]}..${result.steps[result.steps.length - 1]})`];
  for (const l of result.layers) {
    const s = l.settings;
    const sh = l.shape;
    lines.push(`${l.layer}: ${l.points} points (${l.checkpoints} checkpoints x ${l.neurons} neurons in R^${l.fanIn}); PCA ${s.pca} (axes ${l.pcaVariance.slice(0, 3).map(pct).join(', ')}), ${s.cover} cover ${s.intervals} x ${s.overlap}, DBSCAN eps ${s.eps.toPrecision(3)}${s.epsFitted ? ' (fitted)' : ''} min_samples ${s.minSamples}`);
    const kind = sh.tree ? 'a tree' : sh.forest ? `a forest of ${sh.components} trees` : `${sh.components} component(s) with ${sh.cycles} cycle(s)`;
    lines.push(`  graph: ${sh.nodes} nodes, ${sh.edges} edges, ${sh.components} component(s): ${kind}; ${sh.leaves} leaves, ${sh.branchPoints} branch points, longest path ${sh.longestPath}`);
    lines.push(`  branch events at steps: ${l.branchEvents.length ? l.branchEvents.map((e) => Math.round(e.step)).join(', ') : 'none'}`);
    lines.push(`  capacity (clusters at cut ${l.capacity.cut.toPrecision(3)} = ${l.capacity.scale} x spread; step:clusters (test accuracy)): ${capacitySamples(l)}`);
  }
  return lines.join('\n');
}

function parseEps(value: string): number | 'fit' {
  if (value === 'fit') return 'fit';
  return parseNumberOption('--eps', 0, true)(value);
}

/** Graph file(s): FILE for one layer, FILE with `.<layer>` before the extension for several. */
function writeGraphs(file: string, result: WeightTrees): string[] {
  const written: string[] = [];
  const ext = path.extname(file);
  for (const l of result.layers) {
    const out = result.layers.length === 1 ? file : `${file.slice(0, file.length - ext.length)}.${l.layer}${ext || '.json'}`;
    try {
      fs.writeFileSync(out, `${JSON.stringify(toKeplerMapperGraph(l))}\n`);
    } catch (e) {
      throw new Error(`--graph ${out}: cannot write (${(e as Error).message})`);
    }
    written.push(out);
  }
  return written;
}

export function runTrees(runDir: string, opts: TreesCliOptions): WeightTrees {
  const params: WeightTreesParams = {
    runDirs: [path.resolve(runDir)],
    ...(opts.layer.length ? { layers: opts.layer } : {}),
    ...(opts.pca !== undefined ? { pca: opts.pca } : {}),
    ...(opts.cover !== undefined ? { cover: opts.cover } : {}),
    ...(opts.intervals !== undefined ? { intervals: opts.intervals } : {}),
    ...(opts.overlap !== undefined ? { overlap: opts.overlap } : {}),
    ...(opts.eps !== undefined ? { eps: opts.eps } : {}),
    ...(opts.minSamples !== undefined ? { minSamples: opts.minSamples } : {}),
    ...(opts.minIntersection !== undefined ? { minIntersection: opts.minIntersection } : {}),
    ...(opts.capacityScale !== undefined ? { capacityScale: opts.capacityScale } : {}),
  };
  if (!fs.existsSync(params.runDirs[0])) throw new Error(`${params.runDirs[0]}: no such run folder`);
  const slot = cacheSlot<WeightTrees>(WEIGHT_TREES.name, WEIGHT_TREES.version, params, treeCacheSpec(params), opts.force);
  if (slot.hit) return slot.hit;
  const result = computeWeightTrees(params, plainContext());
  slot.store(result);
  return result;
}

export function registerTreesCommand(program: Command): void {
  program
    .command('trees')
    .description('weight trees of a run (SPEC A): Mapper graphs of weight trajectories per layer, tree shape, branch events, capacity')
    .argument('<runDir>', 'run folder')
    .option('--layer <name>', 'layer to analyse (repeatable; default every dense layer)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--pca <k>', 'PCA components (paper: 20)', parseIntOption('--pca', 1))
    .option('--cover <kind>', 'keplermapper-1.1 (paper) or kepler-mapper (modern kmapper)', parseChoice('--cover', ['keplermapper-1.1', 'kepler-mapper'] as const))
    .option('--intervals <n>', 'intervals of the lens range (paper: 30, 25, 20 per layer)', parseIntOption('--intervals', 1))
    .option('--overlap <p>', 'overlap fraction (paper: 0.99)', parseNumberOption('--overlap', 0))
    .option('--eps <eps>', 'DBSCAN radius, or "fit" for the k-distance elbow (paper: 0.1, 0.2, 0.5 per layer)', parseEps)
    .option('--min-samples <m>', 'DBSCAN min_samples (paper: 2)', parseIntOption('--min-samples', 1))
    .option('--min-intersection <m>', 'shared points needed for an edge (default 1)', parseIntOption('--min-intersection', 1))
    .option('--capacity-scale <s>', 'capacity single-linkage cut as a fraction of the layer spread (default 0.05)', parseNumberOption('--capacity-scale', 0))
    .option('--graph <file>', 'write the graph as KeplerMapper JSON (one file per layer: FILE.<layer>.json when several)')
    .option('--force', 'recompute even when a cached result exists')
    .option('--json', 'print {"layers": [...]} as JSON')
    .action((runDir: string, opts: TreesCliOptions) => {
      const result = runTrees(runDir, opts);
      const written = opts.graph ? writeGraphs(opts.graph, result) : [];
      if (opts.json) process.stdout.write(`${JSON.stringify(treesJson(result))}\n`);
      else process.stdout.write(`${summarizeTrees(result)}\n${written.map((f) => `graph written to ${f}\n`).join('')}`);
    });
}
