/** Typed arrays on the wire: base64 of their little-endian bytes (see protocol/decisionGeometry.ts). */
export function toBase64(a: Uint8Array | Int32Array | Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function fromBase64<T extends Uint8Array | Int32Array | Float32Array>(s: string, kind: new (b: ArrayBuffer) => T): T {
  const bytes = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return new kind(copy);
}
