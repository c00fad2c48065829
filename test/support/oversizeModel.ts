// A GGUF header that declares a model twice this machine's RAM, for the memory-fit refusal and its "Load Anyway".
import { truncateSync } from 'node:fs';
import { totalmem } from 'node:os';
import { GgmlType, GgufWriter, type TensorDataProducer } from '../../scripts/lib/gguf/GgufWriter';

/** Parameters of a Llama block stack as the generators lay it out: embeddings, output, norms, attention, FFN. */
export function llamaParameters(vocab: number, nEmbd: number, nEmbdKv: number, nFf: number, layers: number): number {
  const perLayer = 2 * nEmbd * nEmbd + 2 * nEmbd * nEmbdKv + 3 * nEmbd * nFf + 2 * nEmbd;
  return 2 * vocab * nEmbd + layers * perLayer + nEmbd;
}

/** Thrown by a tensor producer to stop GgufWriter.writeFile once the header is on disk. */
class HeaderWritten extends Error {}
// eslint-disable-next-line require-yield -- a producer that throws when asked for its first tensor's data.
const stopAtData: TensorDataProducer = function* () {
  throw new HeaderWritten();
};

/**
 * A Llama-2-70B-shaped header (GQA 64/8 heads, FFN 28672) in F32 with as many layers as it takes to declare twice
 * this machine's RAM, and no tensor data: writeFile puts the whole header down before it asks for any. Inspection
 * and the refusal read only the header; llama.cpp itself rejects the missing data. Without `output_norm.weight`
 * (`outputNorm: false`) llama.cpp also refuses a complete file, by that missing tensor, before it maps any data.
 */
export function writeOversizeHeader(
  path: string,
  { outputNorm = true } = {},
): { parameters: number; weightBytes: number; fullSize: number } {
  const nEmbd = 8192,
    nFf = 28672,
    nHead = 64,
    nEmbdKv = (nEmbd / nHead) * 8;
  const tokens = ['<unk>', '<s>', '</s>', '\u2581', 'a', 'b', 'c', 'd'];
  const perLayerBytes = (llamaParameters(0, nEmbd, nEmbdKv, nFf, 1) - nEmbd) * 4;
  const layers = Math.max(2, Math.ceil((2 * totalmem()) / perLayerBytes));
  const w = new GgufWriter(32);
  w.setString('general.architecture', 'llama')
    .setString('general.name', 'Llama Lens oversize header (test)')
    .setUint32('general.file_type', 0);
  w.setUint32('llama.context_length', 4096).setUint32('llama.embedding_length', nEmbd).setUint32('llama.block_count', layers);
  w.setUint32('llama.feed_forward_length', nFf)
    .setUint32('llama.attention.head_count', nHead)
    .setUint32('llama.attention.head_count_kv', 8);
  w.setUint32('llama.rope.dimension_count', nEmbd / nHead).setFloat32('llama.attention.layer_norm_rms_epsilon', 1e-5);
  w.setString('tokenizer.ggml.model', 'llama').setStringArray('tokenizer.ggml.tokens', tokens);
  w.setFloat32Array(
    'tokenizer.ggml.scores',
    tokens.map(() => 0),
  ).setInt32Array('tokenizer.ggml.token_type', [2, 3, 3, 1, 1, 1, 1, 1]);
  const f32 = (name: string, shape: number[]) => w.addTensor(name, shape, GgmlType.F32, stopAtData);
  f32('token_embd.weight', [nEmbd, tokens.length]);
  for (let i = 0; i < layers; i++) {
    f32(`blk.${i}.attn_norm.weight`, [nEmbd]);
    f32(`blk.${i}.attn_q.weight`, [nEmbd, nEmbd]);
    f32(`blk.${i}.attn_k.weight`, [nEmbd, nEmbdKv]);
    f32(`blk.${i}.attn_v.weight`, [nEmbd, nEmbdKv]);
    f32(`blk.${i}.attn_output.weight`, [nEmbd, nEmbd]);
    f32(`blk.${i}.ffn_norm.weight`, [nEmbd]);
    for (const name of ['ffn_gate', 'ffn_up']) f32(`blk.${i}.${name}.weight`, [nEmbd, nFf]);
    f32(`blk.${i}.ffn_down.weight`, [nFf, nEmbd]);
  }
  if (outputNorm) f32('output_norm.weight', [nEmbd]);
  f32('output.weight', [nEmbd, tokens.length]);
  try {
    w.writeFile(path);
  } catch (error) {
    if (!(error instanceof HeaderWritten)) throw error;
  }
  const parameters = llamaParameters(tokens.length, nEmbd, nEmbdKv, nFf, layers) - (outputNorm ? 0 : nEmbd);
  return { parameters, weightBytes: parameters * 4, fullSize: w.fileSize() };
}

/**
 * The oversize model as a complete file: the header, extended to its declared size as a sparse file (no disk used),
 * with no `output_norm.weight`, so that a load allowed past the size check fails in llama.cpp at once.
 */
export function writeSparseOversizeModel(path: string): void {
  const { fullSize } = writeOversizeHeader(path, { outputNorm: false });
  truncateSync(path, fullSize);
}
