// A small GGUF v3 writer, written from the format description (magic, version, counts, key/values, tensor infos,
// aligned tensor data). It supports just what the project's generated test models need. Tensor data comes from
// producers that yield chunks and is written straight to the file, so multi-GB models never sit in memory.
import { closeSync, openSync, writeSync } from 'node:fs';

/** GGUF metadata value types (the numbers are the file format's). */
const ValueType = {
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
} as const;

/** The ggml tensor types this writer knows how to size. */
export const GgmlType = {
  F32: 0,
  Q4_0: 2,
} as const;
export type GgmlType = (typeof GgmlType)[keyof typeof GgmlType];

/** Q4_0: blocks of 32 values, each an f16 scale `d` and 16 bytes of nibbles; value = (nibble - 8) * d. */
export const Q4_0_BLOCK_VALUES = 32;
export const Q4_0_BLOCK_BYTES = 18;

export type GgufMetadataValue =
  | { type: 'uint32'; value: number }
  | { type: 'int32'; value: number }
  | { type: 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'float32[]'; value: ArrayLike<number> }
  | { type: 'int32[]'; value: ArrayLike<number> };

/**
 * Produces a tensor's bytes in order. The writer writes each chunk before asking for the next one, so a producer
 * may reuse one buffer for every chunk.
 */
export type TensorDataProducer = () => Iterable<Uint8Array>;

export interface GgufTensorSpec {
  name: string;
  /** GGUF order: shape[0] (ne0) is the row length, the fastest-varying dimension. */
  shape: readonly number[];
  type: GgmlType;
  data: TensorDataProducer;
}

/** Bytes a tensor of this shape and type occupies in the file (before alignment padding). */
export function tensorByteSize(shape: readonly number[], type: GgmlType): number {
  const elements = shape.reduce((a, b) => a * b, 1);
  if (type === GgmlType.F32) return elements * 4;
  const rowLength = shape[0] ?? 0;
  if (rowLength % Q4_0_BLOCK_VALUES !== 0) throw new Error(`Q4_0 needs a row length divisible by 32, got ${rowLength}`);
  return (elements / Q4_0_BLOCK_VALUES) * Q4_0_BLOCK_BYTES;
}

/** A producer that writes one in-memory Float32Array (little-endian, as on every platform we run on). */
export function float32Data(values: Float32Array): TensorDataProducer {
  return () => [new Uint8Array(values.buffer, values.byteOffset, values.byteLength)];
}

/** A producer that writes `count` copies of one float, in chunks. */
export function constantFloat32Data(count: number, value: number): TensorDataProducer {
  return function* () {
    const chunk = new Float32Array(Math.min(count, 1 << 20)).fill(value);
    for (let done = 0; done < count; done += chunk.length) {
      const n = Math.min(chunk.length, count - done);
      yield new Uint8Array(chunk.buffer, 0, n * 4);
    }
  };
}

/** IEEE half-precision bits of `value`, rounded to nearest even (enough for Q4_0 scales). */
export function float32ToFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0] ?? 0;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0); // Inf / NaN
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow to Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow to zero
    mantissa |= 0x800000; // subnormal half: shift the implicit 1 in
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && (half & 1)) ? 1 : 0));
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++; // may carry into the exponent, which is correct
  return sign | half;
}

/**
 * Quantizes values (a multiple of 32) to Q4_0 the way ggml's reference quantizer does: per block, d = max / -8
 * where max is the value of largest magnitude, nibble = clamp(round-half-up(x / d + 8), 0, 15). In ggml's layout,
 * byte j of a block holds value j in its low nibble and value j + 16 in its high nibble.
 */
export function quantizeQ4_0(values: Float32Array): Uint8Array {
  if (values.length % Q4_0_BLOCK_VALUES !== 0) throw new Error('Q4_0 needs a multiple of 32 values');
  const blocks = values.length / Q4_0_BLOCK_VALUES;
  const out = new Uint8Array(blocks * Q4_0_BLOCK_BYTES);
  for (let b = 0; b < blocks; b++) {
    const base = b * Q4_0_BLOCK_VALUES;
    let max = 0;
    for (let j = 0; j < Q4_0_BLOCK_VALUES; j++) {
      const v = values[base + j] ?? 0;
      if (Math.abs(v) > Math.abs(max)) max = v;
    }
    const d = Math.fround(max / -8);
    const inverse = d !== 0 ? 1 / d : 0;
    const dBits = float32ToFloat16Bits(d);
    const o = b * Q4_0_BLOCK_BYTES;
    out[o] = dBits & 0xff;
    out[o + 1] = dBits >>> 8;
    const nibble = (v: number) => Math.min(15, Math.trunc(Math.fround(v * inverse + 8.5)));
    for (let j = 0; j < 16; j++) {
      out[o + 2 + j] = nibble(values[base + j] ?? 0) | (nibble(values[base + j + 16] ?? 0) << 4);
    }
  }
  return out;
}

/** Builds the header in memory (small) and streams the tensor data. */
class ByteBuilder {
  private chunks: Buffer[] = [];
  length = 0;
  private push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v | 0);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  u8(v: number): void {
    this.push(Buffer.from([v]));
  }
  str(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  zeros(n: number): void {
    if (n > 0) this.push(Buffer.alloc(n));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

export class GgufWriter {
  private readonly metadata = new Map<string, GgufMetadataValue>();
  private readonly tensors: GgufTensorSpec[] = [];

  /** `general.alignment` is always written, so readers never rely on the default. */
  constructor(readonly alignment = 32) {
    this.set('general.alignment', { type: 'uint32', value: alignment });
  }

  set(key: string, value: GgufMetadataValue): this {
    this.metadata.set(key, value);
    return this;
  }
  setUint32(key: string, value: number): this {
    return this.set(key, { type: 'uint32', value });
  }
  setInt32(key: string, value: number): this {
    return this.set(key, { type: 'int32', value });
  }
  setFloat32(key: string, value: number): this {
    return this.set(key, { type: 'float32', value });
  }
  setBool(key: string, value: boolean): this {
    return this.set(key, { type: 'bool', value });
  }
  setString(key: string, value: string): this {
    return this.set(key, { type: 'string', value });
  }
  setStringArray(key: string, value: readonly string[]): this {
    return this.set(key, { type: 'string[]', value });
  }
  setFloat32Array(key: string, value: ArrayLike<number>): this {
    return this.set(key, { type: 'float32[]', value });
  }
  setInt32Array(key: string, value: ArrayLike<number>): this {
    return this.set(key, { type: 'int32[]', value });
  }

  addTensor(name: string, shape: readonly number[], type: GgmlType, data: TensorDataProducer): this {
    if (this.tensors.some((t) => t.name === name)) throw new Error(`duplicate tensor ${name}`);
    if (shape.length < 1 || shape.length > 4 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`bad shape for ${name}: [${shape.join(', ')}]`);
    }
    tensorByteSize(shape, type); // validates Q4_0 row lengths early
    this.tensors.push({ name, shape, type, data });
    return this;
  }

  /** Size of the whole file this writer would produce. */
  fileSize(): number {
    const { header, offsets } = this.layout();
    const last = this.tensors.length - 1;
    const lastTensor = this.tensors[last];
    if (lastTensor === undefined) return header.length;
    return header.length + (offsets[last] ?? 0) + tensorByteSize(lastTensor.shape, lastTensor.type);
  }

  /** The header alone, padded to the alignment: with fileSize(), a header check needs no tensor data. */
  headerBytes(): Buffer {
    return this.layout().header;
  }

  /** Writes the file at `path` (overwriting it). Returns the number of bytes written. */
  writeFile(path: string): number {
    const { header, offsets } = this.layout();
    const fd = openSync(path, 'w');
    try {
      let position = 0;
      const put = (bytes: Uint8Array) => {
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off, position + off);
        position += bytes.length;
      };
      put(header);
      const dataStart = header.length;
      this.tensors.forEach((tensor, index) => {
        const start = dataStart + (offsets[index] ?? 0);
        if (start > position) put(new Uint8Array(start - position)); // alignment padding
        const expected = tensorByteSize(tensor.shape, tensor.type);
        let written = 0;
        for (const chunk of tensor.data()) {
          written += chunk.length;
          if (written > expected) throw new Error(`tensor ${tensor.name}: producer wrote more than ${expected} bytes`);
          put(chunk);
        }
        if (written !== expected) throw new Error(`tensor ${tensor.name}: producer wrote ${written} of ${expected} bytes`);
      });
      return position;
    } finally {
      closeSync(fd);
    }
  }

  /** The header (padded to the alignment) and each tensor's offset relative to the data section. */
  private layout(): { header: Buffer; offsets: number[] } {
    const b = new ByteBuilder();
    b.u32(0x46554747); // "GGUF" read as a little-endian uint32
    b.u32(3);
    b.u64(this.tensors.length);
    b.u64(this.metadata.size);
    for (const [key, entry] of this.metadata) {
      b.str(key);
      writeValue(b, entry);
    }
    const offsets: number[] = [];
    let offset = 0;
    for (const tensor of this.tensors) {
      offsets.push(offset);
      b.str(tensor.name);
      b.u32(tensor.shape.length);
      for (const dim of tensor.shape) b.u64(dim);
      b.u32(tensor.type);
      b.u64(offset);
      offset = alignUp(offset + tensorByteSize(tensor.shape, tensor.type), this.alignment);
    }
    b.zeros(alignUp(b.length, this.alignment) - b.length);
    return { header: b.toBuffer(), offsets };
  }
}

function writeValue(b: ByteBuilder, entry: GgufMetadataValue): void {
  const array = (elementType: number, values: ArrayLike<number> | readonly string[], write: (i: number) => void) => {
    b.u32(ValueType.array);
    b.u32(elementType);
    b.u64(values.length);
    for (let i = 0; i < values.length; i++) write(i);
  };
  switch (entry.type) {
    case 'uint32':
      b.u32(ValueType.uint32);
      b.u32(entry.value);
      return;
    case 'int32':
      b.u32(ValueType.int32);
      b.i32(entry.value);
      return;
    case 'float32':
      b.u32(ValueType.float32);
      b.f32(entry.value);
      return;
    case 'bool':
      b.u32(ValueType.bool);
      b.u8(entry.value ? 1 : 0);
      return;
    case 'string':
      b.u32(ValueType.string);
      b.str(entry.value);
      return;
    case 'string[]': {
      const values = entry.value;
      array(ValueType.string, values, (i) => b.str(values[i] ?? ''));
      return;
    }
    case 'float32[]': {
      const values = entry.value;
      array(ValueType.float32, values, (i) => b.f32(values[i] ?? 0));
      return;
    }
    case 'int32[]': {
      const values = entry.value;
      array(ValueType.int32, values, (i) => b.i32(values[i] ?? 0));
      return;
    }
    default: {
      const unreachable: never = entry;
      throw new Error(`unknown metadata type ${JSON.stringify(unreachable)}`);
    }
  }
}
