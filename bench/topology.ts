/**
 * `npm run bench -- topology [--repeats N] [--only a,b] [--no-reference] [--ref-timeout S]`
 *
 * Vietoris-Rips persistence (dims 0-1, no threshold) on the issue's five clouds, and PCA + Mapper on a
 * 20,100 x 784 weight-trajectory-like cloud. Each measurement runs in a fresh child process so its peak
 * memory (maxRSS) is its own. References measured in the same run, on the same files:
 * - GUDHI 3.7 (Debian python3-gudhi): RipsComplex at the enclosing radius, edge collapse, expansion to
 *   dimension 2, persistence (GUDHI's recommended route; without collapse it runs out of memory);
 *   its diagrams are also compared with ours (bottleneck distance);
 * - scikit-learn: the same Mapper pipeline (randomized PCA, KeplerMapper 1.1 cover, DBSCAN, nerve).
 * The issue's Ripser C++ timings on this machine are quoted for a cross-run ratio.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ripsPersistence } from '../analysis/topology/rips';
import { toRipserJson, fromRipserJson, type RipserJson } from '../analysis/topology/convert';
import { bottleneckDistance } from '../analysis/topology/bottleneck';
import { parsePointCloud } from '../analysis/cli/commands/inputFormats';
import { pcaTopK } from '../analysis/linalg/pca';
import { mapper } from '../analysis/topology/mapper/mapper';
import { normLens } from '../analysis/topology/mapper/lens';
import { gaussianSource, mulberry32 } from '../analysis/linalg/random';
import { gaussianCloud, noisyCircle, torusCloud, uniformCloud, type PointCloud } from '../test/unit/topology/sampleClouds';

const PYTHON = '/usr/bin/python3';

interface RipsCase {
  name: string;
  /** Ripser C++ (-O3) seconds on this machine, as quoted in issue 4. */
  ripserCppSeconds: number;
  make: () => PointCloud;
}

const RIPS_CASES: RipsCase[] = [
  { name: 'uniform1000_r3', ripserCppSeconds: 0.3, make: () => uniformCloud(1000, 3, 1) },
  { name: 'uniform2000_r3', ripserCppSeconds: 2.3, make: () => uniformCloud(2000, 3, 2) },
  { name: 'noisy_circle1000_r2', ripserCppSeconds: 7, make: () => noisyCircle(1000, 0.1, 3) },
  { name: 'torus1000_r3', ripserCppSeconds: 1.3, make: () => torusCloud(1000, 2, 1, 4) },
  { name: 'gauss500_r784', ripserCppSeconds: 0.35, make: () => gaussianCloud(500, 784, 5) },
];

const MAPPER = { n: 20100, d: 784, neurons: 100, steps: 201, pcs: 20, intervals: 30, overlap: 0.99, eps: 0.1, minSamples: 2 };

/**
 * Weight-trajectory-like cloud: `neurons` smooth paths of `steps` points in R^d, all starting near the
 * origin and spreading along a decaying spectrum of directions (like first-layer weights from a tiny
 * initialisation), plus small isotropic noise. Row = neuron * steps + step.
 */
function trajectoryCloud(): Float64Array {
  const { n, d, neurons, steps } = MAPPER;
  const g = gaussianSource(mulberry32(6));
  const data = new Float64Array(n * d);
  const basis = Array.from({ length: 40 }, () => Float64Array.from({ length: d }, () => g() / Math.sqrt(d)));
  for (let neuron = 0; neuron < neurons; neuron++) {
    const coef = Array.from({ length: 40 }, (_, j) => g() / (1 + j));
    for (let s = 0; s < steps; s++) {
      const row = (neuron * steps + s) * d;
      const t = s / (steps - 1);
      for (let j = 0; j < 40; j++) {
        const c = coef[j] * Math.sin((j + 1) * t + neuron) * t;
        const b = basis[j];
        for (let k = 0; k < d; k++) data[row + k] += c * b[k];
      }
      for (let k = 0; k < d; k++) data[row + k] += 0.001 * g();
    }
  }
  return data;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function round(x: number, digits = 3): number {
  return Number(x.toFixed(digits));
}

// ---------------------------------------------------------------------------------------------------
// Child processes (one measurement each, so maxRSS is that measurement's peak).

function childRips(csv: string, repeats: number): object {
  const pc = parsePointCloud(readFileSync(csv, 'utf8'), csv);
  const times: number[] = [];
  let json: RipserJson = {};
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const bars = ripsPersistence({ kind: 'points', data: pc.data, n: pc.n, d: pc.d }, { maxDim: 1 });
    times.push((performance.now() - t0) / 1000);
    json = toRipserJson(bars, 1);
  }
  return { times, maxRssMB: process.resourceUsage().maxRSS / 1024, diagram: json };
}

function childMapper(bin: string, repeats: number): object {
  const buf = readFileSync(bin);
  const data = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const times: number[] = [];
  const pcaTimes: number[] = [];
  let graph: ReturnType<typeof mapper> | null = null;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const pca = pcaTopK(data, MAPPER.n, MAPPER.d, MAPPER.pcs, { seed: 0 });
    const t1 = performance.now();
    graph = mapper(pca.scores, MAPPER.n, MAPPER.pcs, {
      lens: normLens(pca.scores, MAPPER.n, MAPPER.pcs),
      cover: { kind: 'keplermapper-1.1', intervals: MAPPER.intervals, overlap: MAPPER.overlap },
      clusterer: { method: 'dbscan', eps: MAPPER.eps, minSamples: MAPPER.minSamples },
      colorBy: Float64Array.from({ length: MAPPER.n }, (_, i) => i % MAPPER.steps),
    });
    const t2 = performance.now();
    times.push((t2 - t0) / 1000);
    pcaTimes.push((t1 - t0) / 1000);
  }
  const s = graph!.shape;
  return {
    times,
    pcaTimes,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    graph: { nodes: s.nodes, edges: s.edges, components: s.components, cycles: s.cycles, leaves: s.leaves.length, branchPoints: s.branchPoints.length },
  };
}

if (process.argv.includes('--topology-child')) {
  const [kind, file, repeats] = process.argv.slice(process.argv.indexOf('--topology-child') + 1);
  const out = kind === 'rips' ? childRips(file, Number(repeats)) : childMapper(file, Number(repeats));
  process.stdout.write(JSON.stringify(out));
}

function runOurs(kind: 'rips' | 'mapper', file: string, repeats: number): Record<string, unknown> {
  const res = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--topology-child', kind, file, String(repeats)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (res.status !== 0) throw new Error(`bench child (${kind} ${file}) failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------
// Python references.

const GUDHI_SCRIPT = `
import sys, json, time, resource
import numpy as np, gudhi
from scipy.spatial.distance import pdist, squareform
path, repeats = sys.argv[1], int(sys.argv[2])
pts = np.loadtxt(path, delimiter=',', ndmin=2)
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    D = squareform(pdist(pts))
    r = D.max(axis=1).min()  # enclosing radius, Ripser's default threshold
    st = gudhi.RipsComplex(distance_matrix=D, max_edge_length=r).create_simplex_tree(max_dimension=1)
    st.collapse_edges()
    st.expansion(2)
    st.compute_persistence()
    times.append(time.perf_counter() - t0)
dg = {}
for d in (0, 1):
    iv = st.persistence_intervals_in_dimension(d)
    dg['dim%d' % d] = sorted([[float(b), None if np.isinf(e) else float(e)] for b, e in iv if e > b], key=lambda p: (p[0], float('inf') if p[1] is None else p[1]))
print(json.dumps({'times': times, 'maxRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'diagram': dg}))
`;

const SKLEARN_MAPPER_SCRIPT = `
import sys, json, time, resource
import numpy as np
from sklearn.decomposition import PCA
from sklearn.cluster import DBSCAN
path, n, d, k, n_int, p, eps, ms, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
X = np.fromfile(path, dtype='<f8').reshape(n, d)
times, pca_times = [], []
for _ in range(repeats):
    t0 = time.perf_counter()
    Z = PCA(n_components=k, svd_solver='randomized', random_state=0).fit_transform(X)
    t1 = time.perf_counter()
    lens = np.linalg.norm(Z, axis=1)
    m = lens.min(); c = (lens.max() - m) / n_int
    nodes = []
    for i in range(n_int):  # KeplerMapper 1.1: [m + i c, m + (i+1) c + p c)
        idx = np.where((lens >= m + i * c) & (lens < m + i * c + c + p * c))[0]
        if len(idx) == 0: continue
        labels = DBSCAN(eps=eps, min_samples=ms).fit(Z[idx]).labels_
        for l in sorted(set(labels) - {-1}):
            nodes.append(set(idx[labels == l].tolist()))
    of = {}
    for a, mem in enumerate(nodes):
        for x in mem: of.setdefault(x, []).append(a)
    links = set()
    for lst in of.values():
        for i in range(len(lst)):
            for j in range(i + 1, len(lst)): links.add((lst[i], lst[j]))
    times.append(time.perf_counter() - t0); pca_times.append(t1 - t0)
print(json.dumps({'times': times, 'pcaTimes': pca_times, 'maxRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'graph': {'nodes': len(nodes), 'edges': len(links)}}))
`;

function runPython(script: string, args: string[], timeoutS: number): Record<string, unknown> {
  const res = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 1 << 28 });
  if (res.error && (res.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { error: `timed out after ${timeoutS} s` };
  if (res.status !== 0) return { error: (res.stderr || String(res.error)).trim().split('\n').slice(-1)[0] };
  return JSON.parse(res.stdout) as Record<string, unknown>;
}

function pythonHas(module: string): boolean {
  return spawnSync(PYTHON, ['-c', `import ${module}`]).status === 0;
}

function compareDiagrams(ours: RipserJson, theirs: RipserJson): { dim0: number; dim1: number } {
  const a = fromRipserJson(ours);
  const b = fromRipserJson(theirs);
  // H0: all births are 0, so the optimal matching pairs sorted deaths.
  const deaths = (bars: typeof a): number[] => bars.filter((x) => x.dim === 0).map((x) => x.death).sort((x, y) => x - y);
  const da = deaths(a);
  const db = deaths(b);
  let h0 = da.length === db.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(da.length, db.length); i++) h0 = Math.max(h0, da[i] === db[i] ? 0 : Math.abs(da[i] - db[i]));
  return { dim0: h0, dim1: bottleneckDistance(a, b, 1) };
}

// ---------------------------------------------------------------------------------------------------

export async function run(args: string[]): Promise<object> {
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const repeats = Number(opt('--repeats') ?? 3);
  const refRepeats = Number(opt('--ref-repeats') ?? 1);
  const refTimeout = Number(opt('--ref-timeout') ?? 300);
  const only = opt('--only')?.split(',');
  const withReference = !args.includes('--no-reference');
  const gudhi = withReference && pythonHas('gudhi') && pythonHas('scipy');
  const sklearn = withReference && pythonHas('sklearn');
  const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-'));
  const loadBefore = loadavg()[0];
  try {
    const rips: object[] = [];
    for (const c of RIPS_CASES) {
      if (only && !only.includes(c.name)) continue;
      const { data, n, d } = c.make();
      const csv = join(dir, `${c.name}.csv`);
      const lines: string[] = [];
      for (let i = 0; i < n; i++) lines.push(Array.from(data.subarray(i * d, (i + 1) * d)).join(','));
      writeFileSync(csv, `${lines.join('\n')}\n`);
      const ours = runOurs('rips', csv, repeats);
      const ourMedian = median(ours.times as number[]);
      const diagram = ours.diagram as RipserJson;
      const row: Record<string, unknown> = {
        case: c.name,
        n,
        d,
        bars: { dim0: diagram.dim0.length, dim1: diagram.dim1.length },
        oursMedianS: round(ourMedian),
        oursTimesS: (ours.times as number[]).map((t) => round(t)),
        oursPeakRssMB: round(ours.maxRssMB as number, 0),
        ripserCppS_issue: c.ripserCppSeconds,
        ratioVsRipserCpp_crossRun: round(ourMedian / c.ripserCppSeconds, 2),
      };
      if (gudhi) {
        const ref = runPython(GUDHI_SCRIPT, [csv, String(refRepeats)], refTimeout);
        if (ref.error) row.gudhi = { error: ref.error };
        else {
          const refMedian = median(ref.times as number[]);
          row.gudhiMedianS = round(refMedian);
          row.gudhiPeakRssMB = round(ref.maxRssMB as number, 0);
          row.ratioVsGudhi = round(ourMedian / refMedian, 3);
          row.bottleneckVsGudhi = compareDiagrams(diagram, ref.diagram as RipserJson);
        }
      }
      rips.push(row);
    }
    let mapperResult: object | undefined;
    if (!only || only.includes('mapper')) {
      const bin = join(dir, 'trajectories.f64');
      const cloud = trajectoryCloud();
      writeFileSync(bin, new Uint8Array(cloud.buffer));
      const ours = runOurs('mapper', bin, repeats);
      const ourMedian = median(ours.times as number[]);
      const row: Record<string, unknown> = {
        case: `pca${MAPPER.pcs}+mapper_${MAPPER.n}x${MAPPER.d}`,
        settings: { cover: 'keplermapper-1.1', intervals: MAPPER.intervals, overlap: MAPPER.overlap, dbscan: { eps: MAPPER.eps, minSamples: MAPPER.minSamples }, lens: 'norm of PCA-20 point' },
        oursMedianS: round(ourMedian),
        oursPcaMedianS: round(median(ours.pcaTimes as number[])),
        oursTimesS: (ours.times as number[]).map((t) => round(t)),
        oursPeakRssMB: round(ours.maxRssMB as number, 0),
        graph: ours.graph,
        goalS: 2,
      };
      if (sklearn) {
        const args2 = [bin, MAPPER.n, MAPPER.d, MAPPER.pcs, MAPPER.intervals, MAPPER.overlap, MAPPER.eps, MAPPER.minSamples, refRepeats].map(String);
        const ref = runPython(SKLEARN_MAPPER_SCRIPT, args2, refTimeout);
        if (ref.error) row.sklearn = { error: ref.error };
        else {
          const refMedian = median(ref.times as number[]);
          row.sklearnMedianS = round(refMedian);
          row.sklearnPcaMedianS = round(median(ref.pcaTimes as number[]));
          row.sklearnPeakRssMB = round(ref.maxRssMB as number, 0);
          row.sklearnGraph = ref.graph;
          row.ratioVsSklearn = round(ourMedian / refMedian, 3);
        }
      }
      mapperResult = row;
    }
    return {
      repeats,
      referenceRepeats: refRepeats,
      loadAverageBefore: round(loadBefore, 2),
      loadAverageAfter: round(loadavg()[0], 2),
      references: { gudhi: gudhi ? 'GUDHI 3.7.1 via /usr/bin/python3 (collapse_edges + expansion(2))' : 'unavailable', sklearn: sklearn ? 'scikit-learn via /usr/bin/python3' : 'unavailable' },
      rips,
      mapper: mapperResult,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
