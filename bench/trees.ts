/**
 * `npm run bench -- trees [--run DIR] [--repeats N] [--layer NAME] [--no-reference] [--ref-timeout S]`
 *
 * Weight trees of the paper-size run (gabella-tiny: 201 checkpoints, first layer 20,100 x 784), from the
 * checkpoint files to the graph, against the Python stack a researcher would use on the same files in the
 * same run: numpy reading the safetensors checkpoints (header + np.frombuffer, what
 * `safetensors.numpy.load_file` does), scikit-learn's randomized PCA (20 components) and DBSCAN, and the
 * KeplerMapper 1.1 cover (kepler-mapper is not installed; its interval rule is a few lines, written out
 * below) and nerve. Each repeat of ours runs in a fresh Node process (as a worker request would, with no
 * warm JIT); besides the graph, each child times the layer's whole analysis (tree measures, capacity) and
 * all three layers' (computeWeightTrees, uncached). The Python script runs its repeats in one process.
 * Medians, ratios and both graphs' sizes.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { listRuns } from '../analysis/store/runStore';
import { trajectoryCloud } from '../analysis/analyses/weightTrees/trajectoryCloud';
import { layerTree, reduceCloud } from '../analysis/analyses/weightTrees/layerTree';
import { resolveSettings } from '../analysis/analyses/weightTrees/paperDefaults';
import { readTreeRun } from '../analysis/analyses/weightTrees/runInputs';
import { computeWeightTrees } from '../analysis/analyses/weightTrees/analyses';
import { mapper } from '../analysis/topology/mapper/mapper';

const PYTHON = '/usr/bin/python3';

const PYTHON_SCRIPT = `
import sys, json, time, struct, resource
import numpy as np
from sklearn.decomposition import PCA
from sklearn.cluster import DBSCAN
files = json.loads(sys.argv[1]); layer = sys.argv[2]
k, n_int, p, eps, ms, repeats = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])

def load_kernel(path, name):
    with open(path, 'rb') as f:
        raw = f.read()
    (hlen,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + hlen])
    e = header[name]; b, en = e['data_offsets']
    return np.frombuffer(raw, dtype='<f4', count=(en - b) // 4, offset=8 + hlen + b).reshape(e['shape'])

times, cpu_t, read_t, pca_t, mapper_t = [], [], [], [], []
for _ in range(repeats):
    c0 = time.process_time(); t0 = time.perf_counter()
    # one row per (checkpoint, neuron): the kernel is [in, out], a neuron's incoming weights are a column
    X = np.concatenate([load_kernel(f, layer + '/kernel').T for f in files]).astype(np.float64)
    t1 = time.perf_counter()
    Z = PCA(n_components=k, svd_solver='randomized', random_state=0).fit_transform(X)
    t2 = time.perf_counter()
    lens = np.linalg.norm(Z, axis=1)
    m = lens.min(); c = (lens.max() - m) / n_int
    nodes = []
    for i in range(n_int):  # KeplerMapper 1.1: interval i is [m + i c, m + (i+1) c + p c)
        idx = np.where((lens >= m + i * c) & (lens < m + i * c + c + p * c))[0]
        if len(idx) == 0: continue
        labels = DBSCAN(eps=eps, min_samples=ms).fit(Z[idx]).labels_
        for l in sorted(set(labels) - {-1}):
            nodes.append(idx[labels == l])
    of = {}
    for a, mem in enumerate(nodes):
        for x in mem.tolist(): of.setdefault(x, []).append(a)
    links = set()
    for lst in of.values():
        for i in range(len(lst)):
            for j in range(i + 1, len(lst)): links.add((lst[i], lst[j]))
    t3 = time.perf_counter(); cpu_t.append(time.process_time() - c0)
    times.append(t3 - t0); read_t.append(t1 - t0); pca_t.append(t2 - t1); mapper_t.append(t3 - t2)
print(json.dumps({'times': times, 'cpu': cpu_t, 'read': read_t, 'pca': pca_t, 'mapper': mapper_t,
                  'maxRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  'graph': {'nodes': len(nodes), 'edges': len(links)}}))
`;

interface Stages { total: number; cpu: number; read: number; pca: number; mapper: number; wholeLayer: number; allLayers: number; nodes: number; edges: number; maxRssMB: number; maxRssAllMB: number }

/** One measurement (in a fresh process): files -> cloud -> PCA -> Mapper graph, then the capacity curve. */
function measureOnce(runDir: string, layer: string): Stages {
  const run = readTreeRun({ runDirs: [runDir] }, 'bench');
  const index = run.layers.findIndex((l) => l.name === layer);
  const settings = resolveSettings({}, index, run.layers.length);
  const files = run.checkpoints.map((c) => c.file);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const cloud = trajectoryCloud(files, layer);
  const t1 = performance.now();
  const reduced = reduceCloud(cloud, settings.pca);
  const t2 = performance.now();
  const n = cloud.checkpoints * cloud.neurons;
  const graph = mapper(reduced.scores, n, reduced.k, {
    lens: reduced.lens,
    cover: { kind: settings.cover, intervals: settings.intervals, overlap: settings.overlap },
    clusterer: { method: 'dbscan', eps: settings.eps as number, minSamples: settings.minSamples },
  });
  const t3 = performance.now();
  const cpu = process.cpuUsage(c0);
  // Peak memory of the measured stages (the analyses below allocate more clouds, freed whenever the GC runs).
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  // The layer's whole analysis (the same stages plus tree measures and the capacity curve), and the run's.
  const t4 = performance.now();
  layerTree(trajectoryCloud(files, layer), run.steps, settings);
  const t5 = performance.now();
  computeWeightTrees({ runDirs: [runDir] });
  const t6 = performance.now();
  return {
    total: (t3 - t0) / 1000,
    cpu: (cpu.user + cpu.system) / 1e6,
    read: (t1 - t0) / 1000,
    pca: (t2 - t1) / 1000,
    mapper: (t3 - t2) / 1000,
    wholeLayer: (t5 - t4) / 1000,
    allLayers: (t6 - t5) / 1000,
    nodes: graph.nodes.length,
    edges: graph.links.length,
    maxRssMB,
    maxRssAllMB: process.resourceUsage().maxRSS / 1024,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/** The newest completed paper-size gabella-tiny run in the default runs folder. */
function findPaperRun(): string {
  const root = path.join(__dirname, '..', '.topolens', 'runs');
  const runs = listRuns(root).filter((r) => r.run?.name === 'gabella-tiny' && r.run.status === 'completed' && r.checkpoints.length === 201);
  if (runs.length === 0) throw new Error(`no completed gabella-tiny run with 201 checkpoints in ${root}: train one (node --import tsx analysis/cli/main.ts train --preset gabella-tiny, about 3 minutes) or pass --run DIR`);
  return runs[runs.length - 1].dir;
}

export async function run(args: string[]): Promise<object> {
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const runDir = path.resolve(opt('--run') ?? findPaperRun());
  const repeats = Number(opt('--repeats') ?? 3);
  const refTimeout = Number(opt('--ref-timeout') ?? 600);
  const run = readTreeRun({ runDirs: [runDir] }, 'bench');
  const layer = opt('--layer') ?? run.layers[0].name;
  const index = run.layers.findIndex((l) => l.name === layer);
  if (index < 0) throw new Error(`--layer ${layer}: no such dense layer (layers: ${run.layers.map((l) => l.name).join(', ')})`);
  const settings = resolveSettings({}, index, run.layers.length);
  const loadBefore = loadavg()[0];

  const ours: Stages[] = [];
  for (let r = 0; r < repeats; r++) {
    const res = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', runDir, layer], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (res.status !== 0) throw new Error(`bench child failed: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    ours.push(JSON.parse(res.stdout.trim().split('\n').pop() as string) as Stages);
  }
  const oursMedian = (k: keyof Stages) => round(median(ours.map((o) => o[k])));
  const result: Record<string, unknown> = {
    run: runDir,
    layer,
    cloud: { checkpoints: run.steps.length, neurons: run.layers[index].neurons, fanIn: run.layers[index].fanIn, points: run.steps.length * run.layers[index].neurons },
    settings: { pca: settings.pca, cover: settings.cover, intervals: settings.intervals, overlap: settings.overlap, eps: settings.eps, minSamples: settings.minSamples, lens: 'norm of the PCA point' },
    repeats,
    ours: {
      medianS: oursMedian('total'),
      cpuMedianS: oursMedian('cpu'),
      stagesMedianS: { read: oursMedian('read'), pca: oursMedian('pca'), mapper: oursMedian('mapper') },
      wholeLayerAnalysisMedianS: oursMedian('wholeLayer'),
      allLayersAnalysisMedianS: oursMedian('allLayers'),
      timesS: ours.map((o) => round(o.total)),
      peakRssMB: round(Math.max(...ours.map((o) => o.maxRssMB)), 0),
      peakRssWithAllLayersMB: round(Math.max(...ours.map((o) => o.maxRssAllMB)), 0),
      graph: { nodes: ours[0].nodes, edges: ours[0].edges },
    },
  };
  if (!args.includes('--no-reference') && spawnSync(PYTHON, ['-c', 'import sklearn']).status === 0) {
    const files = run.checkpoints.map((c) => c.file);
    const res = spawnSync(PYTHON, ['-c', PYTHON_SCRIPT, JSON.stringify(files), layer, String(settings.pca), String(settings.intervals), String(settings.overlap), String(settings.eps), String(settings.minSamples), String(repeats)], { encoding: 'utf8', timeout: refTimeout * 1000, maxBuffer: 1 << 24 });
    if (res.status !== 0) result.python = { error: (res.stderr || String(res.error)).trim().split('\n').slice(-1)[0] };
    else {
      const py = JSON.parse(res.stdout) as { times: number[]; cpu: number[]; read: number[]; pca: number[]; mapper: number[]; maxRssMB: number; graph: { nodes: number; edges: number } };
      const pyMedian = round(median(py.times));
      result.python = {
        stack: 'numpy + scikit-learn (randomized PCA, DBSCAN) + KeplerMapper 1.1 cover and nerve, /usr/bin/python3',
        medianS: pyMedian,
        cpuMedianS: round(median(py.cpu)),
        stagesMedianS: { read: round(median(py.read)), pca: round(median(py.pca)), mapper: round(median(py.mapper)) },
        timesS: py.times.map((t) => round(t)),
        peakRssMB: round(py.maxRssMB, 0),
        graph: py.graph,
      };
      result.ratioPythonOverOurs = round(pyMedian / (result.ours as { medianS: number }).medianS, 2);
      // CPU seconds (user + system, all threads): steadier than wall time on a shared machine.
      result.cpuRatioPythonOverOurs = round(median(py.cpu) / (result.ours as { cpuMedianS: number }).cpuMedianS, 2);
    }
  }
  result.loadAverage = { before: round(loadBefore, 2), after: round(loadavg()[0], 2) };
  return result;
}

if (process.argv[2] === '--child') {
  process.stdout.write(`${JSON.stringify(measureOnce(process.argv[3], process.argv[4]))}\n`);
}
