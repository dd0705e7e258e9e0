import type { CheckpointSchedule, LrSchedule } from '../spec/trainConfig';

/** Learning rate at update `step` (1-based) of `totalSteps`: a pure function, so a resumed run matches. */
export function learningRate(base: number, schedule: LrSchedule, step: number, totalSteps: number): number {
  const t = step - 1; // updates already done before this one
  switch (schedule.kind) {
    case 'constant':
      return base;
    case 'step':
      return base * Math.pow(schedule.gamma, Math.floor(t / schedule.everySteps));
    case 'cosine':
      return schedule.minLr + ((base - schedule.minLr) * (1 + Math.cos((Math.PI * t) / Math.max(1, totalSteps)))) / 2;
  }
}

/**
 * Steps at which to save a checkpoint: always 0 (the initialisation) and `totalSteps` (the final state),
 * ascending and unique. 'even' gives `count` steps evenly spaced (Gabella: 201 checkpoints = every 210 of
 * 42,000 batches); 'log' gives 0 plus `count - 1` steps geometrically spaced from 1 to totalSteps, pushed
 * apart where rounding would merge them, so early training is sampled densely (Mao et al.).
 */
export function checkpointSteps(schedule: CheckpointSchedule, totalSteps: number): number[] {
  const set = new Set<number>([0, totalSteps]);
  if (schedule.kind === 'every') {
    for (let s = schedule.steps; s < totalSteps; s += schedule.steps) set.add(s);
  } else if (schedule.kind === 'even') {
    for (let i = 1; i < schedule.count - 1; i++) set.add(Math.round((i * totalSteps) / (schedule.count - 1)));
  } else {
    const n = schedule.count - 1; // steps after 0
    if (n >= totalSteps) {
      for (let s = 1; s <= totalSteps; s++) set.add(s);
    } else {
      let prev = 0;
      for (let i = 0; i < n; i++) {
        const ideal = n === 1 ? totalSteps : Math.round(Math.pow(totalSteps, i / (n - 1)));
        const s = Math.min(Math.max(ideal, prev + 1), totalSteps - (n - 1 - i));
        set.add(s);
        prev = s;
      }
    }
  }
  return [...set].sort((a, b) => a - b);
}
