// Random-weight Q4_0 models at the shapes of real Llama-family models, for benchmarks: decoding speed depends on
// the shapes and the quantization type, not on the values. The vocabulary is the real Llama-2 one, read from a
// vocab-only GGUF fixture, so prompts tokenize like they would with the real model.
import {
  GgmlType,
  GgufWriter,
  Q4_0_BLOCK_BYTES,
  Q4_0_BLOCK_VALUES,
  TensorDataProducer,
  constantFloat32Data,
  float32ToFloat16Bits,
} from '../gguf/GgufWriter';
import { writeFimTokenIds, writeLlamaHyperparameters, writeSpmTokenizer } from './ggufParts';

export interface ShapeModelSpec {
  name: string;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  nFf: number;
  contextLength: number;
  ropeFreqBase: number;
  rmsEps: number;
  /** Append CodeLlama's 16 extra tokens (32016 in all), with <PRE> <SUF> <MID> <EOT> at 32007..32010. */
  codeLlamaFim: boolean;
}

const TINYLLAMA: ShapeModelSpec = {
  name: 'tinyllama-1.1b',
  nEmbd: 2048,
  nLayer: 22,
  nHead: 32,
  nHeadKv: 4,
  nFf: 5632,
  contextLength: 2048,
  ropeFreqBase: 10000,
  rmsEps: 1e-5,
  codeLlamaFim: false,
};

export const SHAPE_MODELS = {
  'tinyllama-1.1b': TINYLLAMA,
  // TinyLlama's shape with CodeLlama's vocabulary (Llama-2's plus the FIM tokens): the completion benchmark's model.
  'tinyllama-1.1b-fim': { ...TINYLLAMA, name: 'tinyllama-1.1b-fim', codeLlamaFim: true },
  'llama2-7b': {
    name: 'llama2-7b',
    nEmbd: 4096,
    nLayer: 32,
    nHead: 32,
    nHeadKv: 32,
    nFf: 11008,
    contextLength: 4096,
    ropeFreqBase: 10000,
    rmsEps: 1e-5,
    codeLlamaFim: false,
  },
  'codellama-7b': {
    name: 'codellama-7b',
    nEmbd: 4096,
    nLayer: 32,
    nHead: 32,
    nHeadKv: 32,
    nFf: 11008,
    contextLength: 16384,
    ropeFreqBase: 1e6,
    rmsEps: 1e-5,
    codeLlamaFim: true,
  },
} as const satisfies Record<string, ShapeModelSpec>;
export type ShapeModelName = keyof typeof SHAPE_MODELS;
export const SHAPE_MODEL_NAMES = Object.keys(SHAPE_MODELS) as ShapeModelName[];

/** Bumped whenever a shape model's bytes would change, so generateModels rewrites existing files. */
export const SHAPE_GENERATOR_VERSION = 1;

/** Every weight is (nibble - 8) * this; nibbles are uniform, so weights have std ≈ 4.6 * scale (≈ 0.018). */
const Q4_0_SCALE = 0.004;

export interface SpmVocab {
  tokens: string[];
  scores: number[];
  tokenTypes: number[];
  bos: number;
  eos: number;
  unk: number;
  addBos: boolean;
  addEos: boolean;
}

/** Reads a SentencePiece vocabulary from a (vocab-only) GGUF with node-llama-cpp's parser. */
export async function readSpmVocab(path: string): Promise<SpmVocab> {
  const { readGgufFileInfo } = await import('node-llama-cpp');
  const info = await readGgufFileInfo(path, { readTensorInfo: false, logWarnings: false });
  const ggml = info.metadata.tokenizer?.ggml;
  if (ggml === undefined || ggml.model !== 'llama') throw new Error(`${path} has no SentencePiece ("llama") vocabulary`);
  const tokens = [...ggml.tokens];
  const scores = [...(ggml.scores ?? [])].map(Number);
  const tokenTypes = [...ggml.token_type].map(Number);
  if (scores.length !== tokens.length || tokenTypes.length !== tokens.length) {
    throw new Error(`${path}: vocabulary arrays differ in length`);
  }
  return {
    tokens,
    scores,
    tokenTypes,
    bos: ggml.bos_token_id ?? 1,
    eos: ggml.eos_token_id ?? 2,
    unk: ggml.unknown_token_id ?? 0,
    addBos: ggml.add_bos_token ?? true,
    addEos: ggml.add_eos_token ?? false,
  };
}

const CODELLAMA_FIM = { pre: 32007, suf: 32008, mid: 32009, eot: 32010 } as const;

/**
 * CodeLlama's vocabulary: Llama-2's plus 16 tokens, of which four are the FIM control tokens, at CodeLlama's ids.
 * (CodeLlama spells them "▁<PRE>" etc.; the plain names are used because llama.cpp recognises "<EOT>", not
 * "▁<EOT>", as end-of-generation and would warn about the declared eot_token_id otherwise.)
 */
function withCodeLlamaTokens(vocab: SpmVocab): SpmVocab {
  const fimTexts = new Map<number, string>([
    [CODELLAMA_FIM.pre, '<PRE>'],
    [CODELLAMA_FIM.suf, '<SUF>'],
    [CODELLAMA_FIM.mid, '<MID>'],
    [CODELLAMA_FIM.eot, '<EOT>'],
  ]);
  const out = { ...vocab, tokens: [...vocab.tokens], scores: [...vocab.scores], tokenTypes: [...vocab.tokenTypes] };
  for (let id = vocab.tokens.length; id < 32016; id++) {
    const fim = fimTexts.get(id);
    out.tokens.push(fim ?? `[PAD${id}]`);
    out.scores.push(0);
    out.tokenTypes.push(fim !== undefined ? 3 /* control */ : 5 /* unused */);
  }
  return out;
}

/** FNV-1a, to give every tensor its own deterministic seed whatever order tensors are written in. */
function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0 || 1;
}

/** Q4_0 blocks with a fixed f16 scale and xorshift128 nibbles, produced in ~4.7 MB chunks. */
function randomQ4_0Data(valueCount: number, seed: number): TensorDataProducer {
  const blocks = valueCount / Q4_0_BLOCK_VALUES;
  const scaleBits = float32ToFloat16Bits(Q4_0_SCALE);
  return function* () {
    let x = seed | 0, y = 362436069, z = 521288629, w = 88675123;
    const chunkBlocks = Math.min(blocks, 1 << 18);
    const buf = new Uint8Array(chunkBlocks * Q4_0_BLOCK_BYTES);
    for (let b = 0; b < chunkBlocks; b++) {
      buf[b * Q4_0_BLOCK_BYTES] = scaleBits & 0xff;
      buf[b * Q4_0_BLOCK_BYTES + 1] = scaleBits >>> 8;
    }
    for (let done = 0; done < blocks; done += chunkBlocks) {
      const n = Math.min(chunkBlocks, blocks - done);
      for (let b = 0; b < n; b++) {
        let o = b * Q4_0_BLOCK_BYTES + 2;
        for (let k = 0; k < 4; k++) {
          const t = x ^ (x << 11);
          x = y; y = z; z = w;
          w = w ^ (w >>> 19) ^ t ^ (t >>> 8);
          buf[o] = w; buf[o + 1] = w >>> 8; buf[o + 2] = w >>> 16; buf[o + 3] = w >>> 24;
          o += 4;
        }
      }
      yield buf.subarray(0, n * Q4_0_BLOCK_BYTES);
    }
  };
}

export function buildShapeGguf(spec: ShapeModelSpec, baseVocab: SpmVocab): GgufWriter {
  const vocab = spec.codeLlamaFim ? withCodeLlamaTokens(baseVocab) : baseVocab;
  const nVocab = vocab.tokens.length;
  const headDim = spec.nEmbd / spec.nHead;
  const nEmbdKv = headDim * spec.nHeadKv;

  const w = new GgufWriter(32);
  w.setString('general.architecture', 'llama');
  w.setString('general.name', `Llama Lens random-weight ${spec.name} shape (benchmarks only, not a language model)`);
  w.setUint32('general.file_type', 2); // mostly Q4_0
  writeLlamaHyperparameters(w, spec, nVocab);

  writeSpmTokenizer(w, vocab);
  if (spec.codeLlamaFim) writeFimTokenIds(w, CODELLAMA_FIM);

  const q4 = (name: string, shape: [number, number]) =>
    w.addTensor(name, shape, GgmlType.Q4_0, randomQ4_0Data(shape[0] * shape[1], hashSeed(`${spec.name}/${name}`)));
  const norm = (name: string) => w.addTensor(name, [spec.nEmbd], GgmlType.F32, constantFloat32Data(spec.nEmbd, 1));

  q4('token_embd.weight', [spec.nEmbd, nVocab]);
  for (let layer = 0; layer < spec.nLayer; layer++) {
    const p = `blk.${layer}.`;
    norm(`${p}attn_norm.weight`);
    q4(`${p}attn_q.weight`, [spec.nEmbd, spec.nEmbd]);
    q4(`${p}attn_k.weight`, [spec.nEmbd, nEmbdKv]);
    q4(`${p}attn_v.weight`, [spec.nEmbd, nEmbdKv]);
    q4(`${p}attn_output.weight`, [spec.nEmbd, spec.nEmbd]);
    norm(`${p}ffn_norm.weight`);
    q4(`${p}ffn_gate.weight`, [spec.nEmbd, spec.nFf]);
    q4(`${p}ffn_up.weight`, [spec.nEmbd, spec.nFf]);
    q4(`${p}ffn_down.weight`, [spec.nFf, spec.nEmbd]);
  }
  norm('output_norm.weight');
  q4('output.weight', [spec.nEmbd, nVocab]);
  return w;
}
