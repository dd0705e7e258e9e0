/**
 * Times the steps of the end-to-end journey. The e2e test is one long dependent sequence (a later step needs
 * the run, panel or file of an earlier one), so steps are plain awaited functions, not independent tests:
 * the first failure stops the journey and its error names the step that failed.
 */

export interface StepTiming {
  readonly name: string;
  readonly startS: number;
  readonly durationS: number;
  readonly ok: boolean;
}

/** An error that carries the name of the journey step it happened in. */
export class StepError extends Error {
  constructor(readonly step: string, cause: unknown) {
    super(`step "${step}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export class StepClock {
  private readonly t0 = performance.now();
  private readonly marks = new Map<string, number>();
  readonly steps: StepTiming[] = [];

  /** Seconds since the clock was made. */
  now(): number {
    return (performance.now() - this.t0) / 1000;
  }

  log(message: string): void {
    console.log(`[e2e ${this.now().toFixed(1).padStart(6)}s] ${message}`);
  }

  /** Remembers the current time under `name` (for spans that cross step boundaries). */
  mark(name: string): void {
    this.marks.set(name, this.now());
  }

  /** Seconds from mark `from` to mark `to` (or to now), or undefined when `from` was never reached. */
  span(from: string, to?: string): number | undefined {
    const a = this.marks.get(from);
    const b = to === undefined ? this.now() : this.marks.get(to);
    return a === undefined || b === undefined ? undefined : b - a;
  }

  /** Runs one step, records its duration, and rethrows any failure as a StepError naming the step. */
  async step<T>(name: string, body: () => Promise<T>): Promise<T> {
    const start = this.now();
    this.log(`${name} ...`);
    try {
      const result = await body();
      const durationS = this.now() - start;
      this.steps.push({ name, startS: start, durationS, ok: true });
      this.log(`${name}: ok (${durationS.toFixed(1)} s)`);
      return result;
    } catch (e) {
      this.steps.push({ name, startS: start, durationS: this.now() - start, ok: false });
      throw e instanceof StepError ? e : new StepError(name, e);
    }
  }

  /** A fixed-width table of the steps for the end-of-run summary. */
  table(): string {
    const width = Math.max(...this.steps.map((s) => s.name.length), 4);
    return this.steps
      .map((s) => `  ${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(width)} ${s.durationS.toFixed(1).padStart(6)} s`)
      .join('\n');
  }
}
