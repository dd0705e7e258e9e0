/**
 * The growth step shared by the engine's growable parallel typed arrays (simplex lists, heaps, the
 * reduction matrix, stream pools): a copy with room for `capacity` elements. Callers double the
 * capacity, so growth is amortised O(1) per element and never on the hot path.
 */
type GrowableArray = Int32Array | Float64Array | Uint8Array;

export function grown<A extends GrowableArray>(array: A, capacity: number): A {
  const copy = new (array.constructor as new (length: number) => A)(capacity);
  copy.set(array as ArrayLike<number>);
  return copy;
}
