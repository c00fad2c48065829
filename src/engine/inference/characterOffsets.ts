// Where each token of a scored text lies in it, in characters.
import type { LlamaModel, Token } from 'node-llama-cpp';
import { CONTEXT_TOKENS, continuationText } from './continuationText';
import { tokenPieces } from './tokenPieces';

/**
 * [start, end) of each token in the text; BOS (index 0 when present) covers nothing. Each token's text is its piece
 * as a continuation, the first one's too: the text was tokenized without an added space, so a leading "▁" is a
 * space the text has. A character that byte tokens spell out (non-ASCII text) decodes only as a whole: each token of
 * such a run gets the character's span.
 */
export function characterOffsets(model: LlamaModel, tokens: Token[], hasBos: boolean): [number, number][] {
  const pieces = tokenPieces(model);
  const offsets: [number, number][] = [];
  let at = 0;
  let runStart = -1;
  tokens.forEach((token, index) => {
    if (hasBos && index === 0) {
      offsets.push([0, 0]);
      return;
    }
    const piece = pieces[token] ?? '';
    if (runStart === -1 && !(piece === '\uFFFD' && model.getTokenAttributes(token).byte)) {
      offsets.push([at, at + piece.length]);
      at += piece.length;
      return;
    }
    if (runStart === -1) runStart = index;
    offsets.push([at, at]);
    // The run closes once its bytes decode to whole characters.
    const before = tokens.slice(Math.max(0, runStart - CONTEXT_TOKENS), runStart);
    const text = continuationText(model, tokens.slice(runStart, index + 1), before);
    if (text.endsWith('\uFFFD') && index + 1 < tokens.length) return;
    for (let member = runStart; member <= index; member++) offsets[member] = [at, at + text.length];
    at += text.length;
    runStart = -1;
  });
  return offsets;
}
