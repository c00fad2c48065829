// Reads little-endian GGUF fields from the first bytes of a file whose full length is known. Running out of bytes
// is one of two things: the file itself ends there (a cut-off header), or the caller read too little and must read
// more. Both are thrown, so the header walk reads as straight-line code.
import type { IntegerValueType } from './ggmlTypes';

/** The file ends at `fileLength`, inside its header. */
export class HeaderCutOff extends Error {}

/** The bytes given end before the file does, at a field that needs the file's first `bytes` bytes. */
export class NeedMoreBytes extends Error {
  constructor(readonly bytes: number) {
    super(`need ${bytes} bytes`);
  }
}

/** A problem sentence for the user. */
export class HeaderProblem extends Error {}

const decoder = new TextDecoder('utf-8');

export class GgufCursor {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array, readonly fileLength: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes of the file after the cursor. */
  get left(): number {
    return this.fileLength - this.pos;
  }

  u32(): number {
    const at = this.take(4);
    return this.view.getUint32(at, true);
  }

  /** A u64 as a number; values past 2^53 lose precision, but every such count or size is absurd anyway. */
  u64(): number {
    return Number(this.u64Exact());
  }

  u64Exact(): bigint {
    const at = this.take(8);
    return this.view.getBigUint64(at, true);
  }

  /** A GGUF integer value of `type`; 64-bit values past 2^53 lose precision. */
  integer(type: IntegerValueType): number {
    const view = this.view;
    switch (type) {
      case 0: return view.getUint8(this.take(1));
      case 1: return view.getInt8(this.take(1));
      case 2: return view.getUint16(this.take(2), true);
      case 3: return view.getInt16(this.take(2), true);
      case 4: return view.getUint32(this.take(4), true);
      case 5: return view.getInt32(this.take(4), true);
      case 10: return Number(view.getBigUint64(this.take(8), true));
      case 11: return Number(view.getBigInt64(this.take(8), true));
    }
  }

  /** The next `n` bytes as Latin-1 text, without moving past them. */
  peekLatin1(n: number): string {
    const at = this.take(n);
    this.pos = at;
    return String.fromCharCode(...this.bytes.subarray(at, at + n));
  }

  skip(n: number): void {
    this.take(n);
  }

  text(n: number): string {
    const at = this.take(n);
    return decoder.decode(this.bytes.subarray(at, at + n));
  }

  private take(n: number): number {
    const end = this.pos + n;
    if (end > this.fileLength) throw new HeaderCutOff();
    if (end > this.bytes.length) throw new NeedMoreBytes(end);
    const at = this.pos;
    this.pos = end;
    return at;
  }
}
