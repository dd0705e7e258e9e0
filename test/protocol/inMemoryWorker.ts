/**
 * The worker's real handlers (and analysis threads) behind a client connection over in-memory streams,
 * with a temporary runs folder; everything is disposed and removed afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { registerHandlers } from '../../analysis/worker/handlers';

export async function withWorker(body: (client: MessageConnection, root: string) => Promise<void>): Promise<void> {
  const up = new PassThrough();
  const down = new PassThrough();
  const server = createMessageConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const runner = registerHandlers(server);
  server.listen();
  client.listen();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-proto-'));
  try {
    await body(client, root);
  } finally {
    client.dispose();
    server.dispose();
    await runner.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
