// The text each token contributes after other text: what the Lens shows for a candidate, and
// what the heatmap adds up into character offsets.
import type { LlamaModel, Token } from 'node-llama-cpp';
import { ContinuationDecoder } from './continuationText';
import { byteFallbackNameByte, byteLevelNameBytes, isWholeUtf8 } from '../../core/text/tokenBytes';
import type { TokenProbability } from '../../protocol/engineProtocol';

const cache = new WeakMap<LlamaModel, string[]>();
const shownCache = new WeakMap<LlamaModel, ShownPiece[]>();

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
 * Pieces as the Lens shows them. A control token is marked special. A piece that is not whole UTF-8 on its own (it
 * decodes to "�") carries its bytes, read from its vocabulary name: "<0xE2>" in a SentencePiece vocabulary, GPT-2's
 * byte alphabet in a byte-level BPE one; its text is then that name, so the 128 such tokens can still be told apart.
 */
export function lensPieces(model: LlamaModel): readonly ShownPiece[] {
  const cached = shownCache.get(model);
  if (cached) return cached;
  const metadata = model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: unknown; model?: unknown } } };
  const vocabulary = metadata.tokenizer?.ggml?.tokens;
  const names = Array.isArray(vocabulary) ? vocabulary : [];
  const byteLevel = metadata.tokenizer?.ggml?.model === 'gpt2';
  const pieces = tokenPieces(model).map((text, token): ShownPiece => {
    if (model.isSpecialToken(token as Token)) return { text, special: true };
    const name: unknown = names[token];
    if (!text.includes('\uFFFD') || typeof name !== 'string') return { text };
    const fallback = model.getTokenAttributes(token as Token).byte ? byteFallbackNameByte(name) : undefined;
    const bytes = fallback !== undefined ? [fallback] : byteLevel ? byteLevelNameBytes(name) : undefined;
    return bytes !== undefined && !isWholeUtf8(bytes) ? { text: name, bytes } : { text };
  });
  shownCache.set(model, pieces);
  return pieces;
}

/** A piece's text, and where the text cannot show it, its bytes or its being a control token. */
export type ShownPiece = Pick<TokenProbability, 'text' | 'bytes' | 'special'>;

/** A token's row for the Lens: its id, probability and piece. */
export function shownToken(pieces: readonly ShownPiece[], id: number, probability: number): TokenProbability {
  return { id, probability, ...(pieces[id] ?? { text: '' }) };
}
