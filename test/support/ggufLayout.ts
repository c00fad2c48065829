// Where each field of a well-formed GGUF file lies, so tests can corrupt one field at a time ("byte surgery"). It
// walks the format from its description and deliberately shares no code with src/core/gguf, so a bug in the
// validator cannot hide itself in the corruptions the tests make.

export interface EntryLayout {
  key: string;
  /** Offset of the value type (after the key). */
  typeAt: number;
  /** Offset of the value: for a string its length, for an array its element type. */
  valueAt: number;
  /** For an array: its element count's offset and value, and where its last value starts. */
  countAt?: number;
  count?: number;
  lastAt?: number;
  /** One past the entry's last byte. */
  end: number;
}

export interface TensorLayout {
  name: string;
  nameAt: number;
  dimsCountAt: number;
  dimsAt: number;
  typeAt: number;
  offsetAt: number;
  offset: bigint;
}

export interface GgufLayout {
  entries: EntryLayout[];
  tensors: TensorLayout[];
  /** One past the last tensor info. */
  infosEnd: number;
  dataStart: number;
}

const FIXED_SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;

export function ggufLayout(file: Buffer): GgufLayout {
  let pos = 24;
  const string = () => {
    const length = Number(file.readBigUInt64LE(pos));
    const text = file.toString('utf8', pos + 8, pos + 8 + length);
    pos += 8 + length;
    return text;
  };
  const skipValue = (type: number) => {
    if (type === STRING) string();
    else pos += FIXED_SIZES[type] ?? NaN;
  };
  const entries: EntryLayout[] = [];
  for (let i = 0; i < Number(file.readBigUInt64LE(16)); i++) {
    const key = string();
    const typeAt = pos;
    const type = file.readUInt32LE(pos);
    pos += 4;
    const entry: EntryLayout = { key, typeAt, valueAt: pos, end: 0 };
    if (type === ARRAY) {
      const elementType = file.readUInt32LE(pos);
      entry.countAt = pos + 4;
      entry.count = Number(file.readBigUInt64LE(pos + 4));
      pos += 12;
      for (let j = 0; j < entry.count; j++) {
        entry.lastAt = pos;
        skipValue(elementType);
      }
    } else skipValue(type);
    entry.end = pos;
    entries.push(entry);
  }
  const tensors: TensorLayout[] = [];
  for (let i = 0; i < Number(file.readBigUInt64LE(8)); i++) {
    const nameAt = pos;
    const name = string();
    const dimsCountAt = pos;
    const dims = file.readUInt32LE(pos);
    const typeAt = dimsCountAt + 4 + 8 * dims;
    tensors.push({
      name,
      nameAt,
      dimsCountAt,
      dimsAt: dimsCountAt + 4,
      typeAt,
      offsetAt: typeAt + 4,
      offset: file.readBigUInt64LE(typeAt + 4),
    });
    pos = typeAt + 12;
  }
  const alignmentEntry = entries.find((e) => e.key === 'general.alignment');
  const alignment = alignmentEntry ? file.readUInt32LE(alignmentEntry.valueAt) : 32;
  return { entries, tensors, infosEnd: pos, dataStart: tensors.length > 0 ? Math.ceil(pos / alignment) * alignment : pos };
}

export function entryNamed(layout: Pick<GgufLayout, 'entries'>, key: string): EntryLayout {
  const entry = layout.entries.find((e) => e.key === key);
  if (entry === undefined) throw new Error(`no metadata entry ${key}`);
  return entry;
}

/** A copy of `file` with a little-endian u32 or u64 written at `at`. */
export function withU32(file: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(file);
  copy.writeUInt32LE(value, at);
  return copy;
}

export function withU64(file: Buffer, at: number, value: bigint | number): Buffer {
  const copy = Buffer.from(file);
  copy.writeBigUInt64LE(BigInt(value), at);
  return copy;
}

/**
 * A copy in which each array named in `keys` loses its last value, with nothing else moved: as many characters as
 * were removed are added to the `general.name` string, so every offset after the edits still holds.
 */
export function withLastValuesRemoved(file: Buffer, keys: readonly string[]): Buffer {
  const layout = ggufLayout(file);
  const name = entryNamed(layout, 'general.name');
  const copy = Buffer.from(file);
  const cuts = keys.map((key) => {
    const entry = entryNamed(layout, key);
    if (entry.countAt === undefined || entry.count === undefined || entry.lastAt === undefined) throw new Error(`${key} is not an array`);
    copy.writeBigUInt64LE(BigInt(entry.count - 1), entry.countAt);
    return { at: entry.lastAt, remove: entry.end - entry.lastAt, insert: Buffer.alloc(0) };
  });
  const removed = cuts.reduce((sum, cut) => sum + cut.remove, 0);
  copy.writeBigUInt64LE(copy.readBigUInt64LE(name.valueAt) + BigInt(removed), name.valueAt);
  cuts.push({ at: name.end, remove: 0, insert: Buffer.from('x'.repeat(removed)) });
  // Splice the later edits first, so the earlier offsets still hold.
  return cuts.sort((a, b) => b.at - a.at)
    .reduce((bytes, cut) => Buffer.concat([bytes.subarray(0, cut.at), cut.insert, bytes.subarray(cut.at + cut.remove)]), copy);
}

/** A copy whose vocabulary's scores array is one shorter than its tokens, with nothing else moved. */
export function withShortScores(file: Buffer): Buffer {
  return withLastValuesRemoved(file, ['tokenizer.ggml.scores']);
}
