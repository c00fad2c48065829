// The ggml tensor types a GGUF file may name, with their storage: a block of `blockValues` values takes `blockBytes`
// bytes. The numbers are the file format's (ggml.h's enum) and the sizes are those of ggml's block layouts
// (ggml-common.h) as of the llama.cpp that node-llama-cpp 3.21 ships. Retired ids (4, 5, 31-33, 36-38) are absent:
// llama.cpp refuses them, so a file naming one is treated as unknown.

export interface GgmlTypeInfo {
  name: string;
  blockValues: number;
  blockBytes: number;
}

/** The K-quants' and most IQ types' super-block. */
const QK_K = 256;

const TYPES: Readonly<Record<number, GgmlTypeInfo>> = {
  0: { name: 'F32', blockValues: 1, blockBytes: 4 },
  1: { name: 'F16', blockValues: 1, blockBytes: 2 },
  2: { name: 'Q4_0', blockValues: 32, blockBytes: 18 },
  3: { name: 'Q4_1', blockValues: 32, blockBytes: 20 },
  6: { name: 'Q5_0', blockValues: 32, blockBytes: 22 },
  7: { name: 'Q5_1', blockValues: 32, blockBytes: 24 },
  8: { name: 'Q8_0', blockValues: 32, blockBytes: 34 },
  9: { name: 'Q8_1', blockValues: 32, blockBytes: 36 },
  10: { name: 'Q2_K', blockValues: QK_K, blockBytes: 84 },
  11: { name: 'Q3_K', blockValues: QK_K, blockBytes: 110 },
  12: { name: 'Q4_K', blockValues: QK_K, blockBytes: 144 },
  13: { name: 'Q5_K', blockValues: QK_K, blockBytes: 176 },
  14: { name: 'Q6_K', blockValues: QK_K, blockBytes: 210 },
  15: { name: 'Q8_K', blockValues: QK_K, blockBytes: 292 },
  16: { name: 'IQ2_XXS', blockValues: QK_K, blockBytes: 66 },
  17: { name: 'IQ2_XS', blockValues: QK_K, blockBytes: 74 },
  18: { name: 'IQ3_XXS', blockValues: QK_K, blockBytes: 98 },
  19: { name: 'IQ1_S', blockValues: QK_K, blockBytes: 50 },
  20: { name: 'IQ4_NL', blockValues: 32, blockBytes: 18 },
  21: { name: 'IQ3_S', blockValues: QK_K, blockBytes: 110 },
  22: { name: 'IQ2_S', blockValues: QK_K, blockBytes: 82 },
  23: { name: 'IQ4_XS', blockValues: QK_K, blockBytes: 136 },
  24: { name: 'I8', blockValues: 1, blockBytes: 1 },
  25: { name: 'I16', blockValues: 1, blockBytes: 2 },
  26: { name: 'I32', blockValues: 1, blockBytes: 4 },
  27: { name: 'I64', blockValues: 1, blockBytes: 8 },
  28: { name: 'F64', blockValues: 1, blockBytes: 8 },
  29: { name: 'IQ1_M', blockValues: QK_K, blockBytes: 56 },
  30: { name: 'BF16', blockValues: 1, blockBytes: 2 },
  34: { name: 'TQ1_0', blockValues: QK_K, blockBytes: 54 },
  35: { name: 'TQ2_0', blockValues: QK_K, blockBytes: 66 },
  39: { name: 'MXFP4', blockValues: 32, blockBytes: 17 },
  40: { name: 'NVFP4', blockValues: 64, blockBytes: 36 },
  41: { name: 'Q1_0', blockValues: 128, blockBytes: 18 },
  42: { name: 'Q2_0', blockValues: 64, blockBytes: 18 },
};

export function ggmlTypeInfo(type: number): GgmlTypeInfo | undefined {
  return Object.prototype.hasOwnProperty.call(TYPES, type) ? TYPES[type] : undefined;
}

/** GGUF metadata value types (the numbers are the file format's) and the bytes a fixed-size one takes. */
export const GGUF_STRING = 8;
export const GGUF_ARRAY = 9;
export const GGUF_UINT16 = 2;
export const GGUF_UINT32 = 4;
/** u8, i8, u16, i16, u32, i32, u64, i64. */
const INTEGER_VALUE_TYPES = [0, 1, 2, 3, 4, 5, 10, 11] as const;
export type IntegerValueType = (typeof INTEGER_VALUE_TYPES)[number];
const FIXED_VALUE_BYTES: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** Bytes one value of a fixed-size type takes; undefined for strings, arrays and unknown types. */
export function fixedValueBytes(type: number): number | undefined {
  return Object.prototype.hasOwnProperty.call(FIXED_VALUE_BYTES, type) ? FIXED_VALUE_BYTES[type] : undefined;
}

/** Whether values of `type` are integers (the kinds llama.cpp reads counts and sizes from). */
export function isIntegerType(type: number): type is IntegerValueType {
  return (INTEGER_VALUE_TYPES as readonly number[]).includes(type);
}
