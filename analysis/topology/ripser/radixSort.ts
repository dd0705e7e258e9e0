/**
 * Stable argsort of non-negative float64 keys by LSD radix sort on their IEEE-754 bits (for
 * non-negative doubles, the bit pattern read as an unsigned integer orders like the value). Sorting
 * millions of edge lengths this way is several times faster than `Array.prototype.sort` with a
 * comparator, and stability lets the caller choose how ties are broken by the input order.
 *
 * Keys travel with their indices (reads stay sequential); passes whose 16-bit digit is the same for
 * every key are skipped.
 */
export function radixArgsortNonNegative(keys: Float64Array): Uint32Array {
  const m = keys.length;
  let idx = new Uint32Array(m);
  for (let i = 0; i < m; i++) idx[i] = i;
  if (m < 2) return idx;
  // Little-endian halves: word 2i is the low 32 bits, 2i+1 the high 32 bits.
  let lo = new Uint32Array(m);
  let hi = new Uint32Array(m);
  {
    const words = new Uint32Array(keys.buffer, keys.byteOffset, m * 2);
    for (let i = 0; i < m; i++) {
      lo[i] = words[2 * i];
      hi[i] = words[2 * i + 1];
    }
  }
  let idx2 = new Uint32Array(m);
  let lo2 = new Uint32Array(m);
  let hi2 = new Uint32Array(m);
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
      idx2[dst] = idx[i];
      lo2[dst] = lo[i];
      hi2[dst] = hi[i];
    }
    [idx, idx2] = [idx2, idx];
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
  }
  return idx;
}

/** Checks the platform is little-endian (the radix sort reads float halves by position). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
