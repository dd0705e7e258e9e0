import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeEvent, SESSION_START, type EventData } from './proto';
import { frameRecord } from './tfrecord';
import { EVENTS_FILE_PREFIX } from '../store/runLayout';

/**
 * A TensorBoard event file of scalars (`events.out.tfevents.<seconds>.<host>`), so that
 * `tensorboard --logdir <runs folder>` shows a run's curves. `add` only buffers (no encoding, no I/O: it is
 * called from the training loop); `flush` encodes what was buffered and appends it in one write on the libuv
 * pool. The file is created by the first flush, with TensorFlow's header event (`file_version:
 * "brain.Event:2"`); a writer never appends to an existing file, so a resumed run starts a new one, as
 * TensorFlow and PyTorch do.
 *
 * A resumed run recomputes the steps after its checkpoint. `purgeFromStep` makes the new file start with a
 * SessionLog START at that step (what PyTorch's `SummaryWriter(purge_step=...)` writes): TensorBoard then
 * drops the older files' points at that step and later, and readTensorBoardScalars does the same.
 */

interface Pending { step: number; wallTime: number; scalars: [string, number][] }

export class EventFileWriter {
  private pending: Pending[] = [];
  private file?: string;

  constructor(readonly dir: string, private readonly options: { purgeFromStep?: number } = {}) {}

  /** The file written so far (undefined before the first flush). */
  get path(): string | undefined {
    return this.file;
  }

  /** Buffers one event of scalars at `step` (wall time in seconds since the epoch). */
  add(step: number, scalars: [tag: string, value: number][], wallTime = Date.now() / 1000): void {
    if (scalars.length) this.pending.push({ step, wallTime, scalars });
  }

  /** Appends everything buffered; the first call creates the file. Throws on a write error (nothing is retried). */
  async flush(): Promise<void> {
    if (this.pending.length === 0 && this.file) return;
    const batch = this.pending;
    this.pending = [];
    const events: EventData[] = batch.map((p) => ({ wall_time: p.wallTime, step: p.step, summary: { value: p.scalars.map(([tag, v]) => ({ tag, simple_value: v })) } }));
    if (!this.file) {
      const now = batch[0]?.wallTime ?? Date.now() / 1000;
      const header: EventData[] = [{ wall_time: now, step: 0, file_version: 'brain.Event:2' }];
      if (this.options.purgeFromStep !== undefined) header.push({ wall_time: now, step: this.options.purgeFromStep, session_log: { status: SESSION_START } });
      this.file = await createEventsFile(this.dir, now, encodeAll([...header, ...events]));
      return;
    }
    await fs.promises.appendFile(this.file, encodeAll(events));
  }
}

function encodeAll(events: EventData[]): Uint8Array {
  return Buffer.concat(events.map((e) => frameRecord(encodeEvent(e))));
}

/**
 * Creates `events.out.tfevents.<seconds>.<host>` with `bytes`, never over an existing file: a second
 * writer in the same second (a run resumed at once) gets `.2`, `.3`, ... which sort after it, so
 * TensorBoard reads the files in the order they were written.
 */
async function createEventsFile(dir: string, wallTime: number, bytes: Uint8Array): Promise<string> {
  const base = path.join(dir, `${EVENTS_FILE_PREFIX}${Math.floor(wallTime)}.${os.hostname()}`);
  for (let k = 1; ; k++) {
    const file = k === 1 ? base : `${base}.${k}`;
    try {
      await fs.promises.writeFile(file, bytes, { flag: 'wx' });
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || k >= 1000) throw e;
    }
  }
}
