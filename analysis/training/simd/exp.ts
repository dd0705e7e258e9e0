import { FnBuilder, V, V128 } from './assembler';

/**
 * exp in place over n floats, four lanes at a time: the softmax of a batch of networks' logits (the loss
 * barcode evaluates tens of millions of them per pair; Math.exp one by one was a third of a path's
 * evaluation). Rounds n up to a multiple of 4: callers leave 16 bytes of slack after every buffer.
 *
 * Method (Cephes expf): x = k ln 2 + r with k = nearest(x / ln 2) and ln 2 split in two so k ln 2 is exact,
 * e^r ~ 1 + r + r^2 P(r) with a degree-5 minimax P on |r| <= ln2 / 2, then 2^k built in the exponent bits.
 * Within 2 float32 ulps of the exact value. Inputs are clamped to [-87.3, 88.3] (float32's normal range):
 * softmax calls it with x - max(x) <= 0, where exp(-87.3) ~ 1e-38 is 0 next to the max term's 1.
 */
export function expInPlace(): FnBuilder {
  const f = new FnBuilder(2); // ptr, n
  const [ptr, n] = [0, 1];
  const off = f.local();
  const end = f.local();
  const x = f.local(V128);
  const k = f.local(V128);
  const r = f.local(V128);
  f.get(n).i32(3).add().i32(~3).and().i32(2).shl().set(end);
  f.forRange(off, 0, { local: end }, 16, () => {
    // x = clamp(v), k = nearest(x log2 e)
    f.get(ptr).get(off).add().vload().vf32(-87.3).v(V.F32x4Max).vf32(88.3).v(V.F32x4Min).set(x);
    f.get(x).vf32(Math.LOG2E).v(V.F32x4Mul).v(V.F32x4Nearest).set(k);
    // r = x - k * 0.693359375 + k * 2.12194440e-4
    f.get(x).get(k).vf32(0.693359375).v(V.F32x4Mul).v(V.F32x4Sub).get(k).vf32(2.12194440e-4).v(V.F32x4Mul).v(V.F32x4Add).set(r);
    // P(r) by Horner, then 1 + r + r^2 P(r)
    f.get(r).vf32(1.9875691500e-4).v(V.F32x4Mul).vf32(1.3981999507e-3).v(V.F32x4Add);
    for (const c of [8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]) f.get(r).v(V.F32x4Mul).vf32(c).v(V.F32x4Add);
    f.get(r).get(r).v(V.F32x4Mul).v(V.F32x4Mul).get(r).v(V.F32x4Add).vf32(1).v(V.F32x4Add);
    // * 2^k: (k + 127) << 23 as float bits
    f.get(k).v(V.I32x4TruncSatF32x4S).i32(127).v(V.I32x4Splat).v(V.I32x4Add).i32(23).v(V.I32x4Shl).v(V.F32x4Mul).set(x);
    f.get(ptr).get(off).add().get(x).vstore();
  });
  return f;
}
