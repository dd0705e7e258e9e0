/**
 * `topolens import`: turns a folder of checkpoints trained elsewhere into a normal run folder, marked
 * imported, so every analysis that needs only weights (and, when given, predictions and curves) works on it.
 *
 * Tensors are converted, not referenced: each step becomes `checkpoints/step-N.safetensors` in float32 with
 * `<layer>/kernel` [in, out] and `<layer>/bias` (plus `probe/probs` when predictions are given), exactly what
 * a trained run holds. So every analysis reads one format and one layout, through the same fast paths
 * (header-only reads, trajectory clouds straight from file buffers); the run survives the source folder
 * moving or changing; and BF16/F16/quantized sources are decoded once. The source files are listed with
 * their sizes and times in run.json's `source` record.
 *
 * Atomic: everything is read, checked and written into a hidden folder inside the runs folder, renamed to
 * the run's id at the very end. Any error removes it, so the runs folder is left as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../store/atomic';
import { encodeSafetensors, type NamedTensor } from '../store/safetensors';
import { writeRunJson } from '../store/runStore';
import { checkpointPath, CHECKPOINTS_DIR, makeRunId, METRICS_JSONL, PROBE_FILE } from '../store/runLayout';
import { RUN_SCHEMA_VERSION, type ImportedFile, type ImportedRunJson, type ImportFormat } from '../spec/runFormat';
import { kernelToRunLayout, parseLayerMap, planLayers, type Layout } from './layout';
import { curvesFromTensorBoard, metricRecords, parseMetricsCsv, parseMetricsJsonl, type ParsedCurves } from './metrics';
import { openPredictions, readPredictions, type ProbePredictions } from './predictions';
import { scanCheckpointFolder, type SourceCheckpoint } from './sources';

export interface ImportOptions {
  /** The folder of checkpoints. */
  dir: string;
  name: string;
  runsRoot: string;
  format?: ImportFormat;
  layout?: Layout;
  /** A JSON mapping file (see layout.ts LayerMap). */
  mapFile?: string;
  /** Folder of per-step predictions .npy [probe, classes]; default DIR/predictions when it exists. */
  predictionsDir?: string;
  /** Probe labels .npy [probe]; default labels.npy in the predictions folder, else in DIR. */
  labelsFile?: string;
  /** The predictions are logits: apply a softmax to each row. */
  softmax?: boolean;
  /** Metrics CSV / JSONL files; default DIR/metrics.csv and DIR/metrics.jsonl when they exist. */
  metricsFiles?: string[];
  /** Read TensorBoard event files under DIR (default: when there are any). */
  tensorboard?: boolean;
  log?: (message: string) => void;
}

export interface ImportResult {
  runDir: string;
  run: ImportedRunJson;
  warnings: string[];
}

function fileRecord(file: string, role: ImportedFile['role'], step?: number): ImportedFile {
  const st = fs.statSync(file);
  return { path: file, ...(step !== undefined ? { step } : {}), role, bytes: st.size, modifiedAt: st.mtime.toISOString() };
}

function hasEventFiles(dir: string, depth = 3): boolean {
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (d.isFile() && d.name.includes('tfevents')) return true;
    if (d.isDirectory() && depth > 0 && !d.name.startsWith('.') && hasEventFiles(path.join(dir, d.name), depth - 1)) return true;
  }
  return false;
}

function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/** Every step lists the planned tensors with the first step's shapes. */
function checkConsistent(checkpoints: SourceCheckpoint[], wanted: Map<string, number[]>): void {
  const first = checkpoints[0];
  for (const c of checkpoints.slice(1)) {
    const listed = new Map(c.list().map((t) => [t.name, t.shape]));
    for (const [name, shape] of wanted) {
      const got = listed.get(name);
      if (!got) throw new Error(`${c.path}: tensor "${name}" is missing at step ${c.step} (present at step ${first.step}, ${first.path})`);
      if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
        throw new Error(`${c.path}: tensor "${name}" has shape [${got.join(', ')}] at step ${c.step} but [${shape.join(', ')}] at step ${first.step} (${first.path}); shapes must not change across steps`);
      }
    }
  }
}

export async function importCheckpoints(options: ImportOptions): Promise<ImportResult> {
  const log = options.log ?? (() => undefined);
  const dir = path.resolve(options.dir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir}: not a folder of checkpoints`);
  const scan = await scanCheckpointFolder(dir, options.format);
  const { checkpoints } = scan;
  log(`${checkpoints.length} ${scan.format} checkpoints, steps ${checkpoints[0].step}..${checkpoints[checkpoints.length - 1].step}`);

  const mapFile = options.mapFile ? path.resolve(options.mapFile) : undefined;
  const map = mapFile ? parseLayerMap(readText(mapFile, 'mapping file'), mapFile) : undefined;
  const firstList = checkpoints[0].list();
  const plan = planLayers(firstList, { layout: options.layout, map, formatLayers: scan.formatLayers?.(firstList), ordered: scan.ordered, where: checkpoints[0].path });
  const wanted = new Map(firstList.filter((t) => plan.layers.some((l) => l.kernel === t.name || l.bias === t.name)).map((t) => [t.name, t.shape]));
  checkConsistent(checkpoints, wanted);
  const warnings = [...plan.warnings];
  if (plan.ignored.length > 0) warnings.push(`left out ${plan.ignored.length} tensors that are not layer kernels or biases: ${plan.ignored.slice(0, 8).join(', ')}${plan.ignored.length > 8 ? ', ...' : ''}`);
  log(`layers (${plan.layout}): ${plan.layers.map((l) => `${l.name} [${l.shape.join('x')}]`).join(', ')}`);

  const predictions = openPredictionsFor(dir, options);
  if (predictions) {
    const steps = new Set(checkpoints.map((c) => c.step));
    for (const [step, file] of predictions.files) if (!steps.has(step)) throw new Error(`${file}: predictions for step ${step}, which has no checkpoint`);
    for (const c of checkpoints) if (!predictions.files.has(c.step)) throw new Error(`${c.path}: no predictions for step ${c.step} in ${path.dirname(predictions.labelsFile)} (every checkpoint needs its own, or none)`);
  }
  const { curves, files: metricFiles } = await readCurves(dir, options, warnings);

  const files: ImportedFile[] = [
    ...checkpoints.flatMap((c) => c.files.map((f) => fileRecord(f, 'checkpoint', c.step))),
    ...(predictions ? [...predictions.files].map(([step, f]) => fileRecord(f, 'predictions', step)) : []),
    ...(predictions ? [fileRecord(predictions.labelsFile, 'labels')] : []),
    ...metricFiles.map((f) => fileRecord(f, 'metrics')),
  ];

  const runsRoot = path.resolve(options.runsRoot);
  const createdRoot = !fs.existsSync(runsRoot);
  fs.mkdirSync(runsRoot, { recursive: true });
  const now = new Date();
  let id = makeRunId(options.name, now);
  while (fs.existsSync(path.join(runsRoot, id))) id = makeRunId(options.name, now);
  const tmp = path.join(runsRoot, `.import-${id}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(path.join(tmp, CHECKPOINTS_DIR), { recursive: true });
    for (const [i, c] of checkpoints.entries()) {
      const values = c.read([...wanted.keys()]);
      const tensors: Record<string, NamedTensor> = {};
      for (const l of plan.layers) {
        for (const [role, name] of [['kernel', l.kernel], ['bias', l.bias]] as const) {
          if (name === undefined) continue;
          const v = values.get(name);
          if (!v) throw new Error(`${c.path}: tensor "${name}" could not be read`);
          const bad = firstNonFinite(v.data);
          if (bad >= 0) throw new Error(`${c.path}: tensor "${name}" holds ${v.data[bad]} at element ${bad} (step ${c.step}); TopoLens analyses finite weights only (the run diverged here?)`);
          tensors[`${l.name}/${role}`] = role === 'kernel' ? kernelToRunLayout(v, l.orientation) : { dtype: 'F32', shape: [...v.shape], data: Float32Array.from(v.data) };
        }
      }
      if (predictions) tensors['probe/probs'] = { dtype: 'F32', shape: [predictions.probeSize, predictions.classes], data: readPredictions(predictions, c.step, options.softmax === true) };
      writeFileAtomic(checkpointPath(tmp, c.step), encodeSafetensors(tensors, { format: 'topolens-checkpoint', step: String(c.step), source: c.path }));
      if ((i + 1) % 50 === 0) log(`converted ${i + 1}/${checkpoints.length} checkpoints`);
    }
    if (predictions) {
      writeFileAtomic(path.join(tmp, PROBE_FILE), encodeSafetensors(
        { 'probe/labels': { dtype: 'F32', shape: [predictions.probeSize], data: predictions.labels } },
        { format: 'topolens-probe', dataset: 'imported', split: 'probe', classes: String(predictions.classes), classNames: '[]', source: predictions.labelsFile },
      ));
    }
    const records = metricRecords(curves);
    if (records.length > 0) writeFileAtomic(path.join(tmp, METRICS_JSONL), records.map((r) => JSON.stringify(r) + '\n').join(''));

    const importedAt = now.toISOString();
    const lastTrain = [...records].reverse().find((r) => r.kind === 'train' && r.loss !== undefined && r.accuracy !== undefined);
    const lastEval = [...records].reverse().find((r) => r.kind === 'eval');
    const run: ImportedRunJson = {
      schemaVersion: RUN_SCHEMA_VERSION, id, name: options.name, createdAt: importedAt, status: 'completed', backend: 'imported',
      source: {
        kind: 'imported', format: scan.format, dir, files, importedAt, layout: plan.layout, ...(mapFile ? { mapFile } : {}), layers: plan.layers,
        ...(predictions ? { probeSize: predictions.probeSize, classes: predictions.classes } : {}),
      },
      timings: { startedAt: importedAt, endedAt: importedAt },
      ...(lastTrain?.kind === 'train' ? {
        summary: {
          step: lastTrain.step, trainLoss: lastTrain.loss as number, trainAccuracy: lastTrain.accuracy as number,
          ...(lastEval?.kind === 'eval' && lastEval.testLoss !== undefined ? { testLoss: lastEval.testLoss } : {}),
          ...(lastEval?.kind === 'eval' && lastEval.testAccuracy !== undefined ? { testAccuracy: lastEval.testAccuracy } : {}),
        },
      } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
    writeRunJson(tmp, run);
    const runDir = path.join(runsRoot, id);
    fs.renameSync(tmp, runDir);
    return { runDir, run, warnings };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (createdRoot) {
      try {
        fs.rmdirSync(runsRoot); // only if still empty: someone else may have started using it meanwhile
      } catch {
        // not empty: leave it
      }
    }
    throw e;
  }
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read the ${what} (${(e as Error).message})`);
  }
}

function openPredictionsFor(dir: string, o: ImportOptions): ProbePredictions | undefined {
  const predDir = o.predictionsDir ? path.resolve(o.predictionsDir) : fs.existsSync(path.join(dir, 'predictions')) ? path.join(dir, 'predictions') : undefined;
  if (!predDir) {
    if (o.labelsFile) throw new Error(`--labels ${o.labelsFile}: labels without predictions (give --predictions DIR)`);
    return undefined;
  }
  const labels = o.labelsFile ? path.resolve(o.labelsFile) : [path.join(predDir, 'labels.npy'), path.join(dir, 'labels.npy')].find((f) => fs.existsSync(f)) ?? path.join(predDir, 'labels.npy');
  return openPredictions(predDir, labels);
}

async function readCurves(dir: string, o: ImportOptions, warnings: string[]): Promise<{ curves: ParsedCurves[]; files: string[] }> {
  const files = o.metricsFiles ? o.metricsFiles.map((f) => path.resolve(f)) : ['metrics.csv', 'metrics.jsonl'].map((n) => path.join(dir, n)).filter((f) => fs.existsSync(f));
  const curves: ParsedCurves[] = [];
  for (const f of files) {
    const text = readText(f, 'metrics file');
    const parsed = /\.jsonl?$/i.test(f) ? parseMetricsJsonl(text, f) : parseMetricsCsv(text, f);
    if (parsed.stepColumn && parsed.stepColumn.toLowerCase() === 'epoch') warnings.push(`${path.basename(f)}: no step column, so epochs are the steps of its curves`);
    if (parsed.ignored.length > 0) warnings.push(`${path.basename(f)}: columns left out: ${parsed.ignored.join(', ')}`);
    curves.push(parsed);
  }
  if (o.tensorboard ?? hasEventFiles(dir)) {
    const { readTensorBoardScalars } = await import('../tensorboard/read');
    const tb = curvesFromTensorBoard(await readTensorBoardScalars(dir, { onWarning: (m) => warnings.push(m) }));
    if (tb.ignored.length > 0) warnings.push(`TensorBoard tags left out: ${tb.ignored.slice(0, 8).join(', ')}${tb.ignored.length > 8 ? ', ...' : ''}`);
    curves.push(tb);
  }
  return { curves, files };
}
