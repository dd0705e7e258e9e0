/**
 * Spearman rank correlation (average ranks for ties) with a two-sided permutation p-value: the share of
 * random relabellings whose |rho| reaches the observed one (with the +1 correction, so p is never 0).
 * Used for segment length vs test error (SPEC B observation 2); exact enumeration for n <= 8.
 */
import { mulberry32 } from '../../linalg/random';
import type { RankCorrelation } from '../../worker/protocol/lossBarcode';

export function ranks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(n);
  for (let s = 0; s < n; ) {
    let e = s;
    while (e + 1 < n && v[order[e + 1]] === v[order[s]]) e++;
    for (let k = s; k <= e; k++) r[order[k]] = (s + e) / 2 + 1;
    s = e + 1;
  }
  return r;
}

function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let k = 0; k <= p.length; k++) out.push([...p.slice(0, k), n - 1, ...p.slice(k)]);
  return out;
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>, options: { permutations?: number; seed?: number } = {}): RankCorrelation {
  if (x.length !== y.length) throw new Error(`rank correlation: ${x.length} x values but ${y.length} y values`);
  const n = x.length;
  if (n < 3) throw new Error(`rank correlation: needs at least 3 pairs, got ${n}`);
  const rx = ranks(x);
  const ry = ranks(y);
  const rho = pearson(rx, ry);
  const observed = Math.abs(rho) - 1e-12;
  const shuffled = new Float64Array(n);
  let hits = 0;
  let total = 0;
  if (n <= 8) {
    for (const p of permutations(n)) {
      for (let i = 0; i < n; i++) shuffled[i] = ry[p[i]];
      if (Math.abs(pearson(rx, shuffled)) >= observed) hits++;
      total++;
    }
    return { spearman: rho, pValue: hits / total, n, permutations: total };
  }
  const count = options.permutations ?? 10000;
  const rand = mulberry32(options.seed ?? 1);
  shuffled.set(ry);
  for (let t = 0; t < count; t++) {
    for (let i = n - 1; i > 0; i--) {
      const k = Math.floor(rand() * (i + 1));
      const s = shuffled[i];
      shuffled[i] = shuffled[k];
      shuffled[k] = s;
    }
    if (Math.abs(pearson(rx, shuffled)) >= observed) hits++;
  }
  return { spearman: rho, pValue: (hits + 1) / (count + 1), n, permutations: count };
}
