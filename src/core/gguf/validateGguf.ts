// Checks a GGUF header against the file's length before llama.cpp sees the file: a crafted or cut-short header can
// make native code abort (taking the engine process down) or read past the end of the file. Every count, length,
// type and offset is checked, in the order the format lays them out, and the first problem is reported as a
// sentence a user can act on. The checks follow the GGUF format and the limits llama.cpp itself enforces; then the
// model's shape facts are checked against each other and its tensors (modelShapeChecks.ts).
import { GgufCursor, HeaderCutOff, HeaderProblem, NeedMoreBytes } from './GgufCursor';
import { ggufProblems as problems, quote } from './ggufProblems';
import { fixedValueBytes, ggmlTypeInfo, GGUF_ARRAY, GGUF_STRING, GGUF_UINT16, GGUF_UINT32, isIntegerType } from './ggmlTypes';
import { MAX_BLOCKS, modelShapeProblem, type TensorShape } from './modelShapeChecks';
import type { SplitHeader } from './splitModel';

/**
 * `needBytes`: the header goes on past the bytes given; call again with the file's first `needBytes` bytes. It is
 * at most the file's length and LONGEST_HEADER_BYTES, and at least twice what was given while those allow.
 */
export type GgufHeaderCheck =
  | { ok: true; dataStart: number; tensorCount: number; split?: SplitHeader }
  | { ok: false; problem: string }
  | { ok: false; needBytes: number };

/** No real header comes near this (a 262k-token vocabulary with its merges makes 16 MB). */
export const LONGEST_HEADER_BYTES = 64 * 1024 ** 2;
/** Far above any real model (a 405B model has about 1,100 tensors and 60 metadata entries). */
export const MAX_TENSORS = 1_000_000;
export const MAX_METADATA_ENTRIES = 1_000_000;
/** The smallest a metadata entry can be: key length, an empty key, a value type, a one-byte value. */
const MIN_ENTRY_BYTES = 8 + 4 + 1;
/** The smallest a tensor info can be: name length, an empty name, one dimension, a type, an offset. */
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;
/** Magic, version, tensor count, metadata count. */
const FIXED_HEADER_BYTES = 4 + 4 + 8 + 8;
const DEFAULT_ALIGNMENT = 32;
/** llama.cpp's GGML_MAX_NAME, counting the terminating zero. */
const MAX_TENSOR_NAME_BYTES = 63;
/** What files from before GGUF start with: "ggml", "ggmf" and "ggjt" written as little-endian numbers. */
const OLD_GGML_MAGICS = ['lmgg', 'fmgg', 'tjgg'];
const VOCAB_ARRAYS = ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type'];
const SPLIT_NO = 'split.no';
const SPLIT_COUNT = 'split.count';

interface Metadata {
  alignment: number;
  arrayLengths: Map<string, number>;
  architecture: string | undefined;
  /** Integer values, and integer arrays short enough to hold one value per block. */
  integers: Map<string, number | number[]>;
}

interface TensorInfo extends TensorShape {
  label: string;
  bytes: bigint;
  offset: bigint;
}

/** `bytes`: the file's first bytes (any number; see `needBytes`). `fileLength`: the whole file's length. */
export function validateGgufHeader(bytes: Uint8Array, fileLength: number): GgufHeaderCheck {
  const cursor = new GgufCursor(bytes, fileLength);
  try {
    return { ok: true, ...walkHeader(cursor) };
  } catch (error) {
    if (error instanceof NeedMoreBytes) return moreBytes(error.bytes, bytes.length, fileLength);
    if (error instanceof HeaderCutOff) return { ok: false, problem: problems.cutOff(fileLength) };
    if (error instanceof HeaderProblem) return { ok: false, problem: error.message };
    throw error;
  }
}

/** At least twice what was given (so a long header takes a few reads, not one per field), within the file. */
function moreBytes(needed: number, given: number, fileLength: number): GgufHeaderCheck {
  if (needed > LONGEST_HEADER_BYTES) return { ok: false, problem: problems.headerTooLong(LONGEST_HEADER_BYTES) };
  return { ok: false, needBytes: Math.min(fileLength, Math.max(needed, Math.min(2 * given, LONGEST_HEADER_BYTES))) };
}

function walkHeader(c: GgufCursor): { dataStart: number; tensorCount: number; split?: SplitHeader } {
  checkMagic(c);
  checkVersion(c.u32());
  const tensorCount = c.u64();
  const entryCount = c.u64();
  checkCounts(tensorCount, entryCount, c.fileLength);
  const metadata = readMetadata(c, entryCount);
  checkVocab(metadata.arrayLengths);
  const tensors = readTensorInfos(c, tensorCount);
  // The data section starts at the next multiple of the alignment (llama.cpp pads only when there are tensors).
  const dataStart = tensorCount > 0 ? Math.ceil(c.pos / metadata.alignment) * metadata.alignment : c.pos;
  checkTensorLayout(tensors, dataStart, metadata.alignment, c.fileLength);
  // A part of a split model holds only some of the tensors: its shape is judged with all parts (splitModel.ts).
  const splitCount = metadata.integers.get(SPLIT_COUNT);
  if (typeof splitCount === 'number' && splitCount > 1) {
    const no = metadata.integers.get(SPLIT_NO);
    return { dataStart, tensorCount, split: { no: typeof no === 'number' ? no : 0, count: splitCount, facts: { ...metadata, tensors } } };
  }
  const shapeProblem = modelShapeProblem({ ...metadata, tensors });
  if (shapeProblem !== undefined) fail(shapeProblem);
  return { dataStart, tensorCount };
}

function fail(problem: string): never {
  throw new HeaderProblem(problem);
}

function checkMagic(c: GgufCursor): void {
  if (c.fileLength === 0) fail(problems.empty());
  // A file shorter than the magic is a cut-off GGUF only if what there is matches.
  const head = c.peekLatin1(Math.min(4, c.fileLength));
  if (head !== 'GGUF'.slice(0, head.length)) fail(OLD_GGML_MAGICS.includes(head) ? problems.oldGgml(head) : problems.notGguf());
  c.skip(4);
}

function checkVersion(version: number): void {
  if (version === 2 || version === 3) return;
  if (version === 1) fail(problems.version1());
  // Version 3 written big-endian reads as 0x03000000: the low half is zero.
  if (version !== 0 && (version & 0xffff) === 0) fail(problems.bigEndian(version));
  fail(problems.badVersion(version));
}

function checkCounts(tensorCount: number, entryCount: number, fileLength: number): void {
  if (tensorCount > MAX_TENSORS) fail(problems.tooMany(tensorCount, 'tensors', MAX_TENSORS));
  if (entryCount > MAX_METADATA_ENTRIES) fail(problems.tooMany(entryCount, 'metadata entries', MAX_METADATA_ENTRIES));
  const need = FIXED_HEADER_BYTES + entryCount * MIN_ENTRY_BYTES + tensorCount * MIN_TENSOR_INFO_BYTES;
  if (need > fileLength) fail(problems.countsDontFit(entryCount, tensorCount, need, fileLength));
}

/**
 * Whether `bytes` more (a string, an array's values) overrun the file. What a header could hold and the file ends
 * inside is a file cut short (read on, and the cursor says so); more than any header holds is a corrupt length.
 */
function overruns(c: GgufCursor, bytes: number): boolean {
  return bytes > c.left && bytes > LONGEST_HEADER_BYTES;
}

function stringLength(c: GgufCursor, where: string): number {
  const length = c.u64();
  if (overruns(c, length)) fail(problems.stringTooLong(where, length, c.left));
  return length;
}

function readMetadata(c: GgufCursor, entryCount: number): Metadata {
  const metadata: Metadata = { alignment: DEFAULT_ALIGNMENT, arrayLengths: new Map(), architecture: undefined, integers: new Map() };
  for (let i = 1; i <= entryCount; i++) {
    const key = c.text(stringLength(c, `the key of metadata entry ${i}`));
    const type = c.u32();
    const where = `metadata entry ${i} (${quote(key)})`;
    if (type === GGUF_ARRAY) readArray(c, key, where, metadata);
    else if (VOCAB_ARRAYS.includes(key)) fail(problems.notAnArray(key));
    else if (key === 'general.alignment') metadata.alignment = readAlignment(c, type);
    // llama.cpp reads these as u16, and aborts on another type in a part after the first.
    else if ((key === SPLIT_NO || key === SPLIT_COUNT) && type !== GGUF_UINT16) fail(problems.splitKeyType(key));
    else if (key === 'general.architecture' && type === GGUF_STRING) metadata.architecture = c.text(stringLength(c, where));
    else if (isIntegerType(type)) metadata.integers.set(key, c.integer(type));
    else skipValue(c, type, where);
  }
  return metadata;
}

function skipValue(c: GgufCursor, type: number, where: string): void {
  if (type === GGUF_STRING) {
    c.skip(stringLength(c, where));
    return;
  }
  const size = fixedValueBytes(type);
  if (size === undefined) fail(problems.unknownValueType(where, type));
  c.skip(size);
}

/**
 * Records an array's length, and its values when it is a short integer array (a per-block value such as head
 * counts has at most MAX_BLOCKS); skips other values, checking each string.
 */
function readArray(c: GgufCursor, key: string, where: string, metadata: Metadata): void {
  const type = c.u32();
  const count = c.u64();
  if (type === GGUF_ARRAY) fail(problems.nestedArray(where));
  const size = type === GGUF_STRING ? 8 : fixedValueBytes(type);
  if (size === undefined) fail(problems.unknownValueType(where, type));
  if (overruns(c, count * size)) fail(problems.arrayTooLong(where, count, c.left));
  metadata.arrayLengths.set(key, count);
  if (isIntegerType(type) && count <= MAX_BLOCKS) {
    metadata.integers.set(key, Array.from({ length: count }, () => c.integer(type)));
  } else if (type !== GGUF_STRING) {
    c.skip(count * size);
  } else {
    for (let j = 1; j <= count; j++) c.skip(stringLength(c, `value ${j} of ${where}`));
  }
}

function readAlignment(c: GgufCursor, type: number): number {
  if (type !== GGUF_UINT32) fail(problems.alignmentType());
  const alignment = c.u32();
  if (alignment === 0 || (alignment & (alignment - 1)) !== 0) fail(problems.alignmentValue(alignment));
  return alignment;
}

/** llama.cpp reads a score and a type for every token; shorter arrays would be read past their end. */
function checkVocab(arrayLengths: ReadonlyMap<string, number>): void {
  const present = VOCAB_ARRAYS.filter((key) => arrayLengths.has(key));
  const lengths = present.map((key) => arrayLengths.get(key));
  if (new Set(lengths).size > 1) fail(problems.vocabDisagrees(present.map((key, i) => `${key} has ${lengths[i]} entries`).join(', ')));
}

function readTensorInfos(c: GgufCursor, tensorCount: number): TensorInfo[] {
  const tensors: TensorInfo[] = [];
  for (let i = 1; i <= tensorCount; i++) {
    const nameBytes = stringLength(c, `the name of tensor ${i}`);
    if (nameBytes > MAX_TENSOR_NAME_BYTES) fail(problems.nameTooLong(i, nameBytes));
    const name = c.text(nameBytes);
    const label = `tensor ${i} (${quote(name)})`;
    const dims = readDims(c, label);
    const bytes = tensorBytes(dims, c.u32(), label);
    tensors.push({ name, dims, label, bytes, offset: c.u64Exact() });
  }
  return tensors;
}

function readDims(c: GgufCursor, label: string): bigint[] {
  const count = c.u32();
  if (count < 1 || count > 4) fail(problems.dimensionCount(label, count));
  const dims: bigint[] = [];
  for (let j = 0; j < count; j++) {
    const dim = c.u64Exact();
    if (dim === 0n) fail(problems.zeroDimension(label));
    dims.push(dim);
  }
  return dims;
}

function tensorBytes(dims: readonly bigint[], type: number, label: string): bigint {
  const info = ggmlTypeInfo(type);
  if (info === undefined) fail(problems.unknownTensorType(label, type));
  const elements = dims.reduce((a, b) => a * b, 1n);
  // ggml counts elements in an int64.
  if (elements >= 2n ** 63n) fail(problems.tooManyElements(label));
  const rowLength = dims[0] ?? 1n;
  if (rowLength % BigInt(info.blockValues) !== 0n) fail(problems.rowNotBlocks(label, rowLength, info.name, info.blockValues));
  return (elements / BigInt(info.blockValues)) * BigInt(info.blockBytes);
}

/**
 * Tensors follow one another in the data section, each at the next aligned offset after the one before (llama.cpp
 * requires exactly that). An offset elsewhere is a corrupt table; a table in order that runs past the end of the
 * file is a file cut short.
 */
function checkTensorLayout(tensors: readonly TensorInfo[], dataStart: number, alignment: number, fileLength: number): void {
  const start = BigInt(dataStart);
  const length = BigInt(fileLength);
  const align = BigInt(alignment);
  let expected = 0n;
  let end = start;
  for (const { label, bytes, offset } of tensors) {
    if (offset % align !== 0n) fail(problems.misaligned(label, offset, alignment));
    if (offset !== expected) {
      if (start + offset + bytes > length) fail(problems.beyondEnd(label, start + offset, fileLength));
      fail(problems.outOfPlace(label, offset, expected));
    }
    end = start + offset + bytes;
    expected = ((offset + bytes + align - 1n) / align) * align;
  }
  if (end > length) fail(problems.incomplete(end, fileLength));
}
