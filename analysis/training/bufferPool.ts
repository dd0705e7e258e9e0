/**
 * Spare ArrayBuffers of one size, for checkpoint snapshots. WHY: a fresh buffer per snapshot costs the
 * training thread an allocation (zero-filled, often fresh pages) and garbage-collector work; the evaluator
 * hands each snapshot's storage back with its record, so a run needs only as many buffers as checkpoints
 * in flight.
 */
export class BufferPool {
  private readonly spare: ArrayBuffer[] = [];

  constructor(readonly bytes: number, private readonly maxSpare: number) {}

  take(): ArrayBuffer {
    return this.spare.pop() ?? new ArrayBuffer(this.bytes);
  }

  /** Takes back buffers of the pool's size (others, and any beyond maxSpare, are left to the GC). */
  give(buffers: readonly ArrayBuffer[]): void {
    for (const b of buffers) if (b.byteLength === this.bytes && this.spare.length < this.maxSpare && !this.spare.includes(b)) this.spare.push(b);
  }
}
