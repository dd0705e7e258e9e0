/**
 * Int32 arrays on shared memory, for the complex's arrays that the column threads read
 * (columnsThreads.ts): posted to a thread, a SharedArrayBuffer is shared, not copied (the dense rank
 * matrix alone is 4 n^2 bytes). Plain memory where SharedArrayBuffer does not exist.
 */
export function sharedInt32Array(length: number): Int32Array {
  return typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4 * length)) : new Int32Array(length);
}
