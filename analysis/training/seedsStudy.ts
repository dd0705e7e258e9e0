/**
 * A study of K independent seeds of one config (the user's own dataset and architecture): what SPEC B's
 * loss barcode needs (K minima of one architecture, K = 8 in the authors' runs) and what a prediction
 * manifold or weight-tree comparison across seeds needs. Member k trains with init and shuffle seed k; the
 * probe seed stays the config's, so every member is scored on the same probe set.
 */
import type { TrainConfig } from '../spec/trainConfig';
import { createStudy } from '../store/studyStore';
import type { StudyPlan } from './studyJobs';

export const DEFAULT_SEEDS = 8;

export function seedsStudyMembers(config: TrainConfig, name: string, seeds: number): { name: string; config: TrainConfig }[] {
  if (!Number.isInteger(seeds) || seeds < 2) throw new Error(`a seeds study needs 2 or more seeds, got ${seeds}`);
  return Array.from({ length: seeds }, (_, i) => ({ name: `${name}-seed${i + 1}`, config: { ...config, seeds: { ...config.seeds, init: i + 1, shuffle: i + 1 } } }));
}

/** Records the study (study.json, written once) and plans one fresh run per seed. */
export function planSeedsStudy(runsRoot: string, config: TrainConfig, options: { name: string; seeds?: number; panels?: string[] }): StudyPlan {
  const seeds = options.seeds ?? DEFAULT_SEEDS;
  const members = seedsStudyMembers(config, options.name, seeds);
  const created = createStudy(runsRoot, {
    name: `${options.name} x${seeds} seeds`, description: `${seeds} seeds of ${options.name}`, members,
    ...(options.panels ? { panels: options.panels } : {}),
  });
  return { id: created.id, dir: created.dir, runsRoot, skipped: [], jobs: members.map((m) => ({ name: m.name, config: m.config, study: { id: created.id, member: m.name } })) };
}
