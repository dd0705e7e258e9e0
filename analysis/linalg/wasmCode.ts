/**
 * A small emitter for the bodies of hand-assembled WebAssembly functions (wasmDistances.ts,
 * cli/commands/wasmNumberScan.ts): bytes are appended op by op into one growing buffer, and structured
 * control flow is opened and closed by name so branches say where they go (`br('main')`) instead of
 * counting nesting depths. These modules are built in every process that uses them, before V8 has
 * optimized the builder, where spreading nested arrays (the style of wasmBytes.ts) cost ~5 ms.
 */
import { uleb } from './wasmBytes';

export class Code {
  private buf = new Uint8Array(4096);
  private length = 0;
  /** Open blocks, loops and ifs, innermost last (names for `br`; '' for anonymous ones). */
  private readonly labels: string[] = [];

  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  emit(...ops: ArrayLike<number>[]): this {
    for (let i = 0; i < ops.length; i++) {
      const o = ops[i];
      if (this.length + o.length > this.buf.length) {
        const grown = new Uint8Array(2 * (this.length + o.length));
        grown.set(this.buf);
        this.buf = grown;
      }
      for (let j = 0; j < o.length; j++) this.buf[this.length++] = o[j];
    }
    return this;
  }

  /** local = local + delta (i32). */
  bump(local: number, delta: number): this {
    return this.emit([0x20], uleb(local), [0x41], sleb32(delta), [0x6a, 0x21], uleb(local));
  }

  /** `block` (a `br` to it jumps past its end). */
  block(name = ''): this {
    this.labels.push(name);
    return this.emit([0x02, 0x40]);
  }

  /** `loop` (a `br` to it jumps back to its start). */
  loop(name = ''): this {
    this.labels.push(name);
    return this.emit([0x03, 0x40]);
  }

  /** `if` on the i32 on the stack. */
  if(): this {
    this.labels.push('');
    return this.emit([0x04, 0x40]);
  }

  else(): this {
    return this.emit([0x05]);
  }

  end(): this {
    this.labels.pop();
    return this.emit([0x0b]);
  }

  /** Branch to the named enclosing block or loop. */
  br(name: string): this {
    return this.emit([0x0c], uleb(this.depth(name)));
  }

  /** Branch to the named enclosing block or loop when the i32 on the stack is non-zero. */
  brIf(name: string): this {
    return this.emit([0x0d], uleb(this.depth(name)));
  }

  private depth(name: string): number {
    const at = this.labels.lastIndexOf(name);
    if (at < 0) throw new Error(`wasm code: no enclosing label "${name}"`);
    return this.labels.length - 1 - at;
  }
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Signed LEB128 of a 64-bit integer (given as a BigInt, taken modulo 2^64). */
export function sleb64(value: bigint): number[] {
  let n = BigInt.asIntN(64, value);
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
