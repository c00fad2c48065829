// The rule behind tokenizing a text that continues another, whatever tokenizer runs it (node-llama-cpp in the engine,
// a llama-server's /tokenize in the client). SentencePiece puts a dummy "▁" (a space) before a text it encodes: right
// for the start of a document, wrong for text that continues other text (a FIM suffix, the Lens's text), whose tokens
// must spell exactly that text. A newline starts a fresh piece, so a text is tokenized after one, which is dropped.
// See docs/features.md, "The FIM prompt, token by token".

/** What a continuation is tokenized after. */
export const CONTINUATION_ANCHOR = '\n';

/** The probe texts: "x" alone and after the anchor tokenize alike exactly when the tokenizer adds no dummy space. */
export const DUMMY_SPACE_PROBE = 'x';

/**
 * The anchor's tokens when texts need one (the tokenizer adds a dummy space), else null. `alone` and `anchored` are
 * the tokens of DUMMY_SPACE_PROBE and of CONTINUATION_ANCHOR + DUMMY_SPACE_PROBE; `anchor` those of the anchor.
 */
export function continuationAnchor(anchor: readonly number[], alone: readonly number[], anchored: readonly number[]): number[] | null {
  const afterAnchor = anchored.slice(anchor.length);
  const same = alone.length === afterAnchor.length && alone.every((token, index) => token === afterAnchor[index]);
  return same ? null : [...anchor];
}

/** The continuation's tokens out of the anchored text's, or undefined where the anchor did not tokenize apart. */
export function dropAnchor(tokens: readonly number[], anchor: readonly number[]): number[] | undefined {
  const starts = anchor.length <= tokens.length && anchor.every((token, index) => tokens[index] === token);
  return starts ? tokens.slice(anchor.length) : undefined;
}
