/**
 * TO-score variants (SPEC B): built from the lengths l_i = death_i - birth_i of the finite minima segments.
 * The paper's exact normalisation was not in the sources we could read, so all four are reported and
 * labelled: sum(l_i), max(l_i), and both divided by (f at initialisation - global minimum), which makes
 * them comparable across architectures whose losses start at different heights.
 */
import type { ToScore } from '../../worker/protocol/lossBarcode';

export function toScore(bars: readonly (readonly [number, number])[], initLoss: number | null): ToScore {
  if (bars.length === 0) throw new Error('TO-score: no minima');
  let sum = 0;
  let max = 0;
  let globalMin = Infinity;
  for (const [birth, death] of bars) {
    globalMin = Math.min(globalMin, birth);
    if (death === Infinity) continue;
    const l = death - birth;
    sum += l;
    max = Math.max(max, l);
  }
  const scale = initLoss !== null && initLoss > globalMin ? initLoss - globalMin : null;
  return {
    sum,
    max,
    sumNormalized: scale === null ? null : sum / scale,
    maxNormalized: scale === null ? null : max / scale,
    initLoss,
    globalMin,
  };
}
