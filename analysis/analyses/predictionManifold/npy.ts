/**
 * A NumPy `.npy` reader for the CLI's `--probs FILE.npy` (format 1.0-3.0,
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html): magic `\x93NUMPY`, version, header
 * length, a Python-dict header `{'descr': '<f4', 'fortran_order': False, 'shape': (m, N, C), }`, then the raw
 * C-ordered data. float32 and float64, little- or big-endian; anything else is refused with the file named.
 */

export interface NpyArray {
  shape: number[];
  /** The values as float32 (probabilities are float32 everywhere else in TopoLens). */
  data: Float32Array;
}

export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what}`);
  };
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || !magic.every((b, i) => bytes[i] === b)) fail('not a NumPy .npy file (bad magic; save it with numpy.save)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) fail('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) return fail(`unreadable .npy header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') fail('Fortran-ordered arrays are not supported (save numpy.ascontiguousarray(a))');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`bad shape (${shapeText})`);
  const m = /^([<>|=])f([48])$/.exec(descr);
  if (!m) return fail(`dtype '${descr}' is not supported: give float32 or float64 probabilities`);
  const little = m[1] !== '>';
  const width = Number(m[2]);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  if (bytes.length - dataStart < count * width) fail(`the data holds ${bytes.length - dataStart} bytes, the shape (${shape.join(', ')}) needs ${count * width} (truncated?)`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = width === 4 ? view.getFloat32(dataStart + 4 * i, little) : view.getFloat64(dataStart + 8 * i, little);
  return { shape, data };
}
