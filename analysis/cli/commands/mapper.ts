/**
 * `topolens mapper INPUT`: the Mapper graph of a point cloud CSV, as JSON on stdout. Defaults follow
 * SPEC section A (Gabella): PCA to 20 dimensions, lens = norm of the reduced point, KeplerMapper 1.1
 * cover, DBSCAN(eps 0.1, min_samples 2) in the PCA space.
 */
import type { Command } from 'commander';
import { pcaTopK } from '../../linalg/pca';
import { mapper, type MapperGraph } from '../../topology/mapper/mapper';
import { normLens, pcaCoordinateLens } from '../../topology/mapper/lens';
import type { ClustererSpec } from '../../topology/mapper/cluster';
import type { CoverKind } from '../../topology/mapper/cover';
import { readPointCloud } from './inputFormats';
import { parseChoice, parseIntOption, parseNumberOption, readVector } from './topologyOptions';

interface MapperCliOptions {
  pca: number;
  lens: string;
  color?: string;
  cover: CoverKind;
  intervals: number;
  overlap: number;
  cluster: 'dbscan' | 'single-linkage';
  eps: number;
  minSamples: number;
  cut?: number;
  minIntersection: number;
  seed: number;
}

/**
 * A lens or colour spec: `norm` (of the PCA-reduced point), `pca:J` (coordinate J, 0-based), `index`
 * (row number — training time for a file with one row per step), or `file:PATH` (one value per row).
 */
function resolveValues(spec: string, what: string, n: number, scores: Float64Array, k: number, pcaFit: ReturnType<typeof pcaTopK> | null): Float64Array {
  if (spec === 'norm') return normLens(scores, n, k);
  if (spec === 'index') return Float64Array.from({ length: n }, (_, i) => i);
  const pcaMatch = /^pca:(\d+)$/.exec(spec);
  if (pcaMatch) {
    if (!pcaFit) throw new Error(`--${what} ${spec}: needs --pca > 0`);
    return pcaCoordinateLens(pcaFit, Number(pcaMatch[1]));
  }
  if (spec.startsWith('file:')) {
    const v = readVector(spec.slice(5));
    if (v.length !== n) throw new Error(`--${what} ${spec}: ${v.length} values for ${n} points`);
    return v;
  }
  throw new Error(`--${what} ${spec}: expected norm, index, pca:J or file:PATH`);
}

export function runMapper(path: string, opts: MapperCliOptions): MapperGraph {
  const pc = readPointCloud(path);
  const { n, d } = pc;
  let points = pc.data;
  let dim = d;
  let pcaFit: ReturnType<typeof pcaTopK> | null = null;
  if (opts.pca > 0) {
    pcaFit = pcaTopK(pc.data, n, d, opts.pca, { seed: opts.seed });
    points = pcaFit.scores;
    dim = pcaFit.k;
  }
  const lens = resolveValues(opts.lens, 'lens', n, points, dim, pcaFit);
  const colorBy = opts.color === undefined ? undefined : resolveValues(opts.color, 'color', n, points, dim, pcaFit);
  let clusterer: ClustererSpec;
  if (opts.cluster === 'single-linkage') {
    if (opts.cut === undefined) throw new Error('--cluster single-linkage: needs --cut <height>');
    clusterer = { method: 'single-linkage', cut: opts.cut };
  } else {
    clusterer = { method: 'dbscan', eps: opts.eps, minSamples: opts.minSamples };
  }
  return mapper(points, n, dim, {
    lens,
    cover: { kind: opts.cover, intervals: opts.intervals, overlap: opts.overlap },
    clusterer,
    minIntersection: opts.minIntersection,
    colorBy,
  });
}

export function registerMapperCommand(program: Command): void {
  program
    .command('mapper')
    .description('Mapper graph (lens, cover, clustering, nerve) of a point cloud; JSON on stdout')
    .argument('<input>', 'point cloud CSV, one point per line')
    .option('--pca <k>', 'reduce to k principal components first (0: cluster in the input space)', parseIntOption('--pca', 0), 20)
    .option('--lens <spec>', 'norm | index | pca:J | file:PATH', 'norm')
    .option('--color <spec>', 'per-node colour values: norm | index | pca:J | file:PATH')
    .option('--cover <kind>', 'keplermapper-1.1 ([m+ic, m+(i+1)c+pc)) or kepler-mapper (modern kmapper)', parseChoice('--cover', ['keplermapper-1.1', 'kepler-mapper'] as const), 'keplermapper-1.1')
    .option('--intervals <n>', 'intervals per lens dimension', parseIntOption('--intervals', 1), 30)
    .option('--overlap <p>', 'overlap fraction', parseNumberOption('--overlap', 0), 0.99)
    .option('--cluster <method>', 'dbscan or single-linkage', parseChoice('--cluster', ['dbscan', 'single-linkage'] as const), 'dbscan')
    .option('--eps <eps>', 'DBSCAN radius', parseNumberOption('--eps', 0, true), 0.1)
    .option('--min-samples <m>', 'DBSCAN min_samples', parseIntOption('--min-samples', 1), 2)
    .option('--cut <h>', 'single-linkage cut height', parseNumberOption('--cut', 0))
    .option('--min-intersection <m>', 'shared points needed for an edge', parseIntOption('--min-intersection', 1), 1)
    .option('--seed <s>', 'seed of the randomized PCA', parseIntOption('--seed', 0), 0)
    .action((input: string, opts: MapperCliOptions) => {
      process.stdout.write(`${JSON.stringify(runMapper(input, opts))}\n`);
    });
}
