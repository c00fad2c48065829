// The two ways a text becomes tokens on the loaded model; the rule is in core/text/continuationTokens.ts.
import type { LlamaModel, Token } from 'node-llama-cpp';
import { CONTINUATION_ANCHOR, continuationAnchor, dropAnchor, DUMMY_SPACE_PROBE } from '../../core/text/continuationTokens';

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
  const anchor = anchorOf(model);
  if (anchor === null) return model.tokenize(text, false);
  // Only a vocabulary with a piece that spans a newline fails this; its own tokenization is then the best guess.
  return dropAnchor(model.tokenize(CONTINUATION_ANCHOR + text, false), anchor) ?? model.tokenize(text, false);
}

const anchorByModel = new WeakMap<LlamaModel, number[] | null>();

/** Probed once per model: it runs on every keystroke. */
function anchorOf(model: LlamaModel): number[] | null {
  let anchor = anchorByModel.get(model);
  if (anchor === undefined) {
    const tokenize = (text: string): Token[] => model.tokenize(text, false);
    const probe = [CONTINUATION_ANCHOR, DUMMY_SPACE_PROBE, CONTINUATION_ANCHOR + DUMMY_SPACE_PROBE].map(tokenize);
    anchor = continuationAnchor(probe[0] ?? [], probe[1] ?? [], probe[2] ?? []);
    anchorByModel.set(model, anchor);
  }
  return anchor;
}
