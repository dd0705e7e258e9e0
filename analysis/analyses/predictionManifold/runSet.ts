/**
 * The runs of a prediction manifold, read and checked: every checkpoint's `probe/probs` [probe, classes],
 * the probe labels (probe.safetensors), the eval accuracies (metrics.jsonl). Runs can only share a picture
 * when they share the probe set: same samples (indices and labels) and the same classes; otherwise the error
 * names both runs and what differs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readMetrics, readRun, readSafetensorsFile } from '../../store/runStore';
import { PROBE_FILE } from '../../store/runLayout';
import type { RunJson } from '../../spec/runFormat';
import { probabilityProblem } from './probabilities';

export interface ProbeSet {
  labels: Float32Array;
  indices: Float32Array;
  classes: number;
  dataset?: string;
  split?: string;
}

export interface ManifoldCheckpoint {
  step: number;
  file: string;
  trainAccuracy: number | null;
  testAccuracy: number | null;
}

export interface LoadedRun {
  runDir: string;
  run: RunJson;
  probe: ProbeSet;
  checkpoints: ManifoldCheckpoint[];
}

/** The probe set of a run (probe.safetensors: probe/labels, probe/indices, metadata classes). */
export function readProbeSet(runDir: string): ProbeSet {
  const file = path.join(runDir, PROBE_FILE);
  if (!fs.existsSync(file)) throw new Error(`${file}: missing: the run has no probe set (it stopped before training started?)`);
  const { tensors, metadata } = readSafetensorsFile(file);
  const labels = tensors['probe/labels']?.data;
  const indices = tensors['probe/indices']?.data ?? new Float32Array(0);
  if (!labels) throw new Error(`${file}: no tensor 'probe/labels'`);
  const classes = Number(metadata.classes);
  if (!Number.isInteger(classes) || classes < 2) throw new Error(`${file}: metadata 'classes' is ${metadata.classes ?? 'missing'}, expected an integer >= 2`);
  return { labels, indices, classes, dataset: metadata.dataset, split: metadata.split };
}

/**
 * Only the `probe/probs` tensor of a checkpoint: the header, then that byte range (a wide net's weights can
 * be megabytes per checkpoint; the probabilities are 40 KB).
 */
export function readProbeProbs(file: string, samples: number, classes: number): Float32Array {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new Error(`${file}: cannot read checkpoint (${(e as Error).message})`);
  }
  try {
    const lenBuf = Buffer.alloc(8);
    if (fs.readSync(fd, lenBuf, 0, 8, 0) !== 8) throw new Error(`${file}: not a valid safetensors file (truncated)`);
    const headerLen = Number(lenBuf.readBigUInt64LE(0));
    if (headerLen > 100_000_000) throw new Error(`${file}: not a valid safetensors file (header length ${headerLen})`);
    const headerBuf = Buffer.alloc(headerLen);
    fs.readSync(fd, headerBuf, 0, headerLen, 8);
    let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    try {
      header = JSON.parse(headerBuf.toString('utf8'));
    } catch (e) {
      throw new Error(`${file}: not a valid safetensors file (header: ${(e as Error).message})`);
    }
    const entry = header['probe/probs'];
    if (!entry) throw new Error(`${file}: no tensor 'probe/probs' (the checkpoint records no probe predictions)`);
    if (entry.dtype !== 'F32') throw new Error(`${file}: 'probe/probs' has dtype ${entry.dtype}, expected F32`);
    const [n, c] = entry.shape;
    if (entry.shape.length !== 2 || n !== samples || c !== classes) {
      throw new Error(`${file}: 'probe/probs' has shape [${entry.shape.join(', ')}], expected [${samples}, ${classes}] (the run's probe set)`);
    }
    const [begin, end] = entry.data_offsets;
    if (end - begin !== samples * classes * 4) throw new Error(`${file}: 'probe/probs' spans ${end - begin} bytes, expected ${samples * classes * 4}`);
    const out = new Float32Array(samples * classes);
    const got = fs.readSync(fd, new Uint8Array(out.buffer), 0, end - begin, 8 + headerLen + begin);
    if (got !== end - begin) throw new Error(`${file}: truncated ('probe/probs' ends past the end of the file)`);
    const problem = probabilityProblem(out, 0, samples, classes);
    if (problem) throw new Error(`${file}: 'probe/probs': ${problem}`);
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

export function loadRun(runDir: string): LoadedRun {
  const entry = readRun(runDir);
  if (!entry.run) throw new Error(entry.problem ?? `${runDir}: not a readable run folder`);
  if (entry.checkpoints.length === 0) throw new Error(`${path.join(runDir, 'checkpoints')}: the run has no checkpoints yet`);
  const probe = readProbeSet(runDir);
  const evals = new Map<number, { train: number | null; test: number | null }>();
  for (const r of readMetrics(runDir)) {
    if (r.kind === 'eval') evals.set(r.step, { train: r.trainAccuracy ?? null, test: r.testAccuracy ?? null });
  }
  const checkpoints = entry.checkpoints.map((c) => ({ step: c.step, file: c.file, trainAccuracy: evals.get(c.step)?.train ?? null, testAccuracy: evals.get(c.step)?.test ?? null }));
  return { runDir, run: entry.run, probe, checkpoints };
}

function sameArray(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describeProbe(p: ProbeSet): string {
  return `${p.labels.length} samples, ${p.classes} classes${p.dataset ? `, ${p.dataset}` : ''}${p.split ? ` ${p.split} split` : ''}`;
}

/**
 * Throws unless every run shares the first run's probe set. The message names the two runs and what differs.
 */
export function checkSharedProbe(runs: LoadedRun[]): void {
  const [first, ...rest] = runs;
  for (const r of rest) {
    const a = first.probe;
    const b = r.probe;
    const what: string[] = [];
    if (a.classes !== b.classes) what.push(`class count ${a.classes} vs ${b.classes}`);
    if (a.labels.length !== b.labels.length) what.push(`probe size ${a.labels.length} vs ${b.labels.length}`);
    else if (!sameArray(a.indices, b.indices) || !sameArray(a.labels, b.labels)) what.push('different probe samples (same size, other indices or labels: another probe seed?)');
    if (a.dataset !== b.dataset || a.split !== b.split) what.push(`data ${a.dataset ?? '?'}/${a.split ?? '?'} vs ${b.dataset ?? '?'}/${b.split ?? '?'}`);
    if (what.length > 0) {
      throw new Error(`runs ${first.run.name} (${first.runDir}) and ${r.run.name} (${r.runDir}) do not share a probe set: ${what.join('; ')} ` +
        `[${describeProbe(a)} vs ${describeProbe(b)}]. Embed only runs trained with the same probe settings (probe.size, probe.split, seeds.probe, dataset).`);
    }
  }
}

/** Legend labels of a run: architecture, optimiser, init seed. */
export function runLabels(run: RunJson): { architecture: string; optimizer: string; seed?: number } {
  if (!run.config) {
    // Imported: the architecture from the converted kernels, the optimiser and seed are unknown.
    const dense = run.source.layers.filter((l) => l.type === 'dense');
    const widths = dense.length > 0 ? [dense[0].shape[0], ...dense.map((l) => l.shape[1])].join('-') : run.source.layers.map((l) => l.name).join(' ');
    return { architecture: `${dense.length === run.source.layers.length ? 'mlp' : 'net'} ${widths}`, optimizer: `imported ${run.source.format}` };
  }
  const m = run.config.model;
  let architecture: string;
  if (m.kind === 'mlp') architecture = `mlp ${m.hidden.join('-') || 'linear'}${m.activation !== 'relu' ? ` ${m.activation}` : ''}`;
  else if (m.kind === 'cnn') architecture = `cnn ${m.layers.map((l) => (l.type === 'conv2d' ? `conv${l.filters}` : l.type === 'maxpool' ? 'pool' : l.type)).join('-')}`;
  else architecture = `file ${path.basename(m.path)}`;
  const o = run.config.optimizer;
  const optimizer = `${o.kind} lr ${o.lr}${run.config.weightDecay > 0 ? ` wd ${run.config.weightDecay}` : ''}`;
  return { architecture, optimizer, seed: run.config.seeds.init };
}
