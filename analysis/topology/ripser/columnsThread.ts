/**
 * Entry of a column-assembly helper thread (columnsThreads.ts), bundled as dist/phColumns.js: waits for
 * the complex, walks its share of the roots, sends the columns back.
 */
import { parentPort } from 'node:worker_threads';
import { runColumnsHelper } from './columnsThreads';

parentPort?.once('message', runColumnsHelper);
