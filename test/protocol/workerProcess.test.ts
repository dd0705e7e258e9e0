/**
 * The worker as a real process: JSON-RPC over the fork IPC channel, and the promise that it never
 * outlives its parent (a killed window must not leave trainers running).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawn } from 'node:child_process';
import path from 'node:path';
import { createMessageConnection } from 'vscode-jsonrpc';
import { IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { InfoRequest } from '../../analysis/worker/protocol/system';
import { isPidAlive } from '../../analysis/store/runStore';

const WORKER = path.join(__dirname, '..', '..', 'analysis', 'worker', 'main.ts');

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}

test('the forked worker answers JSON-RPC over IPC and exits when the channel closes', async () => {
  const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  connection.listen();
  try {
    const info = await connection.sendRequest(InfoRequest);
    assert.equal(info.pid, child.pid);
    assert.ok(info.backends.includes('wasm'));
  } finally {
    connection.dispose();
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.disconnect();
  assert.equal(await exited, 0, 'a closed IPC channel ends the worker cleanly');
});

test('the worker exits when its parent is killed (SIGKILL, no chance to clean up)', async () => {
  // A stand-in for the extension host: forks the worker, prints its pid, then waits forever.
  const parentScript = `
    const { fork } = require('node:child_process');
    const w = fork(${JSON.stringify(WORKER)}, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    w.on('spawn', () => console.log(String(w.pid)));
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
  const workerPid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    parent.once('exit', () => reject(new Error('parent exited early')));
  });
  assert.ok(await waitFor(() => isPidAlive(workerPid), 2000), 'worker started');
  parent.kill('SIGKILL');
  assert.ok(await waitFor(() => !isPidAlive(workerPid), 10000), `worker ${workerPid} still alive 10 s after its parent was killed`);
});
