/**
 * Which precomputed response of a static report answers a view message (no DOM: unit-tested in Node).
 * Exact match on every field of `when` first; else, for responses with a `nearest` field, the one whose
 * other fields match and whose value of that field is closest (ties: the earlier step).
 */
import type { StaticResponse } from '../protocol/staticPage';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function findResponse<H>(responses: readonly StaticResponse<H>[], message: Record<string, unknown>): StaticResponse<H> | undefined {
  const exact = responses.find((r) => Object.keys(r.when).every((k) => same(r.when[k], message[k])));
  if (exact) return exact;
  let best: StaticResponse<H> | undefined;
  let bestDistance = Infinity;
  for (const r of responses) {
    const field = r.nearest;
    if (!field) continue;
    const want = message[field];
    const have = r.when[field];
    if (typeof want !== 'number' || typeof have !== 'number') continue;
    if (!Object.keys(r.when).every((k) => k === field || same(r.when[k], message[k]))) continue;
    const d = Math.abs(have - want);
    if (d < bestDistance || (d === bestDistance && best && (best.when[field] as number) > have)) {
      best = r;
      bestDistance = d;
    }
  }
  return best;
}
