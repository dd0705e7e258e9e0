/**
 * The minima of a loss barcode: the last checkpoint of each member run, as flat parameter vectors in the
 * layout of mlpBatch.ts. Everything that would make the barcode meaningless is refused here, before any
 * work or any file is written: fewer than two runs, runs still training or failed, runs of different
 * architectures or data, models the batched engine cannot evaluate, and diverged (non-finite) weights.
 */
import path from 'node:path';
import { readCheckpoint, readRun } from '../../store/runStore';
import { requireTrainedRun, type TrainedRunJson } from '../../spec/runFormat';
import type { CheckpointRef } from '../../worker/protocol/runs';
import type { DenseSpec, MlpActivation } from './mlpBatch';

export interface MinimumRun {
  runDir: string;
  run: TrainedRunJson;
  checkpoint: CheckpointRef;
  /** The step-0 checkpoint, when the run recorded one (f at initialisation, for the normalised TO-score). */
  initCheckpoint?: CheckpointRef;
}

export interface MinimaSet {
  runs: MinimumRun[];
  layers: DenseSpec[];
  /** e.g. "mlp 784-16-10 relu". */
  architecture: string;
}

const ACTIVATIONS = new Set(['relu', 'sigmoid', 'tanh', 'linear']);

/** The dense layers of a run's MLP (from run.json), or a clear error for networks the engine cannot evaluate. */
export function runLayers(run: TrainedRunJson, dir: string): DenseSpec[] {
  const model = run.config.model;
  if (model.kind !== 'mlp') throw new Error(`${dir}: a ${model.kind === 'file' ? 'model-file' : model.kind.toUpperCase()} network; the loss barcode evaluates MLPs (model.kind "mlp") only`);
  const layers = run.shape?.layers;
  if (!layers || layers.length === 0) throw new Error(`${path.join(dir, 'run.json')}: no "shape.layers" (the run stopped before its network was built)`);
  return layers.map((l, index) => {
    const kernel = l.weights.find((w) => w.name.endsWith('/kernel'));
    const bias = l.weights.find((w) => w.name.endsWith('/bias'));
    // The output layer's softmax is part of the loss (softmax cross-entropy on its logits).
    const last = index === layers.length - 1;
    const activation = last && (l.activation === 'softmax' || l.activation === undefined) ? 'linear' : (l.activation ?? 'linear');
    if (l.type !== 'dense' || !kernel || kernel.shape.length !== 2 || !ACTIVATIONS.has(activation)) {
      throw new Error(`${path.join(dir, 'run.json')}: layer ${l.name} (${l.type}, ${activation}) is not a dense layer the loss barcode can evaluate`);
    }
    return { name: l.name, inUnits: kernel.shape[0], units: kernel.shape[1], bias: bias !== undefined, activation: activation as MlpActivation };
  });
}

export function describeArchitecture(layers: readonly DenseSpec[]): string {
  const acts = [...new Set(layers.slice(0, -1).map((l) => l.activation))].join('/');
  return `mlp ${[layers[0].inUnits, ...layers.map((l) => l.units)].join('-')}${acts ? ` ${acts}` : ''}${layers.some((l) => l.bias) ? '' : ' no-bias'}`;
}

/** Data settings that must agree between minima: the barrier of a pair is measured on one data set. */
function dataKey(run: TrainedRunJson): string {
  const { dataset, evaluation } = run.config;
  return JSON.stringify({ dataset, evaluation });
}

export function loadMinimaSet(runDirs: readonly string[]): MinimaSet {
  if (runDirs.length < 2) throw new Error(`loss barcode: needs at least 2 minima (runs), got ${runDirs.length}${runDirs.length === 1 ? ` (${runDirs[0]}); train more seeds of the same architecture` : ''}`);
  const runs: MinimumRun[] = [];
  let layers: DenseSpec[] | undefined;
  let architecture = '';
  let firstData = '';
  for (const dir of runDirs) {
    const entry = readRun(dir);
    if (!entry.run) throw new Error(entry.problem ?? `${dir}: not a run folder`);
    // Barriers are losses on the run's own training data, which only a TopoLens config can regenerate.
    const run = requireTrainedRun(entry.run, path.join(dir, 'run.json'), 'the loss barcode (it evaluates the loss on the run\'s training data)');
    if (run.status === 'running') throw new Error(`${dir}: still training; wait for it to finish (its last checkpoint is not a minimum yet)`);
    if (run.status === 'failed') throw new Error(`${dir}: the run failed (${run.error?.message ?? 'no message'}); remove it from the study or train it again`);
    const last = entry.checkpoints[entry.checkpoints.length - 1];
    if (!last) throw new Error(`${dir}: no checkpoints; the minimum is the last checkpoint of a run`);
    const l = runLayers(run, dir);
    const arch = describeArchitecture(l);
    if (!layers) {
      layers = l;
      architecture = arch;
      firstData = dataKey(run);
    } else {
      if (JSON.stringify(l) !== JSON.stringify(layers)) throw new Error(`loss barcode: runs of different architectures: ${runDirs[0]} is ${architecture}, ${dir} is ${arch}; a barcode compares minima of one architecture`);
      if (dataKey(run) !== firstData) throw new Error(`loss barcode: ${dir} was trained on other data (dataset/evaluation settings) than ${runDirs[0]}; barriers need one data set`);
    }
    const init = entry.checkpoints[0]?.step === 0 && last.step !== 0 ? entry.checkpoints[0] : undefined;
    runs.push({ runDir: dir, run, checkpoint: last, initCheckpoint: init });
  }
  return { runs, layers: layers as DenseSpec[], architecture };
}

/** The flat parameter vector of a checkpoint (layout of mlpBatch.ts); non-finite weights are a diverged run. */
export function readParameters(file: string, layers: readonly DenseSpec[], dim: number): Float64Array {
  const tensors = readCheckpoint(file);
  const out = new Float64Array(dim);
  let at = 0;
  for (const l of layers) {
    const parts: [string, number][] = [[`${l.name}/kernel`, l.inUnits * l.units]];
    if (l.bias) parts.push([`${l.name}/bias`, l.units]);
    for (const [name, size] of parts) {
      const t = tensors[name];
      if (!t || t.data.length !== size) throw new Error(`${file}: no tensor ${name} of ${size} values (the checkpoint does not match run.json)`);
      for (let i = 0; i < size; i++) {
        const v = t.data[i];
        if (!Number.isFinite(v)) throw new Error(`${file}: ${name} holds ${v}: the run diverged, so its last checkpoint is not a minimum; remove it or train it with a lower learning rate`);
        out[at + i] = v;
      }
      at += size;
    }
  }
  return out;
}
