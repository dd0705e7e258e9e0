/**
 * The two pieces of arithmetic behind the line chart, kept pure (no DOM) so they can be unit-tested in Node:
 * TensorBoard's curve smoothing and the nearest-step lookup used by hover, keyboard and click.
 */

/**
 * TensorBoard's smoothing: an exponential moving average over the points in order, debiased the way Adam
 * debiases its moments. The plain EMA starts at 0 and so drags the first points towards 0 (a loss curve
 * would appear to start low); dividing by 1 - weight^n, the total weight the EMA has given to real points
 * after n of them, removes that bias, so the first smoothed point equals the first raw point and a
 * constant series stays constant.
 *
 * `weight` is TensorBoard's slider: 0 returns the values unchanged, 0.999 is very smooth. Like TensorBoard
 * the average runs over points, not over steps (downsampled series keep their order, so this is what a
 * TensorBoard user sees). Non-finite values (a diverged step) pass through unsmoothed and do not poison
 * the average, and a constant series is returned exactly (no rounding wobble from the division).
 */
export function smoothEma(values: ArrayLike<number>, weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new Error(`smoothing weight must be in [0, 1) (got ${weight})`);
  const n = values.length;
  const out = new Array<number>(n);
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = values[i] === values[0];
  let last = 0;
  let accumulated = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (constant || weight === 0 || !Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    accumulated++;
    out[i] = last / (1 - Math.pow(weight, accumulated));
  }
  return out;
}

/**
 * Index of the element of ascending `steps` nearest to `step` (binary search, O(log n)); -1 when empty.
 * A tie between two neighbours goes to the earlier step, so a pointer exactly halfway never flickers.
 * Equal steps (a resumed run may record a step twice) resolve to the first of them.
 */
export function nearestIndex(steps: ArrayLike<number>, step: number): number {
  const n = steps.length;
  if (n === 0) return -1;
  // lo = first index with steps[lo] >= step (n when every step is smaller)
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 0;
  if (lo === n) return firstOf(steps, n - 1);
  const before = lo - 1;
  return step - steps[before] <= steps[lo] - step ? firstOf(steps, before) : lo;
}

/** The first index holding the same step as index i (steps ascending). */
function firstOf(steps: ArrayLike<number>, i: number): number {
  while (i > 0 && steps[i - 1] === steps[i]) i--;
  return i;
}

/** The element of ascending `steps` nearest to `step` (ties to the earlier one); undefined when empty. */
export function nearestStep(steps: ArrayLike<number>, step: number): number | undefined {
  const i = nearestIndex(steps, step);
  return i < 0 ? undefined : steps[i];
}
