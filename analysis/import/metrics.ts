/**
 * Training curves of an imported run, from a CSV (Keras `CSVLogger`, pandas `to_csv`, a hand-written log),
 * a JSONL file (one object per line) or TensorBoard scalars, turned into metrics.jsonl records so the Run
 * Dashboard draws them like a native run's.
 *
 * Columns / tags are matched by their words (case, `/`, `_`, `-`, `.` and spaces ignored; Keras' `epoch_`
 * prefix dropped): a name with "loss" is a loss, with "acc"/"accuracy" an accuracy; with "val",
 * "validation", "test" or "eval" it is the held-out one, otherwise training; "lr" / "learning rate" is the
 * learning rate. The step is the column "step" / "global_step" / "iteration" / "iter", else "epoch".
 * Everything else is left out and reported.
 */
import type { ScalarPoint } from '../tensorboard/read';

export type ImportedCurve = 'loss' | 'accuracy' | 'lr' | 'testLoss' | 'testAccuracy';

/** A metrics.jsonl record with only the values the source had (runCurves skips absent ones). */
export type ImportedMetricRecord =
  | { kind: 'train'; step: number; loss?: number; accuracy?: number; lr?: number }
  | { kind: 'eval'; step: number; testLoss?: number; testAccuracy?: number };

export interface ParsedCurves {
  /** curve -> step -> value */
  curves: Map<ImportedCurve, Map<number, number>>;
  ignored: string[];
  /** Which column gave the step (e.g. "epoch"), for the run's warnings. */
  stepColumn?: string;
}

const STEP_NAMES = ['step', 'global_step', 'globalstep', 'iteration', 'iter'];

function words(name: string): string[] {
  return name.toLowerCase().split(/[\s/_.-]+/).filter((w) => w.length > 0 && w !== 'epoch' && w !== 'batch');
}

/** Which of our curves a column or tag is, or undefined. */
export function curveOf(name: string): ImportedCurve | undefined {
  const w = words(name);
  if (w.includes('lr') || (w.includes('learning') && w.includes('rate'))) return 'lr';
  const heldOut = w.some((x) => x === 'val' || x === 'validation' || x === 'test' || x === 'eval');
  if (w.some((x) => x === 'loss')) return heldOut ? 'testLoss' : 'loss';
  if (w.some((x) => x === 'acc' || x === 'accuracy')) return heldOut ? 'testAccuracy' : 'accuracy';
  return undefined;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

function addRows(rows: Record<string, unknown>[], file: string, lineOf: (i: number) => number): ParsedCurves {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const stepColumn = columns.find((c) => STEP_NAMES.includes(c.toLowerCase())) ?? columns.find((c) => c.toLowerCase() === 'epoch');
  if (!stepColumn) throw new Error(`${file}: no step column (one of ${[...STEP_NAMES, 'epoch'].join(', ')}) among ${columns.join(', ')}`);
  const curves = new Map<ImportedCurve, Map<number, number>>();
  const ignored: string[] = [];
  const mapped = new Map<string, ImportedCurve>();
  for (const c of columns) {
    if (c === stepColumn) continue;
    const k = curveOf(c);
    if (k === undefined || [...mapped.values()].includes(k)) ignored.push(c);
    else mapped.set(c, k);
  }
  rows.forEach((r, i) => {
    const step = Number(r[stepColumn]);
    if (!Number.isSafeInteger(step) || step < 0) throw new Error(`${file}:${lineOf(i)}: step "${String(r[stepColumn])}" is not a non-negative integer`);
    for (const [c, k] of mapped) {
      const v = r[c];
      if (v === undefined || v === null || v === '') continue;
      const x = Number(v);
      if (Number.isNaN(x) && String(v).toLowerCase() !== 'nan') throw new Error(`${file}:${lineOf(i)}: ${c} "${String(v)}" is not a number`);
      if (!curves.has(k)) curves.set(k, new Map());
      (curves.get(k) as Map<number, number>).set(step, x);
    }
  });
  return { curves, ignored, stepColumn };
}

/** A CSV with a header line. */
export function parseMetricsCsv(text: string, file: string): ParsedCurves {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '');
  const rows: Record<string, unknown>[] = [];
  const lineNumbers: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = splitCsvLine(lines[i]);
    if (cells.length !== header.length) throw new Error(`${file}:${i + 1}: ${cells.length} cells, the header has ${header.length}`);
    rows.push(Object.fromEntries(header.map((h, j) => [h, cells[j]])));
    lineNumbers.push(i + 1);
  }
  return addRows(rows, file, (i) => lineNumbers[i]);
}

/** One JSON object per line; a torn last line (a log still being written) is skipped. */
export function parseMetricsJsonl(text: string, file: string): ParsedCurves {
  const lines = text.split('\n');
  const rows: Record<string, unknown>[] = [];
  const lineNumbers: number[] = [];
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === '') last--;
  for (let i = 0; i <= last; i++) {
    if (lines[i].trim() === '') continue;
    try {
      const r = JSON.parse(lines[i]);
      if (!r || typeof r !== 'object' || Array.isArray(r)) throw new Error('not an object');
      rows.push(r as Record<string, unknown>);
      lineNumbers.push(i + 1);
    } catch (e) {
      if (i === last) break;
      throw new Error(`${file}:${i + 1}: not a JSON object (${(e as Error).message})`);
    }
  }
  return addRows(rows, file, (i) => lineNumbers[i]);
}

/** TensorBoard scalars by tag (from readTensorBoardScalars). */
export function curvesFromTensorBoard(scalars: Map<string, ScalarPoint[]>): ParsedCurves {
  const curves = new Map<ImportedCurve, Map<number, number>>();
  const ignored: string[] = [];
  for (const [tag, points] of [...scalars].sort(([a], [b]) => a.localeCompare(b))) {
    const k = curveOf(tag);
    if (k === undefined || curves.has(k)) { ignored.push(tag); continue; }
    curves.set(k, new Map(points.map((p) => [p.step, p.value])));
  }
  return { curves, ignored };
}

/** Merges curves (earlier sources win for a curve they have) and makes the records, in step order. */
export function metricRecords(parts: ParsedCurves[]): ImportedMetricRecord[] {
  const merged = new Map<ImportedCurve, Map<number, number>>();
  for (const p of parts) for (const [k, m] of p.curves) if (!merged.has(k)) merged.set(k, m);
  const steps = [...new Set([...merged.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const out: ImportedMetricRecord[] = [];
  const at = (k: ImportedCurve, s: number) => merged.get(k)?.get(s);
  for (const step of steps) {
    const loss = at('loss', step);
    const accuracy = at('accuracy', step);
    const lr = at('lr', step);
    if (loss !== undefined || accuracy !== undefined || lr !== undefined) {
      out.push({ kind: 'train', step, ...(loss !== undefined ? { loss } : {}), ...(accuracy !== undefined ? { accuracy } : {}), ...(lr !== undefined ? { lr } : {}) });
    }
    const testLoss = at('testLoss', step);
    const testAccuracy = at('testAccuracy', step);
    if (testLoss !== undefined || testAccuracy !== undefined) {
      out.push({ kind: 'eval', step, ...(testLoss !== undefined ? { testLoss } : {}), ...(testAccuracy !== undefined ? { testAccuracy } : {}) });
    }
  }
  return out;
}
