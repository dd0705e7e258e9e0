/**
 * Stable sort of non-negative float64 keys, with a uint32 payload carried along, by LSD radix sort on
 * the keys' IEEE-754 bits (for non-negative doubles the bit pattern read as an unsigned integer orders
 * like the value). For the millions of edge lengths of a Rips filtration this is several times faster
 * than a comparison sort, and stability lets the caller break ties by the input order.
 *
 * Keys travel with their payload, so every pass reads sequentially; passes whose 16-bit digit is the
 * same for every key are skipped. Assumes a little-endian platform (every V8 target).
 */
export function radixSortKeysWithPayload(keys: Float64Array, payload: Uint32Array): void {
  const m = keys.length;
  if (m < 2) return;
  if (payload.length !== m) throw new Error('radix sort: payload and keys differ in length');
  const words = new Uint32Array(keys.buffer, keys.byteOffset, m * 2);
  let lo: Uint32Array = new Uint32Array(m);
  let hi: Uint32Array = new Uint32Array(m);
  for (let i = 0; i < m; i++) {
    lo[i] = words[2 * i];
    hi[i] = words[2 * i + 1];
  }
  let pl: Uint32Array = payload;
  let lo2: Uint32Array = new Uint32Array(m);
  let hi2: Uint32Array = new Uint32Array(m);
  let pl2: Uint32Array = new Uint32Array(m);
  const count = new Uint32Array(65537);
  for (let pass = 0; pass < 4; pass++) {
    const src = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < m; i++) count[((src[i] >>> shift) & 0xffff) + 1]++;
    let single = false;
    for (let b = 1; b <= 65536; b++) {
      if (count[b] === 0) continue;
      single = count[b] === m;
      break;
    }
    if (single) continue;
    for (let b = 1; b <= 65536; b++) count[b] += count[b - 1];
    for (let i = 0; i < m; i++) {
      const dst = count[(src[i] >>> shift) & 0xffff]++;
      lo2[dst] = lo[i];
      hi2[dst] = hi[i];
      pl2[dst] = pl[i];
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [pl, pl2] = [pl2, pl];
  }
  for (let i = 0; i < m; i++) {
    words[2 * i] = lo[i];
    words[2 * i + 1] = hi[i];
  }
  if (pl !== payload) payload.set(pl);
}

/** Stable argsort (indices of `keys` in sorted order) of non-negative float64 keys; `keys` is left intact. */
export function radixArgsortNonNegative(keys: Float64Array): Uint32Array {
  const copy = Float64Array.from(keys);
  const idx = new Uint32Array(keys.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  radixSortKeysWithPayload(copy, idx);
  return idx;
}
