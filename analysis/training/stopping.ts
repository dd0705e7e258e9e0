import type { StoppingRule } from '../spec/trainConfig';
import type { RunStop } from '../spec/runFormat';

/**
 * The train-loss plateau rule (SPEC B step 1: each minimum is trained "to a stopping rule"), as Keras's
 * EarlyStopping(monitor='loss') does it: after each epoch, the mean of that epoch's minibatch losses is
 * compared with the best epoch so far; an epoch that does not improve on it by more than `minDelta`
 * (absolute, in loss units) counts towards `patience`, and `patience` such epochs in a row stop the run.
 * Absolute rather than relative: near a minimum the cross-entropy keeps halving while it is already
 * negligible (0.004 -> 0.002), which a relative rule would call progress for ever.
 * Resuming a run starts the count afresh (the rule's state is not part of a checkpoint).
 */
export class PlateauDetector {
  private best = Infinity;
  private stale = 0;
  private epochs = 0;

  constructor(private readonly rule: StoppingRule) {}

  /** Feeds one finished epoch's mean train loss; true when the run should stop after this epoch. */
  observeEpoch(meanLoss: number): boolean {
    this.epochs++;
    if (meanLoss < this.best - this.rule.minDelta) {
      this.best = meanLoss;
      this.stale = 0;
      return false;
    }
    this.best = Math.min(this.best, meanLoss);
    this.stale++;
    return this.stale >= this.rule.patience;
  }

  /** What run.json records when the rule fired at `step`. */
  describe(step: number, epoch: number): RunStop {
    return {
      rule: 'train-loss-plateau',
      step,
      epoch,
      reason: `train loss did not improve by more than ${this.rule.minDelta} for ${this.rule.patience} epochs (best epoch mean ${this.best.toPrecision(4)})`,
    };
  }
}

/** run.json's record for a run that ran its whole step budget. */
export function maxStepsStop(step: number, epoch: number, rule: StoppingRule | undefined): RunStop {
  return { rule: 'max-steps', step, epoch, reason: rule ? `reached the step budget before the train loss plateaued (patience ${rule.patience}, minDelta ${rule.minDelta})` : 'trained the configured number of steps' };
}
