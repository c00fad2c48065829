// The sentences a user reads when a model file's GGUF header is wrong. Each says what is wrong, in the file's
// terms, and what to do; the engine puts the file's path in front ("Cannot load PATH: ...").

const CORRUPT = 'The file is probably incomplete or corrupt: download it again or pick another model file.';
/** For a header whose facts contradict each other or its tensors: the file is whole, but made or changed wrongly. */
const MISMADE = 'The file was converted wrongly or has been damaged: get the model again or pick another model file.';

/** A key or tensor name for a message: quoted, control characters escaped, and cut short if long. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

export const ggufProblems = {
  empty: () =>
    'the file is empty (0 bytes), so it is not a GGUF model file. It was probably cut short: download it again or pick another model file.',
  notGguf: () => 'it is not a GGUF model file (it does not start with "GGUF"). Pick a GGUF model file (.gguf).',
  oldGgml: (magic: string) =>
    `it is a model in the old GGML format (it starts with "${magic}"), which came before GGUF and which llama.cpp no longer reads. ` +
    'Download the model as a GGUF file.',
  version1: () =>
    'it is a GGUF version 1 file, which llama.cpp no longer reads. Download a newer conversion of the model (GGUF version 2 or 3).',
  bigEndian: (version: number) =>
    `its GGUF version reads as ${version}, which is how a big-endian GGUF file looks; llama.cpp here reads little-endian files. ` +
    'Download the little-endian GGUF of the model.',
  badVersion: (version: number) =>
    `its GGUF version is ${version}, but llama.cpp reads only versions 2 and 3. ` +
    'The file is probably corrupt (or made for a newer llama.cpp): download it again or pick another model file.',
  cutOff: (fileLength: number) => `the file ends inside its header (at byte ${fileLength}), so its header cannot be read. ${CORRUPT}`,
  tooMany: (count: number, what: string, limit: number) =>
    `its header declares ${count} ${what}, far more than any model has (at most ${limit} are accepted). ${CORRUPT}`,
  countsDontFit: (kvCount: number, tensorCount: number, need: number, fileLength: number) =>
    `its header declares ${kvCount} metadata entries and ${tensorCount} tensors, which take at least ${need} bytes, ` +
    `but the file ends at byte ${fileLength}. ${CORRUPT}`,
  headerTooLong: (limit: number) => `its header goes on past ${limit / 1024 ** 2} MiB, far longer than any model's. ${CORRUPT}`,
  stringTooLong: (where: string, length: number, left: number) =>
    `${where} claims a string of ${length} bytes, more than the ${left} bytes left in the file. ${CORRUPT}`,
  arrayTooLong: (where: string, count: number, left: number) =>
    `${where} claims an array of ${count} values, more than the ${left} bytes left in the file can hold. ${CORRUPT}`,
  unknownValueType: (where: string, type: number) => `${where} has an unknown value type (${type}). ${CORRUPT}`,
  nestedArray: (where: string) => `${where} is an array of arrays, which llama.cpp does not read. ${CORRUPT}`,
  notAnArray: (key: string) => `its ${key} entry should be an array but is not. ${CORRUPT}`,
  splitKeyType: (key: string) => `its ${key} entry is not a 16-bit unsigned integer, as a part of a split model must have it. ${CORRUPT}`,
  alignmentType: () => `its general.alignment entry is not a 32-bit unsigned integer. ${CORRUPT}`,
  alignmentValue: (alignment: number) => `its general.alignment is ${alignment}, which is not a power of two. ${CORRUPT}`,
  vocabDisagrees: (lengths: string) => `its vocabulary's arrays disagree in length (${lengths}). ${CORRUPT}`,
  nameTooLong: (index: number, length: number) =>
    `the name of tensor ${index} is ${length} bytes long; llama.cpp allows at most 63. ${CORRUPT}`,
  dimensionCount: (tensor: string, count: number) => `${tensor} has ${count} dimensions; a GGUF tensor has 1 to 4. ${CORRUPT}`,
  zeroDimension: (tensor: string) => `${tensor} has a dimension of 0. ${CORRUPT}`,
  tooManyElements: (tensor: string) => `${tensor} declares more elements than a tensor can have. ${CORRUPT}`,
  unknownTensorType: (tensor: string, type: number) =>
    `${tensor} has an unknown ggml type (${type}). The file is corrupt or needs a newer llama.cpp: download it again or pick another model file.`,
  rowNotBlocks: (tensor: string, rowLength: bigint, typeName: string, blockValues: number) =>
    `${tensor} has rows of ${rowLength} values, but ${typeName} stores values in blocks of ${blockValues}. ${CORRUPT}`,
  misaligned: (tensor: string, offset: bigint, alignment: number) =>
    `${tensor} starts at data offset ${offset}, which is not a multiple of the file's alignment (${alignment}). ${CORRUPT}`,
  beyondEnd: (tensor: string, at: bigint, fileLength: number) =>
    `${tensor} points at byte ${at}, beyond the end of the file (${fileLength} bytes). ${CORRUPT}`,
  outOfPlace: (tensor: string, offset: bigint, expected: bigint) =>
    `${tensor} is at data offset ${offset}, but the tensors before it end at ${expected}. ${CORRUPT}`,
  incomplete: (end: bigint, fileLength: number) =>
    `the file is incomplete: its tensor data should run to byte ${end}, but the file ends at byte ${fileLength} ` +
    `(${Math.floor((fileLength / Number(end)) * 100)}% of it is there). It was probably cut short by an interrupted download or copy: ` +
    'download it again or pick another model file.',
};

/**
 * The sentences for a model whose shape facts contradict each other or its tensors (modelShapeChecks.ts). `fact` is
 * the header's own words, such as "its llama.attention.head_count is 0" or "... is 0 for block 3".
 */
export const shapeProblems = {
  noContext: (fact: string) => `${fact}; a model needs a context of at least one token. ${MISMADE}`,
  noBlocks: (fact: string) => `${fact}; a model needs at least one block (layer). ${MISMADE}`,
  missingBlock: (fact: string, block: number) =>
    `${fact}, but it has no tensors for block ${block} (blk.${block}.*), so it holds fewer blocks than it says. ${MISMADE}`,
  extraBlock: (fact: string, block: number) =>
    `${fact}, but it also has tensors for block ${block} (blk.${block}.*), so it holds more blocks than it says. ${MISMADE}`,
  tooManyBlocks: (fact: string, limit: number) =>
    `${fact}; llama.cpp loads models of at most ${limit} blocks (layers). Pick another model file.`,
  perBlockLength: (key: string, length: number, blockFact: string) =>
    `its ${key} lists ${length} values, but ${blockFact}: it needs one value per block. ${MISMADE}`,
  noHeads: (fact: string, tensor: string) =>
    `${fact}, but ${tensor} is an attention weight; a model with attention needs at least one attention head. ${MISMADE}`,
  headsDontDivide: (fact: string, embedding: string) => `${fact}, which does not divide ${embedding} into whole heads. ${MISMADE}`,
  noKvHeads: (fact: string, tensor: string) =>
    `${fact}, but ${tensor} is an attention weight; attention needs at least one key/value head. ${MISMADE}`,
  kvDontDivide: (fact: string, heads: string) =>
    `${fact}, which does not divide ${heads}: each key/value head must serve the same whole number of attention heads. ${MISMADE}`,
  vocabMismatch: (fact: string, tensor: string, rows: bigint) =>
    `${fact}, but ${tensor} has ${rows} rows (one per token); the two must agree. ${MISMADE}`,
};
