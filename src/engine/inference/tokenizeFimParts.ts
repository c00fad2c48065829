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
import type { LlamaModel } from 'node-llama-cpp';
import type { PromptParts } from '../../core/fimPrompt';
import { tokenizeContinuation as continuation, tokenizeStartOfText as startOfText } from './textTokens';

export interface FimTexts {
  prefix: string;
  suffix: string;
  extraContext: string;
}

/** Pass an empty suffix for a model without FIM tokens: it only continues the extra context and the prefix. */
export function tokenizeFimParts(model: LlamaModel, texts: FimTexts): PromptParts {
  const extraTokens = startOfText(model, texts.extraContext);
  const prefixTokens = extraTokens.length > 0 ? continuation(model, texts.prefix) : startOfText(model, texts.prefix);
  return { extraTokens, prefixTokens, suffixTokens: continuation(model, texts.suffix) };
}
