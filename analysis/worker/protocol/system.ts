/**
 * Worker-wide requests and notifications: process info, the GPU setup check, log lines, error codes.
 * A protocol file declares wire types and request constants only; it imports nothing but vscode-jsonrpc,
 * other protocol files and spec/ types (eslint enforces it), so both sides can share it.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';

export interface WorkerLog { level: 'trace' | 'debug' | 'info' | 'warn' | 'error'; message: string }

export interface WorkerInfo { pid: number; node: string; backends: string[]; cpus: number; analysisThreads: number }

export interface GpuCheckItem {
  name: string;
  ok: boolean;
  detail: string;
}

export interface GpuCheckReport {
  /** True when the GPU backend is usable: every check passed. */
  ok: boolean;
  platform: string;
  tfjsNodePath?: string;
  checks: GpuCheckItem[];
  /** What to do next, most important first. */
  hints: string[];
}

export const InfoRequest = new RequestType0<WorkerInfo, void>('topolens/info');
export const GpuCheckRequest = new RequestType<{ tfjsNodePath?: string }, GpuCheckReport, void>('topolens/gpuCheck');
export const LogNotification = new NotificationType<WorkerLog>('topolens/log');

/** Error codes carried by ResponseError so the extension can tell "bad input" from "bug". */
export const enum WorkerErrorCode {
  BadInput = 1001,
  NotFound = 1002,
  Cancelled = -32800, // LSP RequestCancelled
}
