/**
 * Stable argsort of non-negative float64 keys by LSD radix sort on their IEEE-754 bits (for
 * non-negative doubles, the bit pattern read as an unsigned integer orders like the value). Sorting
 * millions of edge lengths this way is several times faster than `Array.prototype.sort` with a
 * comparator, and stability lets the caller choose how ties are broken by the initial order.
 *
 * `order` holds the initial permutation (ties keep its relative order) and is sorted in place.
 */
export function radixArgsortNonNegative(keys: Float64Array, order: Uint32Array): void {
  const m = order.length;
  if (m < 2) return;
  const words = new Uint32Array(keys.buffer, keys.byteOffset, keys.length * 2);
  // Little-endian: word 2i is the low half, 2i+1 the high half.
  let src: Uint32Array = order;
  let dst: Uint32Array = new Uint32Array(m);
  const count = new Uint32Array(65537);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < m; i++) count[((words[2 * src[i] + word] >>> shift) & 0xffff) + 1]++;
    // Skip passes where every key has the same digit.
    let single = false;
    for (let b = 1; b <= 65536; b++) {
      if (count[b] === m) {
        single = true;
        break;
      }
      if (count[b] !== 0) break;
    }
    if (single) continue;
    for (let b = 1; b <= 65536; b++) count[b] += count[b - 1];
    for (let i = 0; i < m; i++) {
      const e = src[i];
      dst[count[(words[2 * e + word] >>> shift) & 0xffff]++] = e;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== order) order.set(src);
}

/** Checks the platform is little-endian (the radix sort reads float halves by position). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
