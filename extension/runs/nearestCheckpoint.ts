/** The checkpoint of a run nearest to a step (linked views show checkpoints, curves have every step). */
import { listCheckpoints } from '../../analysis/store/runStore';

export function nearestCheckpointStep(runDir: string, step: number): number | undefined {
  let best: number | undefined;
  for (const c of listCheckpoints(runDir)) {
    if (best === undefined || Math.abs(c.step - step) < Math.abs(best - step)) best = c.step;
  }
  return best;
}
