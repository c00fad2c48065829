// Splits a GGUF file into two parts the way llama.cpp's gguf-split lays them out: part 1 keeps all the metadata and
// the tensors before `at`, part 2 has only the split keys and the rest; both say `split.no`, `split.count` (u16) and
// `split.tensors.count` (i32). Byte surgery from ggufLayout, sharing no code with src/core/gguf.
import { ggufLayout } from './ggufLayout';

const U16 = 2;
const I32 = 5;
const ALIGNMENT = 32;

function u64(value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(value));
  return b;
}

function entry(key: string, type: typeof U16 | typeof I32, value: number): Buffer {
  const v = Buffer.alloc(type === U16 ? 2 : 4);
  if (type === U16) v.writeUInt16LE(value);
  else v.writeInt32LE(value);
  const t = Buffer.alloc(4);
  t.writeUInt32LE(type);
  return Buffer.concat([u64(Buffer.byteLength(key)), Buffer.from(key), t, v]);
}

function splitEntries(no: number, tensorCount: number): Buffer {
  return Buffer.concat([entry('split.no', U16, no), entry('split.count', U16, 2), entry('split.tensors.count', I32, tensorCount)]);
}

function padded(header: Buffer): Buffer {
  return Buffer.concat([header, Buffer.alloc((ALIGNMENT - (header.length % ALIGNMENT)) % ALIGNMENT)]);
}

/** `[part 1, part 2]`; part 2 starts with tensor `at` (1 <= at < tensor count). The file must use 32-byte alignment. */
export function splitGguf(file: Buffer, at: number): [Buffer, Buffer] {
  const layout = ggufLayout(file);
  const { tensors, entries } = layout;
  const first = tensors[at];
  if (at < 1 || first === undefined) throw new Error(`cannot split ${tensors.length} tensors at ${at}`);
  const alignment = entries.find((e) => e.key === 'general.alignment');
  if (alignment && file.readUInt32LE(alignment.valueAt) !== ALIGNMENT) throw new Error('splitGguf handles 32-byte alignment only');
  const metadataEnd = entries[entries.length - 1]?.end ?? 24;
  // Tensor infos before `at` keep their offsets: the data section starts as it did.
  const head1 = Buffer.concat([
    file.subarray(0, 8), u64(at), u64(entries.length + 3), file.subarray(24, metadataEnd), splitEntries(0, tensors.length),
    file.subarray(tensors[0]?.nameAt ?? 0, first.nameAt),
  ]);
  const part1 = Buffer.concat([padded(head1), file.subarray(layout.dataStart, layout.dataStart + Number(first.offset))]);
  // Part 2's tensor infos are part 1's, with offsets counted from its own data section.
  const infos = tensors.slice(at).map((tensor) => {
    const info = Buffer.from(file.subarray(tensor.nameAt, tensor.offsetAt + 8));
    info.writeBigUInt64LE(tensor.offset - first.offset, tensor.offsetAt - tensor.nameAt);
    return info;
  });
  const head2 = Buffer.concat([file.subarray(0, 8), u64(tensors.length - at), u64(3), splitEntries(1, tensors.length), ...infos]);
  const part2 = Buffer.concat([padded(head2), file.subarray(layout.dataStart + Number(first.offset))]);
  return [part1, part2];
}
