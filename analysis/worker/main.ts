/**
 * Entry point of the analysis worker (dist/worker.js), forked by the extension with an IPC channel.
 * JSON-RPC runs over IPC, never stdout, because TensorFlow.js and native addons print to stdout; the
 * extension pipes stdout/stderr into the "TopoLens" log channel.
 */
import { createMessageConnection } from 'vscode-jsonrpc';
import { IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { registerHandlers } from './handlers';
import { exitWhenParentDies } from './parentWatch';

if (!process.send) {
  console.error('topolens worker: must be started with an IPC channel (child_process.fork).');
  process.exit(2);
}
const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
registerHandlers(connection);
exitWhenParentDies(() => process.exit(0));
connection.listen();
