import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MetricRecord } from '../store/metrics';
import { EventFileWriter } from '../tensorboard/write';
import { metricScalars } from '../tensorboard/tags';

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
 * - TensorBoard (option `tensorBoard`): the same records, in the same order, also go to an event file in the
 *   same folder (analysis/tensorboard/write.ts), appended by the same background pump. It is a copy for
 *   `tensorboard --logdir`: a failure to write it is logged once (`warn`) and never fails the run, and the
 *   training thread only pays for buffering a few numbers per record.
 */
export interface MetricSlot {
  fill(record: MetricRecord): void;
  /** The record will never come (its checkpoint failed): release the records behind it. */
  drop(): void;
}

interface Entry { text: string; record?: MetricRecord; done: boolean }

export interface MetricsLogOptions {
  /** Also write a TensorBoard event file; `purgeFromStep`: a resumed run's first recomputed step. */
  tensorBoard?: { purgeFromStep?: number };
  /** Where the one warning about a failed event-file write goes. */
  warn?: (message: string) => void;
}

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
  private events?: EventFileWriter;
  private readonly warn: (message: string) => void;

  constructor(readonly file: string, options: MetricsLogOptions = {}) {
    if (options.tensorBoard) this.events = new EventFileWriter(path.dirname(file), options.tensorBoard);
    this.warn = options.warn ?? (() => undefined);
  }

  append(record: MetricRecord): void {
    const text = JSON.stringify(record) + '\n';
    if (this.held.length === 0) this.write(text, record);
    else this.held.push({ text, record, done: true });
  }

  reserve(): MetricSlot {
    const entry: Entry = { text: '', done: false };
    this.held.push(entry);
    const settle = (record: MetricRecord | undefined) => {
      if (entry.done) return;
      entry.text = record ? JSON.stringify(record) + '\n' : '';
      entry.record = record;
      entry.done = true;
      while (this.held.length > 0 && this.held[0].done) {
        const e = this.held.shift()!;
        if (e.text) this.write(e.text, e.record);
      }
    };
    return { fill: (record) => settle(record), drop: () => settle(undefined) };
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

  private write(text: string, record?: MetricRecord): void {
    if (record && this.events) this.events.add(record.step, metricScalars(record));
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
      await this.flushEvents();
    }
    this.pumping = undefined;
  }

  /** After the metrics lines they copy; a failure turns the copy off for the rest of the run. */
  private async flushEvents(): Promise<void> {
    const events = this.events;
    if (!events) return;
    try {
      await events.flush();
    } catch (e) {
      this.events = undefined;
      this.warn(`TensorBoard event file in ${events.dir} not written from now on (${(e as Error).message}); metrics.jsonl is unaffected`);
    }
  }
}
