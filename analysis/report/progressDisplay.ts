/**
 * Progress of headless analyses on stderr: one bar per panel on a terminal (cli-progress), plain lines
 * otherwise (CI logs, pipes: a line when a task starts, at most one every 10 s while it runs, one when it
 * ends), so a log stays readable and a terminal shows everything at once.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

export interface TaskProgress {
  update(fraction: number | undefined, message?: string): void;
  /** Ends the task with a one-word outcome ("done", "cached", "failed") and details. */
  end(outcome: string, detail?: string): void;
}

export interface ProgressDisplay {
  task(label: string): TaskProgress;
  /** A line above the bars (or a plain line). */
  log(line: string): void;
  stop(): void;
}

const PLAIN_INTERVAL_MS = 10_000;
/** Analyses run in-process and block the event loop, so the bars are redrawn from the progress callbacks. */
const REDRAW_MS = 100;

export function progressDisplay(stream: NodeJS.WriteStream = process.stderr, quiet = false): ProgressDisplay {
  if (quiet) return { task: () => ({ update: () => undefined, end: () => undefined }), log: () => undefined, stop: () => undefined };
  return stream.isTTY ? barsDisplay(stream) : linesDisplay(stream);
}

function barsDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  const multi = new MultiBar({
    stream,
    format: ' {bar} {percentage}% | {label} {message}',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    autopadding: true,
    forceRedraw: true,
  }, Presets.shades_classic);
  let lastDraw = 0;
  const redraw = () => {
    const now = Date.now();
    if (now - lastDraw < REDRAW_MS) return;
    lastDraw = now;
    multi.update();
  };
  const width = Math.max(20, Math.min(60, (stream.columns ?? 100) - 50));
  const clip = (s: string) => (s.length > width ? `${s.slice(0, width - 1)}…` : s);
  return {
    task(label) {
      const bar: SingleBar = multi.create(100, 0, { label, message: '' });
      multi.update();
      return {
        update(fraction, message) {
          bar.update(fraction === undefined ? bar.getProgress() * 100 : Math.round(100 * fraction), { label, message: clip(message ?? '') });
          redraw();
        },
        end(outcome, detail) {
          bar.update(100, { label, message: clip(`${outcome}${detail ? ` (${detail})` : ''}`) });
          bar.stop();
          multi.update();
        },
      };
    },
    log: (line) => { multi.log(`${line}\n`); multi.update(); },
    stop: () => multi.stop(),
  };
}

function linesDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  return {
    task(label) {
      stream.write(`${label}: started\n`);
      let last = Date.now();
      return {
        update(fraction, message) {
          if (Date.now() - last < PLAIN_INTERVAL_MS) return;
          last = Date.now();
          stream.write(`${label}: ${fraction === undefined ? '' : `${Math.round(100 * fraction)}% `}${message ?? ''}\n`);
        },
        end(outcome, detail) {
          stream.write(`${label}: ${outcome}${detail ? ` (${detail})` : ''}\n`);
        },
      };
    },
    log: (line) => void stream.write(`${line}\n`),
    stop: () => undefined,
  };
}
