/**
 * Converters between the canonical `PersistenceBar[]` and the diagram forms of other tools. They live at
 * the edges (CLI output, interop with Python notebooks), so the engine only ever speaks one type.
 *
 * Bars read from foreign forms carry no representative: their `birthSimplex`/`deathSimplex` are `[]`.
 */
import { compareBars, sortBars, type PersistenceBar } from './diagram';

/** `{"dim0": [[birth, death|null], ...], "dim1": ...}` as in ../shared/golden/*.ripser.json. */
export type RipserJson = Record<string, Array<[number, number | null]>>;

/**
 * The golden/CLI JSON form: one key per dimension 0..maxDim (present even when empty), zero-persistence
 * pairs omitted (as Ripser prints only pairs with death > birth), pairs sorted by (birth, death), `null`
 * for an infinite death.
 */
export function toRipserJson(bars: readonly PersistenceBar[], maxDim: number): RipserJson {
  const out: RipserJson = {};
  for (let d = 0; d <= maxDim; d++) out[`dim${d}`] = [];
  for (const b of sortBars(bars)) {
    if (!(b.death > b.birth)) continue;
    const key = `dim${b.dim}`;
    (out[key] ??= []).push([b.birth, b.death === Infinity ? null : b.death]);
  }
  return out;
}

/** Reads the golden/CLI JSON form back into bars (without representatives). */
export function fromRipserJson(json: RipserJson): PersistenceBar[] {
  const bars: PersistenceBar[] = [];
  for (const [key, pairs] of Object.entries(json)) {
    const m = /^dim(\d+)$/.exec(key);
    if (!m) throw new Error(`diagram JSON: unexpected key "${key}" (expected dim0, dim1, ...)`);
    const dim = Number(m[1]);
    for (const [birth, death] of pairs) bars.push(bar(dim, birth, death === null ? Infinity : death));
  }
  return bars;
}

function bar(dim: number, birth: number, death: number): PersistenceBar {
  return { dim, birth, death, birthSimplex: [], deathSimplex: [] };
}

/**
 * ripser.py's `dgms`: `dgms[d]` is an array of `[birth, death]` with `Infinity` (numpy `inf`) for
 * essential classes. Like ripser.py, zero-persistence pairs are dropped.
 */
export function toRipserPyDgms(bars: readonly PersistenceBar[], maxDim: number): number[][][] {
  const dgms: number[][][] = [];
  for (let d = 0; d <= maxDim; d++) dgms.push([]);
  for (const b of sortBars(bars)) {
    if (b.dim > maxDim || !(b.death > b.birth)) continue;
    dgms[b.dim].push([b.birth, b.death]);
  }
  return dgms;
}

export function fromRipserPyDgms(dgms: readonly (readonly (readonly number[])[])[]): PersistenceBar[] {
  const bars: PersistenceBar[] = [];
  dgms.forEach((pairs, dim) => {
    for (const p of pairs) bars.push(bar(dim, p[0], p[1]));
  });
  return bars;
}

/**
 * GUDHI's `SimplexTree.persistence()` form: `[dim, [birth, death]]` sorted by decreasing persistence
 * (ties by dimension, descending, as GUDHI lists higher dimensions first).
 */
export type GudhiPersistence = Array<[number, [number, number]]>;

export function toGudhi(bars: readonly PersistenceBar[]): GudhiPersistence {
  return [...bars]
    .filter((b) => b.death > b.birth)
    .sort((a, b) => b.death - b.birth - (a.death - a.birth) || b.dim - a.dim || a.birth - b.birth)
    .map((b) => [b.dim, [b.birth, b.death]]);
}

export function fromGudhi(pers: GudhiPersistence): PersistenceBar[] {
  return pers.map(([dim, [birth, death]]) => bar(dim, birth, death));
}

/**
 * giotto-tda's form: an `(n_points, 3)` array of `[birth, death, dim]` triples for the dimensions in
 * `homologyDimensions`. giotto replaces infinite deaths by `infinity_values` (default: the max edge
 * length) and, with `reduced_homology=True`, drops the one essential H0 bar; pass `infinityValue` and
 * `reducedHomology` to mimic that (defaults keep every bar, infinite deaths as `Infinity`). Each listed
 * dimension with no bar gets one `[0, 0, dim]` triple, as giotto pads so every dimension is present.
 */
export function toGiotto(
  bars: readonly PersistenceBar[],
  homologyDimensions: readonly number[],
  infinityValue = Infinity,
  reducedHomology = false,
): number[][] {
  const out: number[][] = [];
  for (const dim of homologyDimensions) {
    const inDim = bars.filter((b) => b.dim === dim && b.death > b.birth).sort(compareBars);
    if (reducedHomology && dim === 0) {
      const firstEssential = inDim.findIndex((b) => b.death === Infinity);
      if (firstEssential >= 0) inDim.splice(firstEssential, 1);
    }
    if (inDim.length === 0) out.push([0, 0, dim]);
    for (const b of inDim) out.push([b.birth, b.death === Infinity ? infinityValue : b.death, dim]);
  }
  return out;
}

/** Reads giotto triples back, dropping its zero-length padding triples. */
export function fromGiotto(triples: readonly (readonly number[])[]): PersistenceBar[] {
  return triples.filter((t) => t[1] > t[0]).map((t) => bar(t[2], t[0], t[1]));
}
