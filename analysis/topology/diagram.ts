/**
 * The one canonical persistence-diagram type of TopoLens, and the small helpers every producer
 * (Vietoris-Rips, sublevel sets) and consumer (UI, CLI, converters) shares.
 *
 * A bar is `(dim, birth, death)` with `death = Infinity` for essential classes, plus a representative:
 * the vertices of the simplex that created it and of the one that killed it, so the UI can show what a
 * bar is made of (an edge closing a loop, the triangle filling it, ...).
 */
export interface PersistenceBar {
  dim: number;
  birth: number;
  /** `Infinity` for essential classes. */
  death: number;
  /** Vertex indices of the simplex that created the bar (dim+1 vertices; a single vertex for H0). */
  birthSimplex: number[];
  /** Vertex indices of the simplex that killed it (`[]` when essential; an edge for H0). */
  deathSimplex: number[];
}

/** Orders bars by (dim, birth, death), the order of Ripser's golden JSON within a dimension. */
export function compareBars(a: PersistenceBar, b: PersistenceBar): number {
  return a.dim - b.dim || a.birth - b.birth || compareDeaths(a.death, b.death);
}

function compareDeaths(a: number, b: number): number {
  if (a === b) return 0;
  return a < b ? -1 : 1; // Infinity sorts last, as in the golden files (null last)
}

/** Returns the bars sorted by (dim, birth, death) without mutating the input. */
export function sortBars(bars: readonly PersistenceBar[]): PersistenceBar[] {
  return [...bars].sort(compareBars);
}

/** Bars of one dimension. */
export function barsOfDim(bars: readonly PersistenceBar[], dim: number): PersistenceBar[] {
  return bars.filter((b) => b.dim === dim);
}

/** Largest dimension present (or -1 for an empty diagram). */
export function maxBarDim(bars: readonly PersistenceBar[]): number {
  let m = -1;
  for (const b of bars) if (b.dim > m) m = b.dim;
  return m;
}

/** Persistence of a bar (`Infinity` for essential bars). */
export function persistence(bar: { birth: number; death: number }): number {
  return bar.death - bar.birth;
}
