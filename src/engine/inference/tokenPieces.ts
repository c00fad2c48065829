// The text each token contributes after other text: what the Lens shows for a candidate, and
// what the heatmap adds up into character offsets.
import type { LlamaModel, Token } from 'node-llama-cpp';
import { ContinuationDecoder } from './continuationText';

const cache = new WeakMap<LlamaModel, string[]>();
const displayCache = new WeakMap<LlamaModel, string[]>();

/**
 * Piece texts for the whole vocabulary, made once per model. A token is decoded as a continuation,
 * so that SentencePiece's "▁" shows as the space it is mid-text (alone, a leading space would be
 * dropped). Special tokens show their own text, e.g. `<EOT>`.
 */
export function tokenPieces(model: LlamaModel): string[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const decoder = new ContinuationDecoder(model);
  const pieces: string[] = [];
  for (const token of model.iterateAllTokens()) {
    pieces[token] = model.isSpecialToken(token) ? model.detokenize([token], true) : decoder.text([token]);
  }
  cache.set(model, pieces);
  return pieces;
}

/**
 * Piece texts as the Lens shows them: a byte token that is only part of a character (it decodes to
 * "�" alone) shows its vocabulary name, e.g. `<0xE2>`, so that the 128 such tokens can be told apart.
 */
export function displayPieces(model: LlamaModel): string[] {
  const cached = displayCache.get(model);
  if (cached) return cached;
  const vocabulary = (model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: unknown } } }).tokenizer?.ggml?.tokens;
  const names = Array.isArray(vocabulary) ? vocabulary : [];
  const pieces = tokenPieces(model).map((piece, token) => {
    const name: unknown = names[token];
    return piece === '\uFFFD' && typeof name === 'string' && model.getTokenAttributes(token as Token).byte ? name : piece;
  });
  displayCache.set(model, pieces);
  return pieces;
}
