/**
 * Both cores for the column assembly of dimensions >= 2 (denseColumns.ts / sparseColumns.ts: about half
 * of Ripser's o3 benchmark, nearly all of random50_16 --dim 7), pipelined with the reduction:
 * - helper threads are started first (a thread takes tens of milliseconds to boot), before the edges are
 *   ranked; once the complex exists it is posted to them and they walk at once, while the main thread
 *   computes H0 and reduces H1;
 * - the walk's roots (edges) are shared out in chunks through one atomic counter (rootChunks.ts): when
 *   the main thread needs the columns of dimension 2 it takes the chunks still left, then waits for the
 *   helpers' last chunks and appends their lists to its own.
 * Deterministic: every simplex is visited by exactly one thread, and the engine sorts each dimension's
 * columns by (rank descending, index ascending), a total order, before reducing; so the columns, and the
 * barcode, are those of the serial walk whichever thread found what (test/unit/topology/ripsParallel).
 *
 * The main thread waits without its event loop (Atomics.wait, then receiveMessageOnPort), so
 * `ripsPersistence` stays synchronous. A helper that never started (slow boot, missing file) claims
 * nothing and is skipped; an error in a helper is rethrown on the main thread.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { startThread, threadEntry } from '../../threads/startThread';
import { BinomialTable } from './binomial';
import type { RipsComplex } from './complex';
import { DenseComplex } from './denseComplex';
import { denseColumnsByDimension } from './denseColumns';
import type { DenseRanks, SparseRanks } from './edgeFiltration';
import { sharedRoots, type ClaimRoots } from './rootChunks';
import { SparseComplex } from './sparseComplex';
import { sparseColumnsByDimension } from './sparseColumns';
import { SimplexList } from './simplexList';

/** Slots of the shared control array: the root counter, then one state word per helper. */
const COUNTER = 0;
const IDLE = 0;
const RUNNING = 1;
const DONE = 2;
const CLOSED = 3;

/** What a helper gets: the complex's arrays (shared memory, see sharedArrays.ts), the table's shape, the controls. */
interface ShareMessage {
  storage: 'dense' | 'sparse';
  n: number;
  edgeCount: number;
  uOfRank: Int32Array;
  vOfRank: Int32Array;
  ranks?: Int32Array;
  offsets?: Int32Array;
  neighbors?: Int32Array;
  neighborRanks?: Int32Array;
  maxK: number;
  wide: boolean;
  maxDim: number;
  control: Int32Array;
  slot: number;
  port: MessagePort;
}

type HelperResult = { lists: Array<{ rank: Int32Array<ArrayBuffer>; index: Float64Array<ArrayBuffer>; length: number }>; chunks: number } | { error: string };

/** For tests: make every helper take part, and see who walked how many root chunks. */
export interface ThreadProbe {
  /** `share` waits until every helper has booted (so each one walks, however fast this thread is). */
  waitForHelpers?: boolean;
  /** Called by `join` with the chunks of roots this thread and the helpers walked. */
  onJoined?: (s: { mainChunks: number; helperChunks: number[] }) => void;
}

/** Threads to use by default: every core the process may use, at most 4 (the walk is memory bound). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export class ColumnHelpers {
  private readonly control: Int32Array;
  private readonly ports: MessagePort[] = [];
  private shared = false;
  private closed = false;
  private mainChunks = 0;

  private constructor(
    private readonly workers: Worker[],
    private readonly probe: ThreadProbe,
  ) {
    this.control = new Int32Array(new SharedArrayBuffer(4 * (1 + workers.length)));
  }

  /** Starts `count` helper threads; they wait for `share`. */
  static start(count: number, probe: ThreadProbe = {}): ColumnHelpers {
    const entry = threadEntry(__filename, 'columnsThread.ts', 'phColumns.js');
    const workers: Worker[] = [];
    for (let i = 0; i < count; i++) {
      // The helper's own allocations are the column lists (typed arrays, outside V8's heap): a small
      // young generation keeps an idle heap from adding megabytes to the process's peak.
      const w = startThread(entry, { name: 'topolens-ph-columns', resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      // A helper that fails to start only loses its share of the walk (the main thread takes it).
      w.on('error', () => undefined);
      w.unref();
      workers.push(w);
    }
    return new ColumnHelpers(workers, probe);
  }

  /** The main thread's share of the roots (the same counter as the helpers'). */
  get claim(): ClaimRoots {
    const roots = sharedRoots(this.control, COUNTER);
    return () => {
      this.mainChunks++;
      return roots();
    };
  }

  /** Sends the complex to every helper; from here on they walk (columns of dimensions 2..maxDim). */
  share(complex: RipsComplex, binom: BinomialTable, maxDim: number): void {
    const e = complex.edges as DenseRanks | SparseRanks;
    const base = { n: e.n, edgeCount: e.edgeCount, uOfRank: e.uOfRank, vOfRank: e.vOfRank, maxK: binom.maxK, wide: binom.wide, maxDim, control: this.control };
    const data =
      e.kind === 'dense'
        ? { storage: 'dense' as const, ranks: e.ranks }
        : { storage: 'sparse' as const, offsets: e.offsets, neighbors: e.neighbors, neighborRanks: e.neighborRanks };
    this.workers.forEach((w, i) => {
      const { port1, port2 } = new MessageChannel();
      this.ports.push(port1);
      const message: ShareMessage = { ...base, ...data, slot: 1 + i, port: port2 };
      w.postMessage(message, [port2]);
    });
    this.shared = true;
    if (this.probe.waitForHelpers) {
      for (let i = 0; i < this.workers.length; i++) {
        const t0 = Date.now();
        while (Atomics.load(this.control, 1 + i) === IDLE) {
          if (Date.now() - t0 > 60_000) throw new Error('rips: a column thread did not start within 60 s');
          Atomics.wait(this.control, 1 + i, IDLE, 100);
        }
      }
    }
  }

  /**
   * The helpers' lists once the counter is exhausted (the main thread calls this after its own walk):
   * waits for each helper that started, skips (and stops) those that did not.
   */
  join(maxDim: number): SimplexList[][] {
    if (!this.shared) return [];
    const out: SimplexList[][] = [];
    const helperChunks: number[] = [];
    for (let i = 0; i < this.workers.length; i++) {
      const slot = 1 + i;
      if (Atomics.compareExchange(this.control, slot, IDLE, CLOSED) === IDLE) {
        helperChunks.push(0);
        continue;
      }
      while (Atomics.load(this.control, slot) !== DONE) Atomics.wait(this.control, slot, RUNNING, 1000);
      const received = receiveMessageOnPort(this.ports[i]);
      if (!received) throw new Error('rips: a column thread finished without its result');
      const result = received.message as HelperResult;
      if ('error' in result) throw new Error(`rips: column thread failed: ${result.error}`);
      helperChunks.push(result.chunks);
      out.push(
        result.lists.slice(0, maxDim + 1).map((l) => {
          const list = new SimplexList();
          list.rank = l.rank;
          list.index = l.index;
          list.length = l.length;
          return list;
        }),
      );
    }
    // The last claim of each thread finds the counter exhausted: it walked one chunk less than it claimed.
    this.probe.onJoined?.({ mainChunks: this.mainChunks - 1, helperChunks });
    // Done with them: their heaps and their copies of the complex go before the reductions of dims >= 2.
    this.close();
    return out;
  }

  /** Stops every helper (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let i = 0; i < this.workers.length; i++) Atomics.compareExchange(this.control, 1 + i, IDLE, CLOSED);
    for (const p of this.ports) p.close();
    for (const w of this.workers) void w.terminate();
  }
}

/** Appends every list of `more` to `into`, dimension by dimension (each grown once, to the exact size). */
export function appendLists(into: SimplexList[], more: SimplexList[]): void {
  for (let d = 0; d < into.length && d < more.length; d++) {
    const a = into[d];
    const b = more[d];
    if (b.length === 0) continue;
    const length = a.length + b.length;
    const rank = new Int32Array(length);
    const index = new Float64Array(length);
    rank.set(a.rank.subarray(0, a.length));
    index.set(a.index.subarray(0, a.length));
    rank.set(b.rank.subarray(0, b.length), a.length);
    index.set(b.index.subarray(0, b.length), a.length);
    a.rank = rank;
    a.index = index;
    a.length = length;
  }
}

/** The helper's side: rebuild the complex from the message, walk the shared roots, send the lists back. */
export function runColumnsHelper(m: ShareMessage): void {
  if (Atomics.compareExchange(m.control, m.slot, IDLE, RUNNING) !== IDLE) {
    m.port.close();
    return;
  }
  let result: HelperResult;
  const transfer: ArrayBuffer[] = [];
  try {
    const binom = new BinomialTable(m.n, m.maxK, m.wide);
    const edges = { n: m.n, edgeCount: m.edgeCount, lengthOfRank: new Float64Array(0), uOfRank: m.uOfRank, vOfRank: m.vOfRank };
    const roots = sharedRoots(m.control, COUNTER);
    let claims = 0;
    const claim: ClaimRoots = () => {
      claims++;
      return roots();
    };
    const none = (): void => undefined;
    const found =
      m.storage === 'dense'
        ? denseColumnsByDimension(new DenseComplex({ ...edges, kind: 'dense', ranks: m.ranks! }, binom, m.maxDim), binom, m.maxDim, none, claim)
        : sparseColumnsByDimension(
            new SparseComplex({ ...edges, kind: 'sparse', offsets: m.offsets!, neighbors: m.neighbors!, neighborRanks: m.neighborRanks! }, binom, m.maxDim),
            binom,
            m.maxDim,
            none,
            claim,
          );
    result = { lists: found.map((l) => ({ rank: l.rank, index: l.index, length: l.length })), chunks: claims - 1 };
    for (const l of found) transfer.push(l.rank.buffer as ArrayBuffer, l.index.buffer as ArrayBuffer);
  } catch (e) {
    result = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  m.port.postMessage(result, transfer);
  Atomics.store(m.control, m.slot, DONE);
  Atomics.notify(m.control, m.slot);
}
