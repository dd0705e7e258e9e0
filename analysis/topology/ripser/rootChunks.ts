/**
 * How the depth-first column walks (denseColumns.ts, sparseColumns.ts) share out their roots, the edges
 * they start from: in chunks of ROOT_CHUNK consecutive edge ranks, each thread asking for the next chunk
 * when done with its last (work per root varies a lot, so fixed shares would leave one thread idle).
 */

/** Returns the first edge rank of the next chunk of roots; the edge count or more when none are left. */
export type ClaimRoots = () => number;

export const ROOT_CHUNK = 64;

/** One thread takes every chunk, in order. */
export function serialRoots(): ClaimRoots {
  let next = 0;
  return () => {
    const start = next;
    next += ROOT_CHUNK;
    return start;
  };
}

/** Chunks handed out through a counter that several threads share (`Atomics.add`, one 32-bit slot). */
export function sharedRoots(counter: Int32Array, slot: number): ClaimRoots {
  return () => Atomics.add(counter, slot, ROOT_CHUNK);
}
