/**
 * Textbook Vietoris-Rips persistence: list every simplex up to dimension `maxDim + 1` explicitly, sort
 * them into a filtration and reduce the boundary matrix column by column (Edelsbrunner-Letscher-Zomorodian
 * standard algorithm) over Z/p.
 *
 * Ties are broken as the fast engine does (edges by length then index descending; a simplex by the rank
 * of its longest edge, then combinatorial index descending; vertices by index), so that with the same
 * total order the persistence pairs — hence the representatives — must coincide exactly.
 *
 * WHY it exists: it is the independent reference the fast engine (`rips.ts`) is cross-checked against in
 * tests. It shares no code with the fast engine beyond the distance matrix, it is O(#simplices^2) in the
 * worst case, and it must only be used on small inputs (a few dozen points).
 */
import { condensedIndex } from '../linalg/distance';
import type { PersistenceBar } from './diagram';

export interface NaiveRipsOptions {
  maxDim: number;
  threshold: number;
  modulus: number;
}

interface Simplex {
  vertices: number[];
  diameter: number;
  /** Rank of the longest edge (Ripser tie-break), -1 for vertices. */
  edgeRank: number;
  /** Colexicographic combinatorial index sum C(v_i, i + 1), vertices ascending. */
  colex: number;
}

function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

function enumerateSimplices(dist: Float64Array, n: number, maxSimplexDim: number, threshold: number): Simplex[] {
  const out: Simplex[] = [];
  const grow = (vertices: number[], diameter: number): void => {
    out.push({ vertices: [...vertices], diameter, edgeRank: -1, colex: vertices.reduce((acc, v, i) => acc + binomial(v, i + 1), 0) });
    if (vertices.length > maxSimplexDim) return;
    for (let v = vertices[vertices.length - 1] + 1; v < n; v++) {
      let d = diameter;
      for (const u of vertices) d = Math.max(d, dist[condensedIndex(u, v)]);
      if (d <= threshold) {
        vertices.push(v);
        grow(vertices, d);
        vertices.pop();
      }
    }
  };
  for (let v = 0; v < n; v++) grow([v], 0);
  return out;
}

function modInverse(a: number, p: number): number {
  for (let x = 1; x < p; x++) if ((a * x) % p === 1) return x;
  throw new Error(`no inverse of ${a} mod ${p}`);
}

/** Reference persistence by explicit boundary-matrix reduction. Small inputs only. */
export function naiveRipsPersistence(dist: Float64Array, n: number, opts: NaiveRipsOptions): PersistenceBar[] {
  const { maxDim, threshold, modulus: p } = opts;
  const simplices = enumerateSimplices(dist, n, maxDim + 1, threshold);
  const edges = simplices.filter((s) => s.vertices.length === 2).sort((a, b) => a.diameter - b.diameter || b.colex - a.colex);
  const edgeRank = new Map<string, number>();
  edges.forEach((e, r) => edgeRank.set(e.vertices.join(','), r));
  for (const s of simplices) {
    const vs = s.vertices;
    for (let i = 0; i < vs.length; i++) {
      for (let j = i + 1; j < vs.length; j++) s.edgeRank = Math.max(s.edgeRank, edgeRank.get(`${vs[i]},${vs[j]}`)!);
    }
  }
  simplices.sort(
    (a, b) =>
      a.diameter - b.diameter ||
      a.vertices.length - b.vertices.length ||
      a.edgeRank - b.edgeRank ||
      (a.vertices.length === 1 ? a.colex - b.colex : b.colex - a.colex),
  );
  const key = (vs: number[]): string => vs.join(',');
  const position = new Map<string, number>();
  simplices.forEach((s, i) => position.set(key(s.vertices), i));

  // Columns as sparse vectors: parallel arrays of (row, coefficient), rows ascending.
  const rows: number[][] = [];
  const coefs: number[][] = [];
  for (const s of simplices) {
    const r: number[] = [];
    const c: number[] = [];
    if (s.vertices.length > 1) {
      const faces: Array<[number, number]> = [];
      for (let k = 0; k < s.vertices.length; k++) {
        const face = s.vertices.filter((_, i) => i !== k);
        const sign = k % 2 === 0 ? 1 : p - 1;
        faces.push([position.get(key(face))!, sign % p]);
      }
      faces.sort((a, b) => a[0] - b[0]);
      for (const [row, coef] of faces) {
        r.push(row);
        c.push(coef);
      }
    }
    rows.push(r);
    coefs.push(c);
  }

  const lowToColumn = new Map<number, number>();
  const bars: PersistenceBar[] = [];
  const killed = new Uint8Array(simplices.length);
  for (let j = 0; j < simplices.length; j++) {
    let r = rows[j];
    let c = coefs[j];
    while (r.length > 0) {
      const low = r[r.length - 1];
      const other = lowToColumn.get(low);
      if (other === undefined) break;
      // column_j -= (c_low / c_other_low) * column_other
      const factor = (c[c.length - 1] * modInverse(coefs[other][coefs[other].length - 1], p)) % p;
      const r2 = rows[other];
      const c2 = coefs[other];
      const nr: number[] = [];
      const nc: number[] = [];
      let a = 0;
      let b = 0;
      while (a < r.length || b < r2.length) {
        if (b >= r2.length || (a < r.length && r[a] < r2[b])) {
          nr.push(r[a]);
          nc.push(c[a]);
          a++;
        } else if (a >= r.length || r2[b] < r[a]) {
          nr.push(r2[b]);
          nc.push((p - ((factor * c2[b]) % p)) % p);
          b++;
        } else {
          const v = (((c[a] - factor * c2[b]) % p) + p) % p;
          if (v !== 0) {
            nr.push(r[a]);
            nc.push(v);
          }
          a++;
          b++;
        }
      }
      r = nr;
      c = nc;
    }
    rows[j] = r;
    coefs[j] = c;
    if (r.length > 0) {
      const low = r[r.length - 1];
      lowToColumn.set(low, j);
      killed[low] = 1;
      killed[j] = 1;
      const born = simplices[low];
      const dies = simplices[j];
      if (dies.diameter > born.diameter) {
        bars.push({
          dim: born.vertices.length - 1,
          birth: born.diameter,
          death: dies.diameter,
          birthSimplex: [...born.vertices],
          deathSimplex: [...dies.vertices],
        });
      }
    }
  }
  for (let j = 0; j < simplices.length; j++) {
    const s = simplices[j];
    if (killed[j] || rows[j].length > 0 || s.vertices.length - 1 > maxDim) continue;
    bars.push({ dim: s.vertices.length - 1, birth: s.diameter, death: Infinity, birthSimplex: [...s.vertices], deathSimplex: [] });
  }
  return bars;
}
