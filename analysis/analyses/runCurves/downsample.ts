/**
 * Min-max downsampling for line charts: the series is cut into equal index buckets and each bucket keeps
 * its minimum and its maximum, in step order (plus the very first and last points). Unlike uniform
 * thinning or averaging, a loss spike or a divergence survives at any zoom, which is what a training
 * curve is read for; the shape matches the full series to within one bucket horizontally.
 */

export interface Downsampled { steps: number[]; values: number[] }

export function downsampleMinMax(steps: ArrayLike<number>, values: ArrayLike<number>, maxPoints: number): Downsampled {
  const n = steps.length;
  if (values.length !== n) throw new Error(`downsample: ${n} steps but ${values.length} values`);
  if (!(maxPoints >= 4)) throw new Error(`downsample: maxPoints must be at least 4 (got ${maxPoints})`);
  if (n <= maxPoints) return { steps: Array.from(steps), values: Array.from(values) };
  const outSteps: number[] = [];
  const outValues: number[] = [];
  const push = (i: number) => {
    if (outSteps.length > 0 && outSteps[outSteps.length - 1] === steps[i] && outValues[outValues.length - 1] === values[i]) return;
    outSteps.push(steps[i]);
    outValues.push(values[i]);
  };
  push(0);
  // Interior points 1..n-2 in (maxPoints - 2) / 2 buckets of two points each.
  const buckets = Math.floor((maxPoints - 2) / 2);
  const interior = n - 2;
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * interior) / buckets);
    const end = 1 + Math.floor(((b + 1) * interior) / buckets);
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      // NaN (a diverged step) counts as an extreme so it is never hidden.
      if (Number.isNaN(values[i]) || values[i] < values[lo]) lo = i;
      if (Number.isNaN(values[i]) || values[i] > values[hi]) hi = i;
    }
    if (lo === hi) push(lo);
    else if (lo < hi) { push(lo); push(hi); } else { push(hi); push(lo); }
  }
  push(n - 1);
  return { steps: outSteps, values: outValues };
}
