/**
 * Runs one analysis job: finds the definition, serves a cached result when there is one, else runs it and
 * caches the result. Used by the analysis threads and, where no thread can start, in-process.
 */
import { ANALYSES, findAnalysis } from '../../analyses/registry';
import { cacheSlot } from '../../analyses/cache';
import { CancelledError, type AnalysisContext } from '../../analyses/definition';
import type { AnalysisParams } from '../protocol/analysis';

export type JobOutcome = { ok: true; result: unknown; cached: boolean } | { ok: false; message: string; cancelled: boolean };

export async function executeJob(name: string, rawParams: unknown, context: AnalysisContext): Promise<JobOutcome> {
  try {
    const definition = findAnalysis(name);
    if (!definition) return { ok: false, cancelled: false, message: `unknown analysis "${name}" (this worker knows: ${ANALYSES.map((a) => a.name).join(', ')})` };
    const params = validParams(name, rawParams);
    const run = definition.run as (p: AnalysisParams, c: AnalysisContext) => unknown;
    const spec = definition.cache?.(params as never);
    const slot = cacheSlot(definition.name, definition.version, params, spec, params.force);
    if (slot.hit !== undefined) return { ok: true, result: slot.hit, cached: true };
    const result = await run(params, context);
    context.throwIfCancelled();
    slot.store(result);
    return { ok: true, result, cached: false };
  } catch (e) {
    const cancelled = e instanceof CancelledError || context.isCancelled();
    return { ok: false, cancelled, message: cancelled ? 'cancelled' : e instanceof Error ? e.message : String(e) };
  }
}

function validParams(name: string, raw: unknown): AnalysisParams {
  const p = raw as Partial<AnalysisParams> | null;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.runDirs) || !p.runDirs.every((d) => typeof d === 'string')) {
    throw new Error(`${name}: request params need "runDirs": an array of run folders`);
  }
  return p as AnalysisParams;
}
