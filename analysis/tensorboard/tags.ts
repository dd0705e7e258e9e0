import type { MetricRecord } from '../store/metrics';

/**
 * TensorBoard tags of the metrics.jsonl fields, one table for the writer and for anyone mapping our own event
 * files back to the dashboard's curves. The prefixes group the charts in TensorBoard: `train/` the running
 * minibatch averages, `eval/` the fixed evaluation subset of the training data scored at each checkpoint,
 * `test/` the test subset at each checkpoint.
 */
export const TRAIN_TAGS = { loss: 'train/loss', accuracy: 'train/accuracy', lr: 'lr', samplesPerSec: 'samples_per_sec' } as const;
export const EVAL_TAGS = { trainLoss: 'eval/train_loss', trainAccuracy: 'eval/train_accuracy', testLoss: 'test/loss', testAccuracy: 'test/accuracy' } as const;

/** The scalars of one metric record, as (tag, value) pairs; fields the record lacks are left out. */
export function metricScalars(record: MetricRecord): [tag: string, value: number][] {
  const out: [string, number][] = [];
  const table: Record<string, string> = record.kind === 'train' ? TRAIN_TAGS : EVAL_TAGS;
  const fields = record as unknown as Record<string, unknown>;
  for (const [field, tag] of Object.entries(table)) {
    const v = fields[field];
    if (typeof v === 'number') out.push([tag, v]);
  }
  return out;
}
