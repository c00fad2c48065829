// Parts that more than one generated model writes the same way.
import { GgmlType, type GgufWriter, constantFloat32Data } from '../gguf/GgufWriter';
import type { SpmVocab } from './shapeModels';

/** A SentencePiece ("llama") vocabulary with its special ids, as llama.cpp reads it. */
export function writeSpmTokenizer(w: GgufWriter, vocab: SpmVocab): void {
  w.setString('tokenizer.ggml.model', 'llama');
  w.setString('tokenizer.ggml.pre', 'default');
  w.setStringArray('tokenizer.ggml.tokens', vocab.tokens);
  w.setFloat32Array('tokenizer.ggml.scores', vocab.scores);
  w.setInt32Array('tokenizer.ggml.token_type', vocab.tokenTypes);
  w.setUint32('tokenizer.ggml.bos_token_id', vocab.bos);
  w.setUint32('tokenizer.ggml.eos_token_id', vocab.eos);
  w.setUint32('tokenizer.ggml.unknown_token_id', vocab.unk);
  w.setBool('tokenizer.ggml.add_bos_token', vocab.addBos);
  w.setBool('tokenizer.ggml.add_eos_token', vocab.addEos);
}

/** CodeLlama's infilling ids: the keys llama.cpp reads today; its <EOT> is the end-of-turn token. */
export function writeFimTokenIds(w: GgufWriter, fim: { pre: number; suf: number; mid: number; eot: number }): void {
  w.setUint32('tokenizer.ggml.fim_pre_token_id', fim.pre);
  w.setUint32('tokenizer.ggml.fim_suf_token_id', fim.suf);
  w.setUint32('tokenizer.ggml.fim_mid_token_id', fim.mid);
  w.setUint32('tokenizer.ggml.eot_token_id', fim.eot);
}

/**
 * Block 0 with norm weights of 1 and every attention and FFN weight 0, then output_norm of 1: the residual stream
 * leaves the block as the embedding went in, which is what makes an oracle's distribution a closed form.
 */
export function addIdentityBlock(w: GgufWriter, nEmbd: number, feedForwardLength: number): void {
  const ones = (n: number) => constantFloat32Data(n, 1);
  const zeroMatrix = (name: string, shape: [number, number]) =>
    w.addTensor(name, shape, GgmlType.F32, constantFloat32Data(shape[0] * shape[1], 0));
  w.addTensor('blk.0.attn_norm.weight', [nEmbd], GgmlType.F32, ones(nEmbd));
  zeroMatrix('blk.0.attn_q.weight', [nEmbd, nEmbd]);
  zeroMatrix('blk.0.attn_k.weight', [nEmbd, nEmbd]);
  zeroMatrix('blk.0.attn_v.weight', [nEmbd, nEmbd]);
  zeroMatrix('blk.0.attn_output.weight', [nEmbd, nEmbd]);
  w.addTensor('blk.0.ffn_norm.weight', [nEmbd], GgmlType.F32, ones(nEmbd));
  zeroMatrix('blk.0.ffn_gate.weight', [nEmbd, feedForwardLength]);
  zeroMatrix('blk.0.ffn_up.weight', [nEmbd, feedForwardLength]);
  zeroMatrix('blk.0.ffn_down.weight', [feedForwardLength, nEmbd]);
  w.addTensor('output_norm.weight', [nEmbd], GgmlType.F32, ones(nEmbd));
}

/** A Llama model's shape, as the `llama.*` keys give it. */
export interface LlamaHyperparameters {
  contextLength: number;
  nEmbd: number;
  nLayer: number;
  nFf: number;
  nHead: number;
  nHeadKv: number;
  ropeFreqBase: number;
  rmsEps: number;
}

export function writeLlamaHyperparameters(w: GgufWriter, shape: LlamaHyperparameters, vocabSize: number): void {
  w.setUint32('llama.context_length', shape.contextLength);
  w.setUint32('llama.embedding_length', shape.nEmbd);
  w.setUint32('llama.block_count', shape.nLayer);
  w.setUint32('llama.feed_forward_length', shape.nFf);
  w.setUint32('llama.attention.head_count', shape.nHead);
  w.setUint32('llama.attention.head_count_kv', shape.nHeadKv);
  w.setUint32('llama.rope.dimension_count', shape.nEmbd / shape.nHead);
  w.setFloat32('llama.rope.freq_base', shape.ropeFreqBase);
  w.setFloat32('llama.attention.layer_norm_rms_epsilon', shape.rmsEps);
  w.setUint32('llama.vocab_size', vocabSize);
}
