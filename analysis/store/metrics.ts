import * as fs from 'node:fs';

/**
 * metrics.jsonl: one JSON object per line, appended while training. Appends are not atomic, so a run
 * killed mid-write may leave a torn last line; readers skip it (and only it).
 */

/** Running training loss/accuracy, averaged over the batches since the previous record. */
export interface TrainMetricRecord {
  kind: 'train';
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
  lr: number;
  samplesPerSec?: number;
}

/** Loss/accuracy on the fixed evaluation subsets, measured at every checkpoint. */
export interface EvalMetricRecord {
  kind: 'eval';
  step: number;
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss?: number;
  testAccuracy?: number;
  /** Checkpoint file name (relative to checkpoints/) written at this step. */
  checkpoint?: string;
}

export type MetricRecord = TrainMetricRecord | EvalMetricRecord;

export function appendMetric(file: string, record: MetricRecord): void {
  fs.appendFileSync(file, JSON.stringify(record) + '\n');
}

/** Parses metrics.jsonl text. A bad line that is not the last one is an error naming the file and line. */
export function parseMetrics(text: string, file: string): MetricRecord[] {
  const lines = text.split('\n');
  const out: MetricRecord[] = [];
  // Found once: checking "only blank lines follow" per line made a 100k-line file take minutes.
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === '') last--;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const isLast = i === last;
    try {
      const rec = JSON.parse(line) as MetricRecord;
      if (typeof rec !== 'object' || rec === null || typeof rec.step !== 'number') throw new Error('not a metric record');
      out.push(rec);
    } catch (e) {
      if (isLast) break; // torn final append of a killed run
      throw new Error(`${file}:${i + 1}: corrupt metrics line (${(e as Error).message})`);
    }
  }
  return out;
}
