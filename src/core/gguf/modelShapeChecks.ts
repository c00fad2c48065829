// Checks a model's shape facts (block count, head counts, context length, vocabulary) against each other and against
// its tensors, before llama.cpp or node-llama-cpp's memory estimate uses them. Found by feeding the engine broken
// files: a block count of four billion made the estimate walk every layer for minutes (llama.cpp then aborts on any
// count above 512), a head count of 0 aborted llama.cpp, and a head count that does not divide the embedding
// length gave only "Failed to load model". The rules are llama.cpp's (src/llama-model.cpp as node-llama-cpp 3.21.1
// ships it), kept as loose as the architectures it loads need: recurrent models declare 0 heads, hybrid models list
// 0 heads for their attention-free blocks, and some models hold only part of their multi-token-prediction blocks.
import { shapeProblems as problems } from './ggufProblems';

/** llama.cpp's LLAMA_MAX_LAYERS: it aborts on a larger block count. */
export const MAX_BLOCKS = 512;

export interface TensorShape {
  name: string;
  /** GGUF order: dims[0] is the row length. */
  dims: readonly bigint[];
}

export interface ModelHeaderFacts {
  /** general.architecture, when it is a string: every key checked here is named after it. */
  architecture: string | undefined;
  /** Integer metadata values, and integer arrays of at most MAX_BLOCKS values. */
  integers: ReadonlyMap<string, number | readonly number[]>;
  /** Every array's length. */
  arrayLengths: ReadonlyMap<string, number>;
  tensors: readonly TensorShape[];
}

/** Architectures whose llama.cpp loader sizes token_embd or output by something else than the vocabulary. */
const OWN_OUTPUT_WIDTH = new Set(['eagle3', 'dflash', 'qwen3tts', 'wavtokenizer-dec']);
/** What llama.cpp names a block's tensors: blk.N.*, and enc.blk.N.* / dec.blk.N.* in encoder-decoder models. */
const BLOCK_TENSOR = /^(enc\.|dec\.)?blk\.(\d+)\.(.+)$/;
const ATTENTION_WEIGHT = /^attn_(q|k|v|qkv)\.weight$/;
/** A real architecture name; a stranger one is refused by llama.cpp by name, and must not go into a message. */
const ARCHITECTURE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

interface Blocks {
  /** Block numbers that have tensors. */
  present: Set<number>;
  /** The numbers of plain blk.N blocks (not an encoder's or decoder's). */
  plain: Set<number>;
  /** Each block's first attention weight (q, k, v, or a fused qkv), by block number. */
  attention: Map<number, string>;
}

/** A sentence for the first fact that contradicts another, or undefined. */
export function modelShapeProblem(facts: ModelHeaderFacts): string | undefined {
  const arch = facts.architecture;
  if (arch === undefined || !ARCHITECTURE_NAME.test(arch)) return undefined;
  const model = new ShapeFacts(facts, arch);
  const blocks = blocksOf(facts.tensors);
  return contextProblem(model) ?? blockProblem(model, blocks) ?? headProblem(model, blocks) ?? vocabProblem(model, facts);
}

/** The header's integer facts under the architecture's keys, and how a message quotes them. */
class ShapeFacts {
  constructor(private readonly facts: ModelHeaderFacts, readonly arch: string) {}

  key(name: string): string {
    return `${this.arch}.${name}`;
  }

  /** An integer, or undefined when it is absent or not an integer (llama.cpp refuses a wrong type itself). */
  scalar(name: string): number | undefined {
    const value = this.facts.integers.get(this.key(name));
    return typeof value === 'number' ? value : undefined;
  }

  /** A scalar, or an array of integers with one value per block. */
  perBlock(name: string): number | readonly number[] | undefined {
    return this.facts.integers.get(this.key(name));
  }

  arrayLength(name: string): number | undefined {
    return this.facts.arrayLengths.get(this.key(name));
  }

  /** "its llama.block_count is 3", or for one block of a per-block array, "... is 0 for block 2". */
  fact(name: string, value: number, block?: number): string {
    return `its ${this.key(name)} is ${value}${block === undefined ? '' : ` for block ${block}`}`;
  }
}

function blocksOf(tensors: readonly TensorShape[]): Blocks {
  const blocks: Blocks = { present: new Set(), plain: new Set(), attention: new Map() };
  for (const { name } of tensors) {
    const match = BLOCK_TENSOR.exec(name);
    if (!match) continue;
    const block = Number(match[2]);
    blocks.present.add(block);
    if (match[1] === undefined) blocks.plain.add(block);
    if (ATTENTION_WEIGHT.test(match[3] ?? '') && !blocks.attention.has(block)) blocks.attention.set(block, name);
  }
  return blocks;
}

function contextProblem(model: ShapeFacts): string | undefined {
  const context = model.scalar('context_length');
  return context !== undefined && context < 1 ? problems.noContext(model.fact('context_length', context)) : undefined;
}

/** llama.cpp builds exactly block_count blocks from blk.0 on, and refuses a file with tensors it does not use. */
function blockProblem(model: ShapeFacts, blocks: Blocks): string | undefined {
  const count = model.scalar('block_count');
  if (count === undefined) return undefined;
  const fact = model.fact('block_count', count);
  if (count < 1) return problems.noBlocks(fact);
  const extra = firstAtOrAbove(blocks.plain, count);
  if (extra !== undefined) return problems.extraBlock(fact, extra);
  // A model with multi-token-prediction blocks may hold only its trunk, or only those blocks.
  if ((model.scalar('nextn_predict_layers') ?? 0) === 0) {
    // The first missing block is at most the number present, so this stops early whatever the count claims.
    for (let block = 0; block < count; block++) if (!blocks.present.has(block)) return problems.missingBlock(fact, block);
  }
  if (count > MAX_BLOCKS) return problems.tooManyBlocks(fact, MAX_BLOCKS);
  return undefined;
}

/**
 * Per block, as llama.cpp reads them: head_count (a scalar, or one value per block), head_count_kv (head_count
 * when absent). A block with attention weights needs heads, and its key/value heads must divide its heads. Unless
 * the header gives the head size (key_length and value_length), it is the embedding length over the head count.
 */
function headProblem(model: ShapeFacts, blocks: Blocks): string | undefined {
  const count = model.scalar('block_count');
  const lengthProblem =
    perBlockLengthProblem(model, 'attention.head_count', count) ?? perBlockLengthProblem(model, 'attention.head_count_kv', count);
  if (lengthProblem !== undefined) return lengthProblem;
  const heads = model.perBlock('attention.head_count');
  if (heads === undefined) return undefined;
  const kv = model.perBlock('attention.head_count_kv') ?? heads;
  const headSizeGiven = model.scalar('attention.key_length') !== undefined && model.scalar('attention.value_length') !== undefined;
  const embedding = headSizeGiven ? undefined : model.scalar('embedding_length');
  const perBlock = Array.isArray(heads) || Array.isArray(kv);
  const layers = count ?? Math.max(1, valueCount(heads), valueCount(kv));
  for (let block = 0; block < layers; block++) {
    const at = { block: perBlock ? block : undefined, heads: valueAt(heads, block), kv: valueAt(kv, block) };
    const problem = blockHeadProblem(model, at, blocks.attention.get(block), embedding);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function blockHeadProblem(
  model: ShapeFacts,
  at: { block: number | undefined; heads: number; kv: number },
  attentionWeight: string | undefined,
  embedding: number | undefined,
): string | undefined {
  const heads = model.fact('attention.head_count', at.heads, at.block);
  const kv = model.fact('attention.head_count_kv', at.kv, at.block);
  if (attentionWeight !== undefined && at.heads < 1) return problems.noHeads(heads, attentionWeight);
  if (at.heads > 0 && embedding !== undefined && embedding % at.heads !== 0) {
    return problems.headsDontDivide(heads, `its ${model.key('embedding_length')} (${embedding})`);
  }
  if (attentionWeight !== undefined && at.kv < 1) return problems.noKvHeads(kv, attentionWeight);
  if (at.heads > 0 && at.kv > 0 && at.heads % at.kv !== 0) {
    const ofBlock = at.block === undefined ? '' : ` for block ${at.block}`;
    return problems.kvDontDivide(kv, `its ${model.key('attention.head_count')} (${at.heads}${ofBlock})`);
  }
  return undefined;
}

/** llama.cpp refuses a per-block array whose length is not the block count. */
function perBlockLengthProblem(model: ShapeFacts, name: string, count: number | undefined): string | undefined {
  const length = model.arrayLength(name);
  if (length === undefined || count === undefined || length === count) return undefined;
  return problems.perBlockLength(model.key(name), length, model.fact('block_count', count));
}

/** The smallest of `blocks` at or above `count`. */
function firstAtOrAbove(blocks: ReadonlySet<number>, count: number): number | undefined {
  let first: number | undefined;
  for (const block of blocks) if (block >= count && (first === undefined || block < first)) first = block;
  return first;
}

function valueCount(values: number | readonly number[]): number {
  return typeof values === 'number' ? 1 : values.length;
}

function valueAt(values: number | readonly number[], block: number): number {
  return typeof values === 'number' ? values : values[block] ?? 0;
}

/**
 * token_embd and output have one row per token. llama.cpp counts the tokens in tokenizer.ggml.tokens (vocab_size
 * where a model has no tokenizer); node-llama-cpp's memory estimate reads vocab_size first. Each must agree.
 */
function vocabProblem(model: ShapeFacts, facts: ModelHeaderFacts): string | undefined {
  if (OWN_OUTPUT_WIDTH.has(model.arch)) return undefined;
  const sizes: [string, number | undefined][] = [
    ['tokenizer.ggml.tokens', facts.arrayLengths.get('tokenizer.ggml.tokens')],
    [model.key('vocab_size'), model.scalar('vocab_size')],
  ];
  for (const [key, size] of sizes) {
    if (size === undefined) continue;
    const fact = key === 'tokenizer.ggml.tokens' ? `its ${key} lists ${size} tokens` : `its ${key} is ${size}`;
    for (const tensor of facts.tensors) {
      const rows = tensor.dims[1];
      if ((tensor.name === 'token_embd.weight' || tensor.name === 'output.weight') && rows !== undefined && rows !== BigInt(size)) {
        return problems.vocabMismatch(fact, tensor.name, rows);
      }
    }
  }
  return undefined;
}
