/** Small pieces shared by the CLI commands: option parsing and a one-line progress display. */
import type { BackendPreference } from '../../training/backend';
import type { TrainProgress } from '../../worker/protocol/training';

const BACKENDS: BackendPreference[] = ['auto', 'gpu', 'native', 'wasm', 'cpu'];

export function parseBackendOption(value: string): BackendPreference {
  if ((BACKENDS as string[]).includes(value)) return value as BackendPreference;
  throw new Error(`--backend ${value}: unknown backend (use one of ${BACKENDS.join(', ')})`);
}

/** Rewrites one status line on a TTY; prints a line per checkpoint otherwise (logs, CI). */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  let lastLine = '';
  const clear = () => { if (tty && lastLine) stream.write('\r\x1b[K'); };
  return {
    update(p: TrainProgress): void {
      const line = `step ${p.step}/${p.totalSteps} · epoch ${p.epoch.toFixed(2)} · loss ${p.loss.toFixed(4)}` +
        (p.accuracy !== undefined ? ` · acc ${(100 * p.accuracy).toFixed(1)}%` : '') +
        ` · ${Math.round(p.samplesPerSec)} samples/s` + (p.etaSeconds !== undefined ? ` · ETA ${Math.round(p.etaSeconds)} s` : '');
      if (tty) { clear(); stream.write(line); lastLine = line; } else if (p.checkpoint) stream.write(`${line} · checkpoint\n`);
    },
    log(message: string): void { clear(); stream.write(`${message}\n`); if (tty && lastLine) stream.write(lastLine); },
    done(): void { clear(); lastLine = ''; },
  };
}
