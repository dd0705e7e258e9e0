/**
 * Orthonormalises m vectors of length len stored one after another (`V[j * len + t]`), in place, by
 * modified Gram-Schmidt applied twice ("twice is enough", Giraud et al.), which keeps the basis
 * orthogonal to machine precision even when the vectors are nearly dependent — as the columns of a
 * randomized range sketch are after power iterations. Vectors that turn out dependent (relative norm
 * below 1e-12) are set to zero; returns how many survived.
 */
export function orthonormalizePanel(V: Float64Array, m: number, len: number): number {
  let rank = 0;
  for (let j = 0; j < m; j++) {
    const oj = j * len;
    let before = 0;
    for (let t = 0; t < len; t++) before += V[oj + t] * V[oj + t];
    before = Math.sqrt(before);
    orthogonalizeAgainst(V, oj, V, j, len);
    let norm = 0;
    for (let t = 0; t < len; t++) norm += V[oj + t] * V[oj + t];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12 * before) || norm === 0) {
      V.fill(0, oj, oj + len);
      continue;
    }
    const inv = 1 / norm;
    for (let t = 0; t < len; t++) V[oj + t] *= inv;
    rank++;
  }
  return rank;
}

/**
 * Removes from the vector `V[at .. at + len)` its components along the first `count` vectors of the
 * orthonormal panel `U` (stored one after another), by modified Gram-Schmidt applied twice.
 */
export function orthogonalizeAgainst(V: Float64Array, at: number, U: Float64Array, count: number, len: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < count; i++) {
      const oi = i * len;
      let dot = 0;
      for (let t = 0; t < len; t++) dot += U[oi + t] * V[at + t];
      if (dot !== 0) for (let t = 0; t < len; t++) V[at + t] -= dot * U[oi + t];
    }
  }
}
