import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeEvent, DT, SESSION_START, type EventData, type SummaryValueData, type TensorData } from './proto';
import { forEachRecordInFile } from './tfrecord';

/**
 * Scalar curves from TensorBoard event files, as TensorBoard itself would show them: written by PyTorch's
 * SummaryWriter (`simple_value`), TF1 / tf.keras 1 (`simple_value`) or TF2 / Keras (`tf.summary.scalar`: a
 * rank-0 `tensor`, as `tensor_content` bytes or `float_val`/`double_val`/..., whose tag carries the plugin
 * name "scalars" in its metadata, written with the tag's first value only), and by our own runs.
 *
 * - A file: its scalars by tag. A folder: every event file (name containing "tfevents", TensorBoard's rule)
 *   in it and its subfolders; each folder is one TensorBoard "run", read file by file in name order, and the
 *   tags of a subfolder's files get the subfolder's relative path as prefix (Keras writes `logs/train/` and
 *   `logs/validation/`, so `train/epoch_loss` and `validation/epoch_loss`).
 * - Restarts, as TensorBoard handles them: in a `brain.Event:2` file a SessionLog START at step s (PyTorch's
 *   `purge_step`, our resumed runs) drops the run's earlier points at step >= s; in older files a step going
 *   backwards drops that tag's points at that step and later.
 * - Checksums are verified: a damaged record is an error naming the file and its byte offset; a file ending
 *   inside its last record (still being written, or its writer killed) keeps the records before it, and
 *   `onWarning` is told.
 */

export interface ScalarPoint { step: number; value: number; wallTime: number }

export interface ReadScalarsOptions {
  /** Non-fatal findings (a truncated last record, a scalar tensor of the wrong size); default console.warn. */
  onWarning?: (message: string) => void;
}

export async function readTensorBoardScalars(dirOrFile: string, options: ReadScalarsOptions = {}): Promise<Map<string, ScalarPoint[]>> {
  const warn = options.onWarning ?? ((m: string) => console.warn(`warning: ${m}`));
  const target = path.resolve(dirOrFile);
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(target);
  } catch (e) {
    throw new Error(`${target}: cannot read TensorBoard scalars (${(e as Error).message})`);
  }
  const runs = stat.isDirectory() ? await eventFilesByRun(target) : new Map([['', [target]]]);
  if (runs.size === 0) throw new Error(`${target}: no TensorBoard event files in this folder or its subfolders (their names contain "tfevents", e.g. events.out.tfevents.1700000000.host)`);
  const out = new Map<string, ScalarPoint[]>();
  for (const [run, files] of [...runs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const scalars = new RunAccumulator(warn);
    for (const file of files) await scalars.readFile(file);
    const prefix = run ? run.split(path.sep).join('/') + '/' : '';
    for (const [tag, points] of scalars.tags) if (points.length) out.set(prefix + tag, points);
  }
  return out;
}

/** Event files under `root`, grouped by the folder (relative to `root`) they are in, each list in name order. */
async function eventFilesByRun(root: string): Promise<Map<string, string[]>> {
  const runs = new Map<string, string[]>();
  const visit = async (dir: string): Promise<void> => {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && e.name.includes('tfevents')).map((e) => e.name).sort();
    if (files.length) runs.set(path.relative(root, dir), files.map((f) => path.join(dir, f)));
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) await visit(path.join(dir, e.name));
  };
  await visit(root);
  return runs;
}

/** One run's scalars, fed its files in order, with TensorBoard's purge rules (see the file comment). */
class RunAccumulator {
  readonly tags = new Map<string, ScalarPoint[]>();
  /** Plugin of each tag, from the first value that carried metadata (TF2 writes it only once per tag). */
  private readonly plugins = new Map<string, string>();
  private fileVersion = 0;
  private mostRecentStep = -Infinity;

  constructor(private readonly warn: (message: string) => void) {}

  async readFile(file: string): Promise<void> {
    const { records, truncated } = await forEachRecordInFile(file, (record) => {
      let event: EventData;
      try {
        event = decodeEvent(record.data);
      } catch (e) {
        throw new Error(`${file}: the record at byte offset ${record.offset} is not a TensorBoard Event (${(e as Error).message})`);
      }
      this.add(event, file);
    });
    if (truncated) {
      this.warn(`${file}: ends inside a record at byte offset ${truncated.offset} (${truncated.missingBytes} bytes missing; a writer may still be appending to it): the ${records} complete record(s) before it were read`);
    }
  }

  private add(event: EventData, file: string): void {
    const step = event.step ?? 0;
    if (event.file_version !== undefined) {
      const m = /^brain\.Event:(\d+)$/.exec(event.file_version);
      this.fileVersion = m ? Number(m[1]) : 0;
      return;
    }
    if (this.fileVersion >= 2) {
      if (event.session_log?.status === SESSION_START) this.purge(step);
    } else if (event.summary) {
      if (step < this.mostRecentStep) this.purge(step, (event.summary.value ?? []).map(tagOf));
      else this.mostRecentStep = step;
    }
    for (const v of event.summary?.value ?? []) {
      const tag = tagOf(v);
      // A scalar summary names the "scalars" plugin or (newer writers) says data class DATA_CLASS_SCALAR = 1.
      const plugin = v.metadata?.data_class === 1 ? 'scalars' : v.metadata?.plugin_data?.plugin_name;
      if (plugin && !this.plugins.has(tag)) this.plugins.set(tag, plugin);
      let value: number | undefined;
      if (v.simple_value !== undefined) value = v.simple_value;
      else if (v.tensor && this.plugins.get(tag) === 'scalars') {
        const values = tensorValues(v.tensor);
        if (values.length !== 1) {
          this.warn(`${file}: tag "${tag}" at step ${step}: a "scalars" tensor with ${values.length} values (expected one); skipped`);
          continue;
        }
        value = values[0];
      }
      if (value === undefined) continue;
      let points = this.tags.get(tag);
      if (!points) this.tags.set(tag, (points = []));
      points.push({ step, value, wallTime: event.wall_time ?? 0 });
    }
  }

  /** Drops points at `step` and later, of `tags` or of every tag. */
  private purge(step: number, tags?: string[]): void {
    for (const tag of tags ?? this.tags.keys()) {
      const points = this.tags.get(tag);
      if (points) this.tags.set(tag, points.filter((p) => p.step < step));
    }
  }
}

function tagOf(v: SummaryValueData): string {
  return v.tag || v.node_name || '';
}

/** The values of a numeric tensor, from its raw little-endian bytes or its typed value lists. */
export function tensorValues(t: TensorData): number[] {
  const dtype = t.dtype ?? 0;
  const content = t.tensor_content;
  if (content && content.length) {
    const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
    const reader = CONTENT_READERS[dtype];
    if (!reader) return [];
    const [size, read] = reader;
    const out: number[] = [];
    for (let i = 0; i + size <= content.length; i += size) out.push(read(view, i));
    return out;
  }
  if (dtype === DT.HALF) return (t.half_val ?? []).map(halfToNumber);
  if (dtype === DT.BFLOAT16) return (t.half_val ?? []).map(bfloat16ToNumber);
  if (t.float_val?.length) return t.float_val;
  if (t.double_val?.length) return t.double_val;
  if (t.int_val?.length) return t.int_val;
  if (t.int64_val?.length) return t.int64_val.map(Number);
  if (t.bool_val?.length) return t.bool_val.map((b) => (b ? 1 : 0));
  return [];
}

type ContentReader = [size: number, read: (view: DataView, at: number) => number];

const CONTENT_READERS: Record<number, ContentReader> = {
  [DT.FLOAT]: [4, (v, i) => v.getFloat32(i, true)],
  [DT.DOUBLE]: [8, (v, i) => v.getFloat64(i, true)],
  [DT.HALF]: [2, (v, i) => halfToNumber(v.getUint16(i, true))],
  [DT.BFLOAT16]: [2, (v, i) => bfloat16ToNumber(v.getUint16(i, true))],
  [DT.INT8]: [1, (v, i) => v.getInt8(i)],
  [DT.UINT8]: [1, (v, i) => v.getUint8(i)],
  [DT.INT16]: [2, (v, i) => v.getInt16(i, true)],
  [DT.UINT16]: [2, (v, i) => v.getUint16(i, true)],
  [DT.INT32]: [4, (v, i) => v.getInt32(i, true)],
  [DT.UINT32]: [4, (v, i) => v.getUint32(i, true)],
  [DT.INT64]: [8, (v, i) => Number(v.getBigInt64(i, true))],
  [DT.UINT64]: [8, (v, i) => Number(v.getBigUint64(i, true))],
  [DT.BOOL]: [1, (v, i) => (v.getUint8(i) ? 1 : 0)],
};

/** IEEE 754 binary16 bits to a number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** bfloat16 bits (the upper half of a float32) to a number. */
function bfloat16ToNumber(bits: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setUint32(0, (bits & 0xffff) << 16);
  return v.getFloat32(0);
}
