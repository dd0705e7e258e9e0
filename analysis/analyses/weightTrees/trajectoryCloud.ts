/**
 * The weight-trajectory cloud of one layer (SPEC A): one point per (checkpoint, neuron) = that neuron's
 * incoming weight vector at that checkpoint. Rows are checkpoint-major: row = c * neurons + j, so the
 * neurons of checkpoint c are the contiguous block c * neurons .. (c + 1) * neurons - 1.
 *
 * WHY it reads files by hand: the paper run's first layer is 201 checkpoints x 100 neurons x 784 weights.
 * Decoding whole checkpoints (`readCheckpoint`) copies every file into a buffer and every tensor out of it
 * again; here only the safetensors header is parsed, and the one kernel's bytes are read into a single
 * reusable buffer and transposed straight into the float64 cloud (the only full-size allocation: it is
 * made where the PCA's WebAssembly kernels use it without a copy).
 */
import fs from 'node:fs';
import { kernelToNeuronRows } from '../neuronClouds';
import { pcaInputArray } from '../../linalg/pca';

export interface KernelLocation {
  layer: string;
  /** Kernel shape [in, out] (tfjs layout): `out` neurons with `in` incoming weights each. */
  inDim: number;
  outDim: number;
  /** Byte offset of the kernel's data in the file. */
  start: number;
}

export interface TrajectoryCloud {
  layer: string;
  /** Row-major (checkpoints * neurons) x fanIn. */
  data: Float64Array;
  checkpoints: number;
  neurons: number;
  fanIn: number;
}

const MAX_HEADER_BYTES = 100_000_000;

function readExactly(fd: number, buffer: Uint8Array, position: number, file: string): void {
  let done = 0;
  while (done < buffer.length) {
    const got = fs.readSync(fd, buffer, done, buffer.length - done, position + done);
    if (got === 0) throw new Error(`${file}: file ends at byte ${position + done}, expected ${buffer.length - done} more bytes (truncated checkpoint?)`);
    done += got;
  }
}

/** Dense kernels (`<layer>/kernel`, F32, rank 2) of an open safetensors file, in offset (= model) order. */
function kernelLocations(fd: number, file: string): KernelLocation[] {
  const size = fs.fstatSync(fd).size;
  const lenBytes = new Uint8Array(8);
  if (size < 8) throw new Error(`${file}: not a valid safetensors file: only ${size} bytes (truncated?)`);
  readExactly(fd, lenBytes, 0, file);
  const headerLen = Number(new DataView(lenBytes.buffer).getBigUint64(0, true));
  if (headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) throw new Error(`${file}: not a valid safetensors file: header length ${headerLen} does not fit the ${size}-byte file`);
  const headerBytes = new Uint8Array(headerLen);
  readExactly(fd, headerBytes, 8, file);
  let header: Record<string, { dtype?: string; shape?: number[]; data_offsets?: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (e) {
    throw new Error(`${file}: not a valid safetensors file: header is not JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + headerLen;
  const out: KernelLocation[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__' || !name.endsWith('/kernel') || !entry || !Array.isArray(entry.shape) || entry.shape.length !== 2) continue;
    if (entry.dtype !== 'F32') throw new Error(`${file}: tensor "${name}" has dtype ${String(entry.dtype)}; TopoLens reads F32 only`);
    const [inDim, outDim] = entry.shape;
    const [begin, end] = entry.data_offsets ?? [NaN, NaN];
    if (!(Number.isInteger(inDim) && Number.isInteger(outDim) && end - begin === inDim * outDim * 4)) {
      throw new Error(`${file}: tensor "${name}" spans ${end - begin} bytes but its shape [${entry.shape.join(', ')}] needs ${inDim * outDim * 4}`);
    }
    if (dataStart + end > size) throw new Error(`${file}: tensor "${name}" ends at byte ${dataStart + end} but the file has ${size} (truncated?)`);
    out.push({ layer: name.slice(0, -'/kernel'.length), inDim, outDim, start: dataStart + begin });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The dense kernels of a checkpoint file (layer names and shapes), reading only its header. */
export function checkpointKernels(file: string): KernelLocation[] {
  const fd = openCheckpoint(file);
  try {
    return kernelLocations(fd, file);
  } finally {
    fs.closeSync(fd);
  }
}

function openCheckpoint(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (e) {
    throw new Error(`${file}: cannot read checkpoint (${(e as Error).message})`);
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The trajectory cloud of `layer` over `files` (one checkpoint per file, in training order). Every file
 * must hold the layer with the same shape; `onFile(i)` runs after file i (progress, cancellation).
 */
export function trajectoryCloud(files: readonly string[], layer: string, onFile?: (index: number) => void): TrajectoryCloud {
  if (files.length === 0) throw new Error(`layer ${layer}: the run has no checkpoints yet`);
  let shape: { inDim: number; outDim: number } | undefined;
  let data: Float64Array = new Float64Array(0);
  let bytes = new Uint8Array(0);
  let floats = new Float32Array(0);
  files.forEach((file, c) => {
    const fd = openCheckpoint(file);
    try {
      const kernels = kernelLocations(fd, file);
      const k = kernels.find((x) => x.layer === layer);
      if (!k) throw new Error(`${file}: no dense layer '${layer}' (layers: ${kernels.map((x) => x.layer).join(', ') || 'none'})`);
      if (!shape) {
        shape = { inDim: k.inDim, outDim: k.outDim };
        // Filled once, then reduced by PCA: allocated where the PCA's WebAssembly kernels read it in place.
        data = pcaInputArray(files.length * k.outDim, k.inDim);
        bytes = new Uint8Array(k.inDim * k.outDim * 4);
        floats = new Float32Array(bytes.buffer);
      } else if (k.inDim !== shape.inDim || k.outDim !== shape.outDim) {
        throw new Error(`${file}: layer ${layer} is [${k.inDim}, ${k.outDim}] here but [${shape.inDim}, ${shape.outDim}] in ${files[0]} (checkpoints of different models in one run?)`);
      }
      readExactly(fd, bytes, k.start, file);
      if (!LITTLE_ENDIAN_HOST) {
        const view = new DataView(bytes.buffer);
        for (let i = 0; i < floats.length; i++) floats[i] = view.getFloat32(i * 4, true);
      }
      kernelToNeuronRows(floats, k.inDim, k.outDim, data, c * k.outDim * k.inDim);
    } finally {
      fs.closeSync(fd);
    }
    onFile?.(c);
  });
  const s = shape as { inDim: number; outDim: number };
  return { layer, data, checkpoints: files.length, neurons: s.outDim, fanIn: s.inDim };
}

/** The [in, out] kernel of `layer` in one checkpoint file (only its bytes are read). */
export function readLayerKernel(file: string, layer: string): { data: Float32Array; inDim: number; outDim: number } {
  const fd = openCheckpoint(file);
  try {
    const kernels = kernelLocations(fd, file);
    const k = kernels.find((x) => x.layer === layer);
    if (!k) throw new Error(`${file}: no dense layer '${layer}' (layers: ${kernels.map((x) => x.layer).join(', ') || 'none'})`);
    const bytes = new Uint8Array(k.inDim * k.outDim * 4);
    readExactly(fd, bytes, k.start, file);
    const data = new Float32Array(bytes.buffer);
    if (!LITTLE_ENDIAN_HOST) {
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
    }
    return { data, inDim: k.inDim, outDim: k.outDim };
  } finally {
    fs.closeSync(fd);
  }
}
