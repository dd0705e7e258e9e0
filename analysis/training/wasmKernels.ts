import type { Tf, Tensor } from './tf';

/**
 * Kernels that make training on the wasm backend (tfjs-backend-wasm 4.22) possible and fast:
 *  - Conv2DBackpropFilter does not exist there, so conv layers cannot train at all (ours: one XNNPACK
 *    conv2d of the transposed input with the transposed output gradient; an im2col + matmul variant
 *    measured 5x slower because slicing and concat are slow on wasm);
 *  - Conv2DBackpropInput exists but is a naive loop, the hot spot of CNN training;
 *  - MaxPoolGrad is a slow native loop (about 40 ms for a 128x28x28x16 batch); a direct JavaScript loop
 *    over the wasm heap does it in a few ms, with the same first-maximum rule as the cpu backend;
 *  - BatchMatMul with transposeA/transposeB (every dense-layer gradient: dW = x^T dy, dx = dy W^T) leaves
 *    XNNPACK for a naive loop that is 10-20x slower than transposing first.
 * All are re-expressed with ops the wasm backend runs fast (XNNPACK conv2d/matmul, pad, transpose, slice).
 * Tests compare them against the cpu backend's reference kernels.
 */

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
  dilations?: number | [number, number];
}

function checkAttrs(a: ConvAttrs, kernel: string): void {
  if (a.dataFormat && a.dataFormat !== 'NHWC') throw new Error(`wasm ${kernel}: only NHWC is supported`);
  const d = a.dilations ?? 1;
  if (Array.isArray(d) ? d[0] !== 1 || d[1] !== 1 : d !== 1) throw new Error(`wasm ${kernel}: dilated convolutions are not supported`);
}

/**
 * dW[kh, kw, ci, co] = sum_{b,i,j} xpad[b, i*s + kh, j*s + kw, ci] * dy[b, i, j, co]
 *                    = conv2d(x^T [ci, H, W, b], dy^T [i, j, b, co], stride 1, dilation s), cropped, transposed.
 */
function backpropFilter(tf: Tf, x: Tensor, dy: Tensor, a: ConvAttrs): Tensor {
  const filterShape = a.filterShape!;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  const [kh, kw] = filterShape;
  const { top, bottom, left, right } = info.padInfo;
  return tf.tidy(() => {
    const xp = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
    const xT = tf.transpose(xp, [3, 1, 2, 0]) as import('@tensorflow/tfjs').Tensor4D;
    const dyT = tf.transpose(dy, [1, 2, 0, 3]) as import('@tensorflow/tfjs').Tensor4D;
    const r = tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
    const c = tf.slice(r, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(c, [1, 2, 0, 3]);
  });
}

/** dx = conv2d(dilate(dy, stride) padded by k-1, filter flipped in space with in/out swapped), cropped. */
function backpropInput(tf: Tf, dy: Tensor, filter: Tensor, a: ConvAttrs): Tensor {
  const inputShape = a.inputShape!;
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  const [KH, KW, Ci] = filter.shape;
  const [B, H, W] = inputShape;
  const { top, bottom, left, right } = info.padInfo;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  return tf.tidy(() => {
    let d = dy;
    const [, Ho, Wo, Co] = dy.shape;
    if (sh > 1 || sw > 1) {
      d = tf.reshape(d, [B, Ho, 1, Wo, 1, Co]);
      d = tf.pad(d, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
      d = tf.reshape(d, [B, Ho * sh, Wo * sw, Co]);
      d = tf.slice(d, [0, 0, 0, 0], [B, (Ho - 1) * sh + 1, (Wo - 1) * sw + 1, Co]);
    }
    const Hd = d.shape[1]!;
    const Wd = d.shape[2]!;
    const extraH = Math.max(0, H + top + bottom - (Hd + KH - 1));
    const extraW = Math.max(0, W + left + right - (Wd + KW - 1));
    d = tf.pad(d, [[0, 0], [KH - 1, KH - 1 + extraH], [KW - 1, KW - 1 + extraW], [0, 0]]);
    const wf = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as import('@tensorflow/tfjs').Tensor4D;
    const r = tf.conv2d(d as import('@tensorflow/tfjs').Tensor4D, wf, 1, 'valid');
    return tf.slice(r, [0, top, left, 0], [B, H, W, Ci]);
  });
}

type KernelFunc = NonNullable<ReturnType<Tf['getKernel']>>['kernelFunc'];

/** Wraps wasm's BatchMatMul: explicit transposes (cheap, O(n^2)) so the product itself stays on XNNPACK. */
function registerMatMulTransposeFix(tf: Tf): void {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original) return;
  const inner: KernelFunc = original.kernelFunc;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    // The original binds its wasm function in setupFunc when the backend initialises: keep it.
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return inner(args);
      const a = args.inputs.a as Tensor;
      const b = args.inputs.b as Tensor;
      const swapLast = (t: Tensor) => tf.transpose(t, [...Array.from({ length: t.rank - 2 }, (_, i) => i), t.rank - 1, t.rank - 2]);
      const aT = transposeA ? swapLast(a) : a;
      const bT = transposeB ? swapLast(b) : b;
      const out = inner({ ...args, inputs: { a: aT, b: bT }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      if (aT !== a) aT.dispose();
      if (bT !== b) bT.dispose();
      return out;
    },
  });
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): { dataId: object; shape: number[]; dtype: 'float32' };
  typedArrayFromHeap(t: { dataId: object; shape: number[]; dtype: string }): Float32Array;
}

/**
 * dx of max pooling: each output gradient goes to the first maximum of its window in row-major order
 * (ties and padding as in the cpu backend's maxPoolPositions). Heap views are taken after the output is
 * allocated, because an allocation may grow (and detach) the wasm memory.
 */
function registerMaxPoolGrad(tf: Tf): void {
  const original = tf.getKernel('MaxPoolGrad', 'wasm');
  if (original) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    setupFunc: original?.setupFunc,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, input } = inputs as unknown as { dy: { dataId: object; shape: number[]; dtype: string }; input: { dataId: object; shape: number[]; dtype: string } };
      const a = attrs as unknown as { filterSize: number | [number, number]; strides: number | [number, number]; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
      const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
      const b = backend as unknown as WasmBackendLike;
      const out = b.makeOutput(input.shape, 'float32');
      const dx = b.typedArrayFromHeap(out);
      const x = b.typedArrayFromHeap(input);
      const g = b.typedArrayFromHeap(dy);
      const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
      const top = info.padInfo.top;
      const left = info.padInfo.left;
      if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0) {
        maxPoolGrad2x2(x, g, dx, B, H, W, C, Ho, Wo);
        return out;
      }
      dx.fill(0);
      // Channels innermost: contiguous memory; per channel the window is still scanned in row-major order.
      const best = new Float32Array(C);
      const at = new Int32Array(C);
      for (let n = 0; n < B; n++) {
        for (let oy = 0; oy < Ho; oy++) {
          const y0 = oy * sh - top;
          for (let ox = 0; ox < Wo; ox++) {
            const x0 = ox * sw - left;
            best.fill(-Infinity);
            at.fill(-1);
            for (let ky = 0; ky < fh; ky++) {
              const yy = y0 + ky;
              if (yy < 0 || yy >= H) continue;
              for (let kx = 0; kx < fw; kx++) {
                const xx = x0 + kx;
                if (xx < 0 || xx >= W) continue;
                const base = ((n * H + yy) * W + xx) * C;
                for (let c = 0; c < C; c++) {
                  const v = x[base + c];
                  if (v > best[c]) {
                    best[c] = v;
                    at[c] = base + c;
                  }
                }
              }
            }
            const gBase = ((n * Ho + oy) * Wo + ox) * C;
            for (let c = 0; c < C; c++) if (at[c] >= 0) dx[at[c]] += g[gBase + c];
          }
        }
      }
      return out;
    },
  });
}

/**
 * The common 2x2 / stride 2 / unpadded case. Windows do not overlap, so every input position is written
 * exactly once (no accumulation, no zero fill inside the covered area), and the comparisons are written as
 * selects, which the JIT compiles without unpredictable branches.
 */
function maxPoolGrad2x2(x: Float32Array, g: Float32Array, dx: Float32Array, B: number, H: number, W: number, C: number, Ho: number, Wo: number): void {
  if (H !== 2 * Ho || W !== 2 * Wo) dx.fill(0); // odd sizes: the last row/column is outside every window
  const rowStride = W * C;
  for (let n = 0; n < B; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        const b00 = ((n * H + 2 * oy) * W + 2 * ox) * C;
        const b01 = b00 + C;
        const b10 = b00 + rowStride;
        const b11 = b10 + C;
        const gBase = ((n * Ho + oy) * Wo + ox) * C;
        for (let c = 0; c < C; c++) {
          // Strict ">" in row-major order: the first maximum wins, as in the cpu backend.
          const a0 = x[b00 + c];
          const a1 = x[b01 + c];
          const a2 = x[b10 + c];
          const a3 = x[b11 + c];
          const top1 = a1 > a0 ? 1 : 0;
          const topMax = a1 > a0 ? a1 : a0;
          const bot1 = a3 > a2 ? 3 : 2;
          const botMax = a3 > a2 ? a3 : a2;
          const which = botMax > topMax ? bot1 : top1; // (NaN inputs differ from cpu; training stops at NaN anyway)
          const gv = g[gBase + c];
          dx[b00 + c] = which === 0 ? gv : 0;
          dx[b01 + c] = which === 1 ? gv : 0;
          dx[b10 + c] = which === 2 ? gv : 0;
          dx[b11 + c] = which === 3 ? gv : 0;
        }
      }
    }
  }
}

let registered = false;

/** Idempotent. Call after the wasm backend is registered (before or after it is selected). */
export function registerWasmConvGradKernels(tf: Tf): void {
  if (registered) return;
  registered = true;
  registerMatMulTransposeFix(tf);
  registerMaxPoolGrad(tf);
  // Conv2DBackpropFilter is missing on wasm and Conv2DBackpropInput is a slow loop: replace both.
  replaceConvGradient(tf, 'Conv2DBackpropFilter', (inputs, a) => backpropFilter(tf, inputs.x as Tensor, inputs.dy as Tensor, a));
  replaceConvGradient(tf, 'Conv2DBackpropInput', (inputs, a) => backpropInput(tf, inputs.dy as Tensor, inputs.filter as Tensor, a));
}

/** Registers `compute` as the wasm kernel `name` (replacing tfjs's own), with the attribute checks both
 *  conv gradients share. Returning the Tensor itself (not a bare TensorInfo) lets the engine adopt it
 *  without a second owner. */
function replaceConvGradient(tf: Tf, name: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput', compute: (inputs: Record<string, unknown>, a: ConvAttrs) => Tensor): void {
  if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const a = attrs as unknown as ConvAttrs;
      checkAttrs(a, name);
      return compute(inputs as Record<string, unknown>, a);
    },
  });
}
