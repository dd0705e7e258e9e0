/** The dashboard's curves: metrics.jsonl split into series and downsampled (never cached: it grows). */
import { readMetrics, readRun } from '../../store/runStore';
import type { CurveKey, CurveSeries, RunCurves, RunCurvesParams } from '../../worker/protocol/runCurves';
import { defineAnalysis, singleRunDir, type AnalysisContext } from '../definition';
import { downsampleMinMax } from './downsample';

const SERIES: { key: CurveKey; label: string; group: CurveSeries['group'] }[] = [
  { key: 'trainLoss', label: 'train loss (running)', group: 'loss' },
  { key: 'evalTrainLoss', label: 'train loss (eval subset)', group: 'loss' },
  { key: 'testLoss', label: 'test loss', group: 'loss' },
  { key: 'trainAccuracy', label: 'train accuracy (running)', group: 'accuracy' },
  { key: 'evalTrainAccuracy', label: 'train accuracy (eval subset)', group: 'accuracy' },
  { key: 'testAccuracy', label: 'test accuracy', group: 'accuracy' },
  { key: 'lr', label: 'learning rate', group: 'lr' },
  { key: 'samplesPerSec', label: 'samples/s', group: 'throughput' },
];

export function computeRunCurves(params: RunCurvesParams, context?: AnalysisContext): RunCurves {
  const runDir = singleRunDir(params, 'runCurves');
  const maxPoints = params.maxPoints ?? 1000;
  const entry = readRun(runDir);
  const records = readMetrics(runDir);
  context?.throwIfCancelled();
  const raw = new Map<CurveKey, { steps: number[]; values: number[] }>(SERIES.map((s) => [s.key, { steps: [], values: [] }]));
  const add = (key: CurveKey, step: number, value: number | undefined) => {
    if (value === undefined || value === null) return;
    const s = raw.get(key) as { steps: number[]; values: number[] };
    s.steps.push(step);
    s.values.push(value);
  };
  for (const r of records) {
    if (r.kind === 'train') {
      add('trainLoss', r.step, r.loss);
      add('trainAccuracy', r.step, r.accuracy);
      add('lr', r.step, r.lr);
      add('samplesPerSec', r.step, r.samplesPerSec);
    } else if (r.kind === 'eval') {
      add('evalTrainLoss', r.step, r.trainLoss);
      add('evalTrainAccuracy', r.step, r.trainAccuracy);
      add('testLoss', r.step, r.testLoss);
      add('testAccuracy', r.step, r.testAccuracy);
    }
  }
  const series: CurveSeries[] = [];
  for (const s of SERIES) {
    const r = raw.get(s.key) as { steps: number[]; values: number[] };
    if (r.steps.length === 0) continue;
    series.push({ ...s, ...downsampleMinMax(r.steps, r.values, maxPoints), rawCount: r.steps.length });
  }
  return { runDir, records: records.length, checkpointSteps: entry.checkpoints.map((c) => c.step), totalSteps: entry.run?.shape?.totalSteps, series };
}

export const runCurvesAnalysis = defineAnalysis({ name: 'runCurves', version: 1, run: computeRunCurves });
