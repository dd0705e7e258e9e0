/**
 * Stable sort of non-negative float64 keys, with a uint32 payload carried along. For the millions of edge
 * lengths of a Rips filtration this is several times faster than a comparison sort, and stability lets
 * the caller break ties by the input order.
 *
 * For non-negative doubles the bit pattern read as an unsigned integer orders like the value, so its high
 * 32 bits (sign, exponent, 20 mantissa bits) are a coarse key that orders like the value wherever they
 * differ. The keys are sorted by that word alone: LSD radix, three passes of 11 bits, each reading
 * sequentially and writing to at most 2048 places (few enough to stay in cache), the low word and the
 * payload carried along; passes whose digit is the same for every key are skipped. Each run of equal high
 * words (on real data a handful of keys: 2^20 steps per octave) is then finished by an insertion sort on
 * the value, which is stable; a long run (many keys within 1 part in a million) falls back to a stable
 * comparison sort. Assumes a little-endian platform (every V8 target).
 */
const DIGIT_BITS = 11;
const DIGIT_MASK = (1 << DIGIT_BITS) - 1;

/** Runs of equal high words longer than this are sorted by a comparison sort instead of insertion. */
const LONG_RUN = 48;

export function radixSortKeysWithPayload(keys: Float64Array, payload: Uint32Array): void {
  const m = keys.length;
  if (m < 2) return;
  if (payload.length !== m) throw new Error('radix sort: payload and keys differ in length');
  const words = new Uint32Array(keys.buffer, keys.byteOffset, m * 2);
  let hi: Uint32Array = new Uint32Array(m);
  let lo: Uint32Array = new Uint32Array(m);
  splitWords(words, lo, hi);
  let pl: Uint32Array = payload;
  let hi2: Uint32Array = new Uint32Array(m);
  let lo2: Uint32Array = new Uint32Array(m);
  let pl2: Uint32Array = new Uint32Array(m);
  const count = new Uint32Array(DIGIT_MASK + 2);
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    if (!countDigits(hi, shift, count)) continue; // one digit for every key
    scatter(hi, lo, pl, hi2, lo2, pl2, shift, count);
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [pl, pl2] = [pl2, pl];
  }
  joinWords(lo, hi, words);
  if (pl !== payload) payload.set(pl);
  finishRuns(keys, payload, hi, hi2); // hi2 is free scratch (pl2 may be the payload itself)
}

// One loop per function below: V8 compiles a hot loop on the fly (OSR) with the type feedback gathered
// so far, and a later loop in the same function would have none and throw that code away again (several
// such rounds made the first call, the only one in a CLI run, up to 10x slower than the next).

function splitWords(words: Uint32Array, lo: Uint32Array, hi: Uint32Array): void {
  for (let i = 0; i < lo.length; i++) {
    lo[i] = words[2 * i];
    hi[i] = words[2 * i + 1];
  }
}

function joinWords(lo: Uint32Array, hi: Uint32Array, words: Uint32Array): void {
  for (let i = 0; i < lo.length; i++) {
    words[2 * i] = lo[i];
    words[2 * i + 1] = hi[i];
  }
}

/** Exclusive prefix sums of the digit counts in `count`; false when every key has the same digit. */
function countDigits(hi: Uint32Array, shift: number, count: Uint32Array): boolean {
  histogram(hi, shift, count);
  if (count[((hi[0] >>> shift) & DIGIT_MASK) + 1] === hi.length) return false;
  prefixSums(count);
  return true;
}

function histogram(hi: Uint32Array, shift: number, count: Uint32Array): void {
  count.fill(0);
  for (let i = 0; i < hi.length; i++) count[((hi[i] >>> shift) & DIGIT_MASK) + 1]++;
}

function prefixSums(count: Uint32Array): void {
  for (let b = 1; b < count.length; b++) count[b] += count[b - 1];
}

function scatter(hi: Uint32Array, lo: Uint32Array, pl: Uint32Array, hi2: Uint32Array, lo2: Uint32Array, pl2: Uint32Array, shift: number, count: Uint32Array): void {
  for (let i = 0; i < hi.length; i++) {
    const h = hi[i];
    const dst = count[(h >>> shift) & DIGIT_MASK]++;
    hi2[dst] = h;
    lo2[dst] = lo[i];
    pl2[dst] = pl[i];
  }
}

/** Sorts each run of equal high words by the full key (stably). */
function finishRuns(keys: Float64Array, payload: Uint32Array, hi: Uint32Array, scratch: Uint32Array): void {
  const m = hi.length;
  for (let a = 0; a < m; ) {
    let b = a + 1;
    while (b < m && hi[b] === hi[a]) b++;
    if (b - a > LONG_RUN) sortRunByComparison(keys, payload, a, b, scratch);
    else if (b - a > 1) insertionSortRun(keys, payload, a, b);
    a = b;
  }
}

/** Stable insertion sort of keys[a..b) (payload alongside): an element only moves past strictly larger keys. */
function insertionSortRun(keys: Float64Array, pay: Uint32Array, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    const k = keys[i];
    const p = pay[i];
    let j = i - 1;
    while (j >= a && keys[j] > k) {
      keys[j + 1] = keys[j];
      pay[j + 1] = pay[j];
      j--;
    }
    keys[j + 1] = k;
    pay[j + 1] = p;
  }
}

/** Stable sort of keys[a..b) (payload alongside) by Array.prototype.sort (stable), via `scratch`. */
function sortRunByComparison(keys: Float64Array, pay: Uint32Array, a: number, b: number, scratch: Uint32Array): void {
  const order = Array.from({ length: b - a }, (_, i) => a + i).sort((x, y) => keys[x] - keys[y] || x - y);
  const k = keys.slice(a, b);
  for (let i = 0; i < order.length; i++) scratch[a + i] = pay[order[i]];
  for (let i = 0; i < order.length; i++) keys[a + i] = k[order[i] - a];
  pay.set(scratch.subarray(a, b), a);
}

/** Stable argsort (indices of `keys` in sorted order) of non-negative float64 keys; `keys` is left intact. */
export function radixArgsortNonNegative(keys: Float64Array): Uint32Array {
  const copy = Float64Array.from(keys);
  const idx = new Uint32Array(keys.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  radixSortKeysWithPayload(copy, idx);
  return idx;
}
