/** Smallest and largest value in column j of a row-major n x dims matrix (lo = Infinity, hi = -Infinity when n = 0). */
export function columnRange(data: Float64Array, n: number, dims: number, j: number): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = data[i * dims + j];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, hi };
}
