/**
 * The Mapper pipeline (Singh, Memoli & Carlsson 2007) as replaceable stages: lens values -> cover
 * elements -> clusters of each element's points -> nerve. Returns a plain JSON-serialisable graph:
 * nodes with their member point indices and lens statistics, links with the number of shared points,
 * and the graph's shape (components, cycles, leaves, branch points).
 */
import { analyzeGraph, type GraphShape } from './graphAnalysis';
import { runClusterer, type ClustererSpec } from './cluster';
import { coverElements, type CoverSpec } from './cover';
import { nerveEdges } from './nerve';
import { validateLens } from './lens';

export interface MapperOptions {
  /** Lens values, row-major n x lensDims. */
  lens: ArrayLike<number>;
  lensDims?: number;
  cover: CoverSpec;
  clusterer: ClustererSpec;
  /** Points two clusters must share to be linked (default 1). */
  minIntersection?: number;
  /** Optional per-point values summarised per node (e.g. training step): mean, min, max. */
  colorBy?: ArrayLike<number>;
  /** Checked between cover elements; throw to abandon (e.g. a CancelledError). */
  onElement?: (done: number, total: number) => void;
}

export interface ValueSummary {
  mean: number;
  min: number;
  max: number;
}

export interface MapperNode {
  /** Stable id: cover element coordinates and cluster label, e.g. "c3_k0" or "c2.5_k1". */
  id: string;
  /** Interval index per lens dimension of the cover element the cluster came from. */
  cover: number[];
  cluster: number;
  /** Member point indices, ascending. */
  members: number[];
  size: number;
  lens: ValueSummary;
  color?: ValueSummary;
}

export interface MapperLink {
  source: number;
  target: number;
  shared: number;
}

export interface MapperGraph {
  nodes: MapperNode[];
  links: MapperLink[];
  shape: GraphShape;
  params: { n: number; dim: number; lensDims: number; cover: CoverSpec; clusterer: ClustererSpec; minIntersection: number };
}

function summarize(values: Float64Array, members: Uint32Array, stride = 1, offset = 0): ValueSummary {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const p of members) {
    const v = values[p * stride + offset];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: sum / members.length, min, max };
}

/** Builds the Mapper graph of `points` (row-major n x dim, the space clusters are formed in). */
export function mapper(points: Float64Array, n: number, dim: number, opts: MapperOptions): MapperGraph {
  if (points.length !== n * dim) throw new Error(`mapper: ${points.length} numbers for ${n} points of dimension ${dim}`);
  const lensDims = opts.lensDims ?? 1;
  const lens = validateLens(opts.lens, n, lensDims);
  const color = opts.colorBy === undefined ? undefined : validateLens(opts.colorBy, n, 1, 'colour values');
  const minIntersection = opts.minIntersection ?? 1;
  const elements = coverElements(lens, n, lensDims, opts.cover);
  const nodes: MapperNode[] = [];
  const nodeMembers: Uint32Array[] = [];
  const sub = new Float64Array(n * dim);
  elements.forEach((el, e) => {
    opts.onElement?.(e, elements.length);
    const m = el.members.length;
    for (let a = 0; a < m; a++) sub.set(points.subarray(el.members[a] * dim, (el.members[a] + 1) * dim), a * dim);
    const labels = runClusterer(opts.clusterer, sub.subarray(0, m * dim), m, dim);
    const groups = new Map<number, number[]>();
    for (let a = 0; a < m; a++) {
      const l = labels[a];
      if (l < 0) continue;
      let g = groups.get(l);
      if (!g) groups.set(l, (g = []));
      g.push(el.members[a]);
    }
    for (const label of [...groups.keys()].sort((x, y) => x - y)) {
      const members = Uint32Array.from(groups.get(label)!);
      nodeMembers.push(members);
      const lensSummary = summarize(lens, members, lensDims, 0);
      nodes.push({
        id: `c${el.coords.join('.')}_k${label}`,
        cover: el.coords,
        cluster: label,
        members: Array.from(members),
        size: members.length,
        lens: lensSummary,
        ...(color ? { color: summarize(color, members) } : {}),
      });
    }
  });
  const links = nerveEdges(nodeMembers, n, minIntersection);
  return {
    nodes,
    links,
    shape: analyzeGraph(nodes.length, links),
    params: { n, dim, lensDims, cover: opts.cover, clusterer: opts.clusterer, minIntersection },
  };
}
