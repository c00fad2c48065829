// Tokenizes the text parts of a fill-in-the-middle prompt as CodeLlama's reference does.
//
// SentencePiece puts a dummy "▁" (a space) before a text it encodes. CodeLlama's reference prompt keeps it on the
// prefix, which is the start of the text, and leaves it off the suffix, which continues the middle:
// `<s><PRE>▁prefix<SUF>suffix<MID>` (PSM) and `<s><PRE><SUF>suffix<MID>▁prefix` (SPM). llama.cpp adds the same
// dummy space when the vocabulary asks for it (Llama's does), so a plain tokenize fits the start of a text, and
// a text that continues another is tokenized after an anchor whose tokens are then dropped.
//
// The extra context (chunks of other files) is the earlier part of the prefix's text: the model reads
// `▁extra prefix` as one text, so the dummy space goes before the extra context when there is some, and the
// prefix continues it. They are tokenized apart, so that each keeps a budget of its own and the extra context's
// tokens stay the same while the prefix changes. That gives the tokens of the whole text because the extra
// context ends with a newline (formatExtraContext) and no token of Llama's vocabulary spans a newline.
// docs/features.md ("The FIM prompt, token by token") has a worked example.
import type { LlamaModel, Token } from 'node-llama-cpp';
import type { PromptParts } from '../core/fimPrompt';

export interface FimTexts {
  prefix: string;
  suffix: string;
  extraContext: string;
}

/** A newline starts a fresh piece in a SentencePiece vocabulary: what follows it tokenizes as if on its own. */
const ANCHOR = '\n';

/** Pass an empty suffix for a model without FIM tokens: it only continues the extra context and the prefix. */
export function tokenizeFimParts(model: LlamaModel, texts: FimTexts): PromptParts {
  const extraTokens = startOfText(model, texts.extraContext);
  const prefixTokens = extraTokens.length > 0 ? continuation(model, texts.prefix) : startOfText(model, texts.prefix);
  return { extraTokens, prefixTokens, suffixTokens: continuation(model, texts.suffix) };
}

/** Tokens of a text that starts the model's view of a document: with the dummy space, where the vocabulary adds one. */
function startOfText(model: LlamaModel, text: string): number[] {
  return text.length === 0 ? [] : model.tokenize(text, false);
}

/**
 * Tokens of a text that continues another: never a dummy space, and spaces or newlines at its start kept as they
 * are. (node-llama-cpp's 'trimLeadingSpace' keeps the dummy space on a text that starts with a newline.)
 */
function continuation(model: LlamaModel, text: string): number[] {
  if (text.length === 0) return [];
  if (!addsSpacePrefix(model)) return model.tokenize(text, false);
  const anchor = model.tokenize(ANCHOR, false);
  const tokens = model.tokenize(ANCHOR + text, false);
  // Only a vocabulary with a piece that spans a newline fails this; its own tokenization is then the best guess.
  return startsWith(tokens, anchor) ? tokens.slice(anchor.length) : model.tokenize(text, false);
}

const spacePrefixByModel = new WeakMap<LlamaModel, boolean>();

/** Whether the tokenizer puts a dummy space before a text: "x" alone then tokenizes unlike "x" after the anchor. */
function addsSpacePrefix(model: LlamaModel): boolean {
  let adds = spacePrefixByModel.get(model);
  if (adds === undefined) {
    const alone = model.tokenize('x', false);
    const afterAnchor = model.tokenize(`${ANCHOR}x`, false).slice(model.tokenize(ANCHOR, false).length);
    adds = alone.length !== afterAnchor.length || alone.some((token, index) => token !== afterAnchor[index]);
    spacePrefixByModel.set(model, adds);
  }
  return adds;
}

function startsWith(tokens: readonly Token[], start: readonly Token[]): boolean {
  return start.length <= tokens.length && start.every((token, index) => tokens[index] === token);
}
