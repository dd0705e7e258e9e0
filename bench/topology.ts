/**
 * `npm run bench -- topology [--repeats N] [--big-repeats N] [--only a,b] [--no-reference] [--ref-timeout S]`
 *
 * Persistent homology side by side with Ripser, whole processes: our CLI (`topolens ph`, dist/cli.js as
 * `npm run build` writes it) and Ripser (C++, built here from
 * `../shared/reference/ripser/ripser.cpp` with g++ -O3 when a compiler is present), alternating, on
 * - every example of Ripser's benchmark suite there, with Ripser's own flags;
 * - the five clouds of issue 4 (dims 0-1 at the enclosing radius), also run through GUDHI where
 *   installed (RipsComplex + edge collapse + expansion, GUDHI's recommended route; diagrams compared by
 *   bottleneck distance).
 * Each run is a fresh process: wall time around the spawn, peak memory (maxRSS) and CPU time (user +
 * system, steadier than wall time when the machine is shared) from /usr/bin/time.
 * Barcodes are compared with Ripser's (same bars up to Ripser's float32 distances and 6-digit output).
 * Ratios are ours / Ripser's medians; a ratio below 1 means we are faster / smaller.
 *
 * Plus PCA + Mapper on a 20,100 x 784 weight-trajectory-like cloud against scikit-learn.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fromRipserJson, type RipserJson } from '../analysis/topology/convert';
import { bottleneckDistance } from '../analysis/topology/bottleneck';
import type { PersistenceBar } from '../analysis/topology/diagram';
import { pcaTopK } from '../analysis/linalg/pca';
import { mapper } from '../analysis/topology/mapper/mapper';
import { normLens } from '../analysis/topology/mapper/lens';
import { gaussianSource, mulberry32 } from '../analysis/linalg/random';
import { gaussianCloud, noisyCircle, torusCloud, uniformCloud, type PointCloud } from '../test/unit/topology/sampleClouds';

const PYTHON = '/usr/bin/python3';
const ROOT = resolve(__dirname, '..');
const RIPSER_DIR = resolve(ROOT, '../shared/reference/ripser');
const TIME = '/usr/bin/time';

interface PhCase {
  name: string;
  /** Input file (absolute), or a generator for a CSV written to the temp folder. */
  file?: string;
  make?: () => PointCloud;
  /** Flags shared by both programs (Ripser's own flags for its suite). */
  dim: number;
  threshold?: number;
  /** Ripser's `--format` (ours detects the format from the file name). */
  ripserFormat: 'point-cloud' | 'lower-distance';
  /** Taking tens of seconds: repeated `--big-repeats` times only. */
  big?: boolean;
  gudhi?: boolean;
}

const EXAMPLES = join(RIPSER_DIR, 'examples');
const PH_CASES: PhCase[] = [
  { name: 'o3_1024', file: join(EXAMPLES, 'o3_1024.txt'), dim: 3, threshold: 1.8, ripserFormat: 'point-cloud' },
  { name: 'o3_4096', file: join(EXAMPLES, 'o3_4096.txt'), dim: 3, threshold: 1.4, ripserFormat: 'point-cloud', big: true },
  { name: 'sphere_3_192', file: join(EXAMPLES, 'sphere_3_192.lower_distance_matrix'), dim: 2, ripserFormat: 'lower-distance' },
  { name: 'random16', file: join(EXAMPLES, 'random16.lower_distance_matrix'), dim: 1, ripserFormat: 'lower-distance' },
  { name: 'random50_16', file: join(EXAMPLES, 'random50_16.csv'), dim: 7, ripserFormat: 'point-cloud' },
  { name: 'dragon2000', file: join(EXAMPLES, 'dragon2000.csv'), dim: 1, ripserFormat: 'point-cloud' },
  { name: 'uniform1000_r3', make: () => uniformCloud(1000, 3, 1), dim: 1, ripserFormat: 'point-cloud', gudhi: true },
  { name: 'uniform2000_r3', make: () => uniformCloud(2000, 3, 2), dim: 1, ripserFormat: 'point-cloud', gudhi: true },
  { name: 'noisy_circle1000_r2', make: () => noisyCircle(1000, 0.1, 3), dim: 1, ripserFormat: 'point-cloud', gudhi: true },
  { name: 'torus1000_r3', make: () => torusCloud(1000, 2, 1, 4), dim: 1, ripserFormat: 'point-cloud', gudhi: true },
  { name: 'gauss500_r784', make: () => gaussianCloud(500, 784, 5), dim: 1, ripserFormat: 'point-cloud', gudhi: true },
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
  const [file, repeats] = process.argv.slice(process.argv.indexOf('--topology-child') + 1);
  process.stdout.write(JSON.stringify(childMapper(file, Number(repeats))));
}

function runMapperChild(file: string, repeats: number): Record<string, unknown> {
  const res = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--topology-child', file, String(repeats)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (res.status !== 0) throw new Error(`bench child (mapper ${file}) failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------
// Whole-process measurements.

interface ProcessRun {
  wallS: number;
  /** Peak resident memory of the process (MB), from /usr/bin/time; null where it is missing. */
  peakMB: number | null;
  /** User + system CPU seconds of the process (from /usr/bin/time): steadier than wall time on a busy machine. */
  cpuS: number | null;
  stdout: string;
}

/** Runs a command as a fresh process: wall time around the spawn, maxRSS and CPU via /usr/bin/time. */
function measureProcess(cmd: string, args: string[], timeoutS: number, scratch: string): ProcessRun | { error: string } {
  const timed = existsSync(TIME);
  const rssFile = join(scratch, 'maxrss.txt');
  const t0 = performance.now();
  const res = timed
    ? spawnSync(TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args], { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 1 << 28 });
  const wallS = (performance.now() - t0) / 1000;
  if (res.error && (res.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { error: `timed out after ${timeoutS} s` };
  if (res.status !== 0) return { error: `exit ${res.status}: ${(res.stderr || String(res.error)).trim().split('\n').slice(-1)[0]}` };
  const fields = timed ? readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) : null;
  return { wallS, peakMB: fields ? fields[0] / 1024 : null, cpuS: fields ? fields[1] + fields[2] : null, stdout: res.stdout };
}

/** Builds Ripser from its source (g++ -O3, as its Makefile); null with the reason when it cannot. */
function buildRipser(dir: string): { bin: string | null; note: string } {
  const src = join(RIPSER_DIR, 'ripser.cpp');
  if (!existsSync(src)) return { bin: null, note: `no ${src}` };
  const bin = join(dir, 'ripser');
  const res = spawnSync('g++', ['-std=c++11', '-O3', '-DNDEBUG', src, '-o', bin], { encoding: 'utf8' });
  if (res.error) return { bin: null, note: 'no C++ compiler (g++) on PATH' };
  if (res.status !== 0) return { bin: null, note: `g++ failed: ${res.stderr.trim().split('\n').slice(-1)[0]}` };
  return { bin, note: `built from ${src} with g++ -std=c++11 -O3 -DNDEBUG` };
}

/**
 * Our CLI as it ships: `npm run build` (esbuild.mjs), then dist/cli.js, the `ph` command's own bundle
 * dist/cli-ph.js and its column threads' dist/phColumns.js copied to the temp folder, so a rebuild by someone else during the run changes nothing.
 */
function buildOurCli(dir: string): string {
  const res = spawnSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`bench: npm run build failed: ${res.stderr || res.stdout}`);
  for (const f of ['cli.js', 'cli-ph.js', 'phColumns.js']) copyFileSync(join(ROOT, 'dist', f), join(dir, f));
  return join(dir, 'cli.js');
}

type Interval = [number, number];

/** Parses Ripser's console output ("persistence intervals in dim d:" then " [b,d)" / " [b, )"). */
function parseRipserText(text: string): Map<number, Interval[]> {
  const dims = new Map<number, Interval[]>();
  let cur: Interval[] | null = null;
  for (const line of text.split('\n')) {
    const head = /^persistence intervals in dim (\d+)/.exec(line);
    if (head) {
      cur = [];
      dims.set(Number(head[1]), cur);
      continue;
    }
    const bar = /^\s*\[([^,]+),\s*([^)]*)\)/.exec(line);
    if (bar && cur) cur.push([Number(bar[1]), bar[2].trim() === '' ? Infinity : Number(bar[2])]);
  }
  return dims;
}

/**
 * Whether two barcodes are the same bars: equal counts per dimension and a one-to-one matching within
 * 1e-5 (relative above 1), Ripser computing with float32 distances and printing 6 digits.
 */
function sameBarcodes(ours: Map<number, Interval[]>, theirs: Map<number, Interval[]>): { same: boolean; bars: Record<string, number>; unmatched: Record<string, number> } {
  const close = (u: number, v: number): boolean => u === v || Math.abs(u - v) <= 1e-5 * Math.max(1, Math.abs(u));
  const bars: Record<string, number> = {};
  const unmatched: Record<string, number> = {};
  let same = true;
  for (const d of new Set([...ours.keys(), ...theirs.keys()])) {
    const x = [...(ours.get(d) ?? [])].sort((a, b) => a[0] - b[0]);
    const y = [...(theirs.get(d) ?? [])].sort((a, b) => a[0] - b[0]);
    const used = new Uint8Array(y.length);
    let miss = Math.abs(x.length - y.length);
    let lo = 0;
    for (const [b, dd] of x) {
      const tol = 1e-5 * Math.max(1, Math.abs(b));
      while (lo < y.length && y[lo][0] < b - tol) lo++;
      let hit = false;
      for (let i = lo; i < y.length && y[i][0] <= b + tol; i++) {
        if (!used[i] && close(dd, y[i][1])) {
          used[i] = 1;
          hit = true;
          break;
        }
      }
      if (!hit) miss++;
    }
    bars[`dim${d}`] = x.length;
    if (miss > 0) {
      unmatched[`dim${d}`] = miss;
      same = false;
    }
  }
  return { same, bars, unmatched };
}

function writeCsv(path: string, pc: PointCloud): void {
  const { data, n, d } = pc;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(Array.from(data.subarray(i * d, (i + 1) * d)).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

function stats(runs: ProcessRun[]): { medianS: number; timesS: number[]; peakMB: number | null; cpuS: number | null } {
  const mem = runs.map((r) => r.peakMB).filter((m): m is number => m !== null);
  const cpu = runs.map((r) => r.cpuS).filter((m): m is number => m !== null);
  return {
    medianS: round(median(runs.map((r) => r.wallS))),
    timesS: runs.map((r) => round(r.wallS)),
    peakMB: mem.length ? round(median(mem), 0) : null,
    cpuS: cpu.length ? round(median(cpu)) : null,
  };
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

function compareDiagrams(a: PersistenceBar[], b: PersistenceBar[]): { dim0: number; dim1: number } {
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
  const bigRepeats = Number(opt('--big-repeats') ?? 1);
  const refRepeats = Number(opt('--ref-repeats') ?? 1);
  const refTimeout = Number(opt('--ref-timeout') ?? 600);
  const only = opt('--only')?.split(',');
  const withReference = !args.includes('--no-reference');
  const gudhi = withReference && pythonHas('gudhi') && pythonHas('scipy');
  const sklearn = withReference && pythonHas('sklearn');
  const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-'));
  const loadBefore = loadavg()[0];
  try {
    const ripser = withReference ? buildRipser(dir) : { bin: null, note: 'skipped (--no-reference)' };
    const cli = buildOurCli(dir);
    const ph: object[] = [];
    for (const c of PH_CASES) {
      if (only && !only.includes(c.name)) continue;
      let file = c.file;
      if (!file) {
        file = join(dir, `${c.name}.csv`);
        writeCsv(file, c.make!());
      }
      if (!existsSync(file)) {
        ph.push({ case: c.name, error: `missing input ${file}` });
        continue;
      }
      const flags = ['--dim', String(c.dim), ...(c.threshold === undefined ? [] : ['--threshold', String(c.threshold)])];
      const oursArgs = [cli, 'ph', file, ...flags, '--format', 'ripser'];
      const ripserArgs = ['--format', c.ripserFormat, ...flags, file];
      const ours: ProcessRun[] = [];
      const theirs: ProcessRun[] = [];
      const row: Record<string, unknown> = { case: c.name, flags: flags.join(' ') };
      const reps = c.big ? bigRepeats : repeats;
      // Alternating, the order flipped every repeat, so drifting load hits both alike.
      for (let r = 0; r < reps && !row.error; r++) {
        const order = ripser.bin && r % 2 === 1 ? ['ripser', 'ours'] : ['ours', 'ripser'];
        for (const who of order) {
          if (who === 'ours') {
            const m = measureProcess(process.execPath, oursArgs, refTimeout, dir);
            if ('error' in m) row.error = `ours: ${m.error}`;
            else ours.push(m);
          } else if (ripser.bin) {
            const m = measureProcess(ripser.bin, ripserArgs, refTimeout, dir);
            if ('error' in m) row.ripserError = m.error;
            else theirs.push(m);
          }
        }
      }
      if (ours.length > 0) {
        const o = stats(ours);
        row.oursMedianS = o.medianS;
        row.oursTimesS = o.timesS;
        row.oursPeakMB = o.peakMB;
        row.oursCpuS = o.cpuS;
        if (theirs.length > 0) {
          const t = stats(theirs);
          row.ripserMedianS = t.medianS;
          row.ripserTimesS = t.timesS;
          row.ripserPeakMB = t.peakMB;
          row.ripserCpuS = t.cpuS;
          row.timeRatio = round(o.medianS / t.medianS, 2);
          row.cpuRatio = o.cpuS !== null && t.cpuS !== null ? round(o.cpuS / t.cpuS, 2) : null;
          row.memoryRatio = o.peakMB !== null && t.peakMB !== null ? round(o.peakMB / t.peakMB, 2) : null;
          row.barcode = sameBarcodes(parseRipserText(ours[0].stdout), parseRipserText(theirs[0].stdout));
        }
      }
      if (c.gudhi && gudhi && c.dim === 1) {
        const m = measureProcess(PYTHON, ['-c', GUDHI_SCRIPT, file, String(refRepeats)], refTimeout, dir);
        if ('error' in m) row.gudhi = { error: m.error };
        else {
          const ref = JSON.parse(m.stdout) as { diagram: RipserJson };
          row.gudhiWholeProcessS = round(m.wallS);
          row.gudhiPeakMB = m.peakMB === null ? null : round(m.peakMB, 0);
          if (ours.length > 0) {
            row.ratioVsGudhi = round(median(ours.map((x) => x.wallS)) / m.wallS, 3);
            row.bottleneckVsGudhi = compareDiagrams(textToBars(ours[0].stdout), fromRipserJson(ref.diagram));
          }
        }
      }
      ph.push(row);
    }
    let mapperResult: object | undefined;
    if (!only || only.includes('mapper')) {
      const bin = join(dir, 'trajectories.f64');
      const cloud = trajectoryCloud();
      writeFileSync(bin, new Uint8Array(cloud.buffer));
      const ours = runMapperChild(bin, repeats);
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
      bigRepeats,
      loadAverageBefore: round(loadBefore, 2),
      loadAverageAfter: round(loadavg()[0], 2),
      references: {
        ripser: ripser.note,
        gudhi: gudhi ? 'GUDHI via /usr/bin/python3 (collapse_edges + expansion(2)), whole process' : 'unavailable',
        sklearn: sklearn ? 'scikit-learn via /usr/bin/python3' : 'unavailable',
      },
      ph,
      mapper: mapperResult,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Our Ripser-style text output as bars (for the bottleneck comparison with GUDHI). */
function textToBars(text: string): PersistenceBar[] {
  const bars: PersistenceBar[] = [];
  for (const [dim, list] of parseRipserText(text)) {
    for (const [birth, death] of list) bars.push({ dim, birth, death, birthSimplex: [], deathSimplex: [] });
  }
  return bars;
}
