/**
 * Per-checkpoint predictions on a fixed probe set, the input of the Prediction Manifold: a folder of `.npy`
 * files [probe, classes], one per checkpoint step (step in the name, as for checkpoints), and the probe
 * labels `.npy` [probe] (integers, or floats holding integers). Rows must be probabilities (each row sums to
 * 1); logits are turned into probabilities only when asked (`softmax`), never guessed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { probabilityProblem } from '../analyses/predictionManifold/probabilities';
import { decodeNpy } from './npy';
import { naturalCompare, stepFromName } from './sources';

export interface ProbePredictions {
  labels: Float32Array;
  classes: number;
  probeSize: number;
  labelsFile: string;
  /** step -> file */
  files: Map<number, string>;
}

/** Lists the prediction files (by step) and reads the labels; the probabilities themselves are read per step. */
export function openPredictions(dir: string, labelsFile: string): ProbePredictions {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.npy') && path.join(dir, n) !== path.resolve(labelsFile)).sort(naturalCompare);
  } catch (e) {
    throw new Error(`${dir}: cannot list the predictions folder (${(e as Error).message})`);
  }
  if (names.length === 0) throw new Error(`${dir}: no .npy prediction files`);
  const files = new Map<number, string>();
  for (const n of names) {
    const step = stepFromName(n);
    const file = path.join(dir, n);
    if (step === undefined) throw new Error(`${file}: cannot tell which step these predictions belong to; put the step in the name (e.g. step-120.npy)`);
    if (files.has(step)) throw new Error(`${dir}: two prediction files for step ${step}: ${files.get(step)} and ${file}`);
    files.set(step, file);
  }
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(labelsFile);
  } catch (e) {
    throw new Error(`${labelsFile}: cannot read the probe labels (${(e as Error).message}); predictions need the labels of their probe samples (--labels FILE.npy)`);
  }
  const l = decodeNpy(bytes, labelsFile);
  if (l.shape.length !== 1) throw new Error(`${labelsFile}: probe labels must be a vector [probe], got shape (${l.shape.join(', ')})`);
  const first = decodeNpy(fs.readFileSync(files.values().next().value as string), files.values().next().value as string);
  if (first.shape.length !== 2) throw new Error(`${files.values().next().value}: predictions must be [probe, classes], got shape (${first.shape.join(', ')})`);
  const [probeSize, classes] = first.shape;
  if (probeSize !== l.shape[0]) throw new Error(`${labelsFile}: ${l.shape[0]} labels, but the predictions cover ${probeSize} probe samples`);
  if (classes < 2) throw new Error(`${files.values().next().value}: ${classes} class column; predictions need at least 2 classes`);
  for (let i = 0; i < l.data.length; i++) {
    const y = l.data[i];
    if (!Number.isInteger(y) || y < 0 || y >= classes) throw new Error(`${labelsFile}: label ${i} is ${y}, expected an integer class 0..${classes - 1}`);
  }
  return { labels: l.data, classes, probeSize, labelsFile, files };
}

/** The probabilities of one step, checked (shape, finite, rows summing to 1), softmaxed first when asked. */
export function readPredictions(p: ProbePredictions, step: number, softmax: boolean): Float32Array {
  const file = p.files.get(step) as string;
  const a = decodeNpy(fs.readFileSync(file), file);
  if (a.shape.length !== 2 || a.shape[0] !== p.probeSize || a.shape[1] !== p.classes) {
    throw new Error(`${file}: predictions of shape (${a.shape.join(', ')}), expected (${p.probeSize}, ${p.classes}) like the other steps`);
  }
  const data = a.data;
  if (softmax) {
    for (let r = 0; r < p.probeSize; r++) {
      const row = data.subarray(r * p.classes, (r + 1) * p.classes);
      let max = -Infinity;
      for (const v of row) max = Math.max(max, v);
      let sum = 0;
      for (let j = 0; j < row.length; j++) sum += (row[j] = Math.exp(row[j] - max));
      for (let j = 0; j < row.length; j++) row[j] /= sum;
    }
  }
  const problem = probabilityProblem(data, 0, p.probeSize, p.classes);
  if (problem) throw new Error(`${file}: ${problem}${softmax ? '' : ' (if these are logits, pass --softmax)'}`);
  return data;
}
