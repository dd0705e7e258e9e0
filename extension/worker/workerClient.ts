/**
 * The extension's side of the analysis worker: forks dist/worker.js lazily, speaks JSON-RPC over the IPC
 * channel, pipes the worker's stdout/stderr into the log, and replaces a crashed worker with a fresh one
 * on the next request (telling the user, and letting owners of in-flight work react).
 */
import * as vscode from 'vscode';
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc';
import { IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { LogNotification } from '../../analysis/worker/protocol/system';
import { log } from '../log';

export interface WorkerExit { code: number | null; signal: NodeJS.Signals | null; expected: boolean }

interface Live { child: ChildProcess; connection: MessageConnection; stopping: boolean }

export class WorkerClient implements vscode.Disposable {
  private live: Live | undefined;
  private readonly exitEmitter = new vscode.EventEmitter<WorkerExit>();
  /** Fires when a worker process ends; `expected` is false for crashes and kills. */
  readonly onDidExit = this.exitEmitter.event;

  constructor(private readonly extensionPath: string) {}

  /** The live connection, starting a worker if none runs. */
  connection(): MessageConnection {
    return (this.live ??= this.start()).connection;
  }

  get pid(): number | undefined {
    return this.live?.child.pid;
  }

  private start(): Live {
    const script = path.join(this.extensionPath, 'dist', 'worker.js');
    const child = fork(script, [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Keep tfjs from spawning its own thread pool beyond the cores we have, and make its banner quiet.
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
      execArgv: [],
    });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const live: Live = { child, connection, stopping: false };
    pipeLines(child.stdout, (line) => log().info(`[worker] ${line}`));
    pipeLines(child.stderr, (line) => log().warn(`[worker] ${line}`));
    connection.onNotification(LogNotification, ({ level, message }) => log()[level](`[worker] ${message}`));
    child.on('exit', (code, signal) => {
      if (this.live === live) this.live = undefined;
      connection.dispose();
      const expected = live.stopping;
      log()[expected ? 'info' : 'error'](`worker ${child.pid} exited (code ${code}, signal ${signal})`);
      this.exitEmitter.fire({ code, signal, expected });
    });
    child.on('error', (e) => log().error(`worker ${child.pid}: ${e.message}`));
    connection.listen();
    log().info(`worker ${child.pid} started (${script})`);
    return live;
  }

  /** Ends the current worker (a later request starts a fresh one). */
  stop(): void {
    const live = this.live;
    if (!live) return;
    live.stopping = true;
    live.child.kill();
  }

  dispose(): void {
    this.stop();
    this.exitEmitter.dispose();
  }
}

function pipeLines(stream: NodeJS.ReadableStream | null, sink: (line: string) => void): void {
  if (!stream) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') sink(line);
  });
  stream.on('end', () => { if (buffered.trim() !== '') sink(buffered); });
}
