import * as fs from 'node:fs';
import type { MetricRecord } from '../store/metrics';

/**
 * metrics.jsonl, appended in the background and in the order its records are made.
 *
 * - Order: a checkpoint's eval record is only known once the checkpoint has been evaluated (off the
 *   training thread). `reserve` holds its place; the records made after it wait in memory (the train
 *   records of a few checkpoint intervals at most) until it is filled or dropped, so the file reads exactly
 *   as if every checkpoint had been evaluated in line.
 * - Background: lines are gathered for FLUSH_MS and appended by one write at a time on the libuv pool
 *   (WHY: a synchronous append per record cost the training thread 0.07-0.2 ms, a tenth of a small step
 *   or of a checkpoint's whole budget). `written` resolves once what was released so far is in the file;
 *   `drain` writes everything now and throws the first write error. A killed process may lose the last
 *   FLUSH_MS of lines (readers already skip a torn last line; resume recomputes everything after its
 *   checkpoint).
 */
export interface MetricSlot {
  fill(record: MetricRecord): void;
  /** The record will never come (its checkpoint failed): release the records behind it. */
  drop(): void;
}

interface Entry { text: string; done: boolean }

const FLUSH_MS = 50;

export class MetricsLog {
  private readonly held: Entry[] = [];
  private queued = '';
  /** Characters handed to `write` so far, and of those, appended to the file. */
  private total = 0;
  private done = 0;
  private pumping?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private failure?: Error;
  private readonly waiters: { upTo: number; resolve: () => void }[] = [];

  constructor(readonly file: string) {}

  append(record: MetricRecord): void {
    const text = JSON.stringify(record) + '\n';
    if (this.held.length === 0) this.write(text);
    else this.held.push({ text, done: true });
  }

  reserve(): MetricSlot {
    const entry: Entry = { text: '', done: false };
    this.held.push(entry);
    const settle = (text: string) => {
      if (entry.done) return;
      entry.text = text;
      entry.done = true;
      let ready = '';
      while (this.held.length > 0 && this.held[0].done) ready += this.held.shift()!.text;
      if (ready) this.write(ready);
    };
    return { fill: (record) => settle(JSON.stringify(record) + '\n'), drop: () => settle('') };
  }

  /** Resolves once every line released so far is in the file (or its write failed: see drain). */
  written(): Promise<void> {
    if (this.done >= this.total) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo: this.total, resolve }));
  }

  /** Writes what was released (held lines stay held) and waits for it; throws the first write error. */
  async drain(): Promise<void> {
    this.startPump();
    while (this.pumping) await this.pumping;
    if (this.failure) throw this.failure;
  }

  private write(text: string): void {
    this.queued += text;
    this.total += text.length;
    if (!this.pumping && !this.timer) this.timer = setTimeout(() => this.startPump(), FLUSH_MS);
  }

  private startPump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // pump() clears `pumping` when it ends, so it must only start with something to write (it then
    // awaits before ending, after the assignment here).
    if (!this.pumping && this.queued) this.pumping = this.pump();
  }

  private async pump(): Promise<void> {
    while (this.queued) {
      const text = this.queued;
      this.queued = '';
      try {
        if (!this.failure) await fs.promises.appendFile(this.file, text);
      } catch (e) {
        this.failure = new Error(`${this.file}: append failed (${(e as Error).message})`);
      }
      this.done += text.length;
      while (this.waiters.length > 0 && this.waiters[0].upTo <= this.done) this.waiters.shift()!.resolve();
    }
    this.pumping = undefined;
  }
}
