/**
 * The 2-D domain a checkpoint is drawn over. For a toy data set it is the data's own plane; for image models
 * it is the plane through three inputs a, b, c, with orthonormal axes (Gram-Schmidt of b - a and c - a) so
 * that distances and band widths in plane coordinates are distances in input space.
 *
 * A point (u, v) of the plane is x = origin + u e1 + v e2. The first layer restricted to the plane is again a
 * dense layer with two inputs (kernel rows e1.W and e2.W, bias b + origin.W), so every grid pass runs on a
 * 2-input network whatever the input dimension.
 */
import type { DenseLayer, DenseNet } from './denseNet';

export interface Plane {
  origin: Float64Array;
  e1: Float64Array;
  e2: Float64Array;
}

export interface Domain { uMin: number; uMax: number; vMin: number; vMax: number }

export function identityPlane(): Plane {
  return { origin: new Float64Array(2), e1: Float64Array.of(1, 0), e2: Float64Array.of(0, 1) };
}

/** The plane through a, b, c (input vectors). Throws when the three are (nearly) collinear. */
export function planeThrough(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>): Plane {
  const d = a.length;
  const e1 = new Float64Array(d);
  const e2 = new Float64Array(d);
  for (let i = 0; i < d; i++) { e1[i] = b[i] - a[i]; e2[i] = c[i] - a[i]; }
  const n1 = Math.hypot(...e1);
  if (n1 === 0) throw new Error('plane: the first two inputs are identical; pick three different inputs.');
  for (let i = 0; i < d; i++) e1[i] /= n1;
  let dot = 0;
  for (let i = 0; i < d; i++) dot += e1[i] * e2[i];
  for (let i = 0; i < d; i++) e2[i] -= dot * e1[i];
  const n2 = Math.hypot(...e2);
  let ref = 0;
  for (let i = 0; i < d; i++) ref += (c[i] - a[i]) ** 2;
  if (n2 <= 1e-9 * Math.sqrt(ref) || n2 === 0) throw new Error('plane: the three inputs are collinear; pick three inputs that span a plane.');
  for (let i = 0; i < d; i++) e2[i] /= n2;
  return { origin: Float64Array.from(a), e1, e2 };
}

/** Plane coordinates of an input (its orthogonal projection onto the plane). */
export function toPlane(plane: Plane, x: ArrayLike<number>): [number, number] {
  let u = 0;
  let v = 0;
  for (let i = 0; i < plane.origin.length; i++) {
    const dx = x[i] - plane.origin[i];
    u += dx * plane.e1[i];
    v += dx * plane.e2[i];
  }
  return [u, v];
}

export function fromPlane(plane: Plane, u: number, v: number): Float64Array {
  const x = new Float64Array(plane.origin.length);
  for (let i = 0; i < x.length; i++) x[i] = plane.origin[i] + u * plane.e1[i] + v * plane.e2[i];
  return x;
}

/** The network restricted to the plane: a 2-input network with the same hidden layers and outputs. */
export function restrictToPlane(net: DenseNet, plane: Plane): DenseNet {
  const first = net.layers[0];
  if (plane.origin.length !== net.inDim) throw new Error(`plane: inputs have ${plane.origin.length} values but the network takes ${net.inDim}.`);
  const w = new Float64Array(2 * first.outDim);
  const b = Float64Array.from(first.b);
  for (let i = 0; i < first.inDim; i++) {
    const row = i * first.outDim;
    for (let j = 0; j < first.outDim; j++) {
      const wij = first.w[row + j];
      w[j] += plane.e1[i] * wij;
      w[first.outDim + j] += plane.e2[i] * wij;
      b[j] += plane.origin[i] * wij;
    }
  }
  // hasBias stays the original layer's: it says whether a bias gradient exists, not whether b is zero.
  const restricted: DenseLayer = { ...first, inDim: 2, w, b };
  return { inDim: 2, classes: net.classes, layers: [restricted, ...net.layers.slice(1)] };
}

/** Bounding box of points (u, v pairs) with a relative margin; a degenerate box gets unit extent. */
export function boundingDomain(points: ArrayLike<number>, margin = 0.1): Domain {
  let uMin = Infinity, uMax = -Infinity, vMin = Infinity, vMax = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    uMin = Math.min(uMin, points[i]); uMax = Math.max(uMax, points[i]);
    vMin = Math.min(vMin, points[i + 1]); vMax = Math.max(vMax, points[i + 1]);
  }
  if (!Number.isFinite(uMin)) return { uMin: -1, uMax: 1, vMin: -1, vMax: 1 };
  const du = Math.max(uMax - uMin, 1e-6);
  const dv = Math.max(vMax - vMin, 1e-6);
  return { uMin: uMin - margin * du, uMax: uMax + margin * du, vMin: vMin - margin * dv, vMax: vMax + margin * dv };
}

export function checkDomain(d: Domain, where: string): void {
  const ok = [d.uMin, d.uMax, d.vMin, d.vMax].every(Number.isFinite) && d.uMax > d.uMin && d.vMax > d.vMin;
  if (!ok) throw new Error(`${where}: the domain must be four finite numbers uMin < uMax, vMin < vMax (got ${d.uMin}, ${d.uMax}, ${d.vMin}, ${d.vMax}).`);
}
