/** Messages between the analysis runner (worker main thread) and its analysis threads. */

export interface RunJob {
  type: 'run';
  id: number;
  name: string;
  params: unknown;
  /** Int32 flag: set to 1 by the runner when the request is cancelled; the analysis polls it. */
  cancel: SharedArrayBuffer;
}

export type ToThread = RunJob;

export type FromThread =
  | { type: 'progress'; id: number; fraction?: number; message?: string }
  | { type: 'log'; id: number; message: string }
  | { type: 'done'; id: number; result: unknown; cached: boolean }
  | { type: 'failed'; id: number; message: string; cancelled: boolean };
