/** Listing runs through the worker, and the run-entry wire type the store produces. */
import { RequestType } from 'vscode-jsonrpc';
import type { RunJson } from '../../spec/runFormat';

export interface CheckpointRef {
  step: number;
  /** Absolute path of the checkpoint's safetensors file. */
  file: string;
}

export interface RunEntry {
  id: string;
  dir: string;
  run?: RunJson;
  /** Why the run could not be read (names the file), when it could not. */
  problem?: string;
  checkpoints: CheckpointRef[];
}

export interface ListRunsParams { runsRoot: string }

export const ListRunsRequest = new RequestType<ListRunsParams, RunEntry[], void>('topolens/listRuns');
