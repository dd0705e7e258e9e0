import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes a file so that readers see either the old content or the complete new content, never a torn
 * file: the data goes to a temporary file in the same folder (same file system, so rename is atomic), is
 * fsynced, then renamed over the target. The folder is fsynced too where the platform allows it, so the
 * rename itself survives a power cut.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dir);
}

/** Best effort: Windows cannot open a folder for fsync, and that is fine there. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // not supported on this platform / file system
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** writeFileAtomic on the libuv thread pool, so a training loop keeps computing while the disk syncs. */
export async function writeFileAtomicAsync(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.promises.open(tmp, 'w');
  try {
    await handle.writeFile(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  fsyncDir(dir);
}

/**
 * Atomic writes applied one after another in the background, in the order they were queued (so a resume
 * state never lands before the checkpoint it refers to). The first failure is kept and rethrown by
 * `drain`, which a writer must await before its final, synchronous status write.
 */
export class AtomicWriteQueue {
  private tail: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  enqueue(file: string, data: string | Uint8Array): void {
    this.tail = this.tail.then(async () => {
      if (this.failure) return;
      try {
        await writeFileAtomicAsync(file, data);
      } catch (e) {
        this.failure = new Error(`${file}: write failed (${(e as Error).message})`);
      }
    });
  }

  /** Waits for every queued write; throws the first write error, if any. */
  async drain(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure;
  }
}
