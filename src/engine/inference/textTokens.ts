// The two ways a text becomes tokens. SentencePiece puts a dummy "▁" (a space) before a text it encodes: right for
// the start of a document, wrong for text that continues other text (a FIM suffix, a heatmap's or the Lens's text,
// whose tokens must spell exactly that text). See docs/features.md, "The FIM prompt, token by token".
import type { LlamaModel, Token } from 'node-llama-cpp';

/** A newline starts a fresh piece in a SentencePiece vocabulary: what follows it tokenizes as if on its own. */
const ANCHOR = '\n';

/** Tokens of a text that starts the model's view of a document: with the dummy space, where the vocabulary adds one. */
export function tokenizeStartOfText(model: LlamaModel, text: string): number[] {
  return text.length === 0 ? [] : model.tokenize(text, false);
}

/**
 * Tokens of a text that continues another: never a dummy space, and spaces or newlines at its start kept as they
 * are. (node-llama-cpp's 'trimLeadingSpace' keeps the dummy space on a text that starts with a newline.)
 */
export function tokenizeContinuation(model: LlamaModel, text: string): number[] {
  if (text.length === 0) return [];
  const anchor = continuationAnchor(model);
  if (anchor === null) return model.tokenize(text, false);
  const tokens = model.tokenize(ANCHOR + text, false);
  // Only a vocabulary with a piece that spans a newline fails this; its own tokenization is then the best guess.
  return startsWith(tokens, anchor) ? tokens.slice(anchor.length) : model.tokenize(text, false);
}

const anchorByModel = new WeakMap<LlamaModel, Token[] | null>();

/**
 * The anchor's tokens, or null when the tokenizer puts no dummy space before a text ("x" alone then tokenizes as
 * "x" after the anchor does), so that a text needs no anchor. Probed once per model: it runs on every keystroke.
 */
function continuationAnchor(model: LlamaModel): Token[] | null {
  let anchor = anchorByModel.get(model);
  if (anchor === undefined) {
    const anchorTokens = model.tokenize(ANCHOR, false);
    const alone = model.tokenize('x', false);
    const afterAnchor = model.tokenize(`${ANCHOR}x`, false).slice(anchorTokens.length);
    const adds = alone.length !== afterAnchor.length || alone.some((token, index) => token !== afterAnchor[index]);
    anchor = adds ? anchorTokens : null;
    anchorByModel.set(model, anchor);
  }
  return anchor;
}

function startsWith(tokens: readonly Token[], start: readonly Token[]): boolean {
  return start.length <= tokens.length && start.every((token, index) => tokens[index] === token);
}
