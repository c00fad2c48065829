// The text each token contributes after other text: what the Lens shows for a candidate, and
// what the heatmap adds up into character offsets.
import type { LlamaModel, Token } from 'node-llama-cpp';

const cache = new WeakMap<LlamaModel, string[]>();

/**
 * Piece texts for the whole vocabulary, made once per model. A token is detokenized after an
 * anchor token, so that SentencePiece's "▁" shows as the space it is mid-text (alone, a leading
 * space would be dropped). Special tokens show their own text, e.g. `<EOT>`.
 */
export function tokenPieces(model: LlamaModel): string[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const anchor = model.tokenize('a', false, 'trimLeadingSpace') as Token[];
  const pieces: string[] = [];
  for (const token of model.iterateAllTokens()) {
    pieces[token] = model.isSpecialToken(token) ? model.detokenize([token], true) : model.detokenize([token], false, anchor);
  }
  cache.set(model, pieces);
  return pieces;
}
