// The one way generated tokens become text. Tokens that continue a text are decoded after the tokens before them,
// behind an anchor token whose text is visible: a decode treats its first token as the start of a text and drops
// the leading space of a SentencePiece "▁" piece ("▁=" "▁" "5" ";" alone decode to "= 5;", not " = 5;"), and
// byte-fallback tokens that spell one character only decode together. The anchor takes the place of that first
// token, so a continuation keeps its space even where the tokens before it decode to nothing (BOS, <MID>) or where
// there are none. Every path that shows or inserts generated text goes through here.
import type { LlamaModel, Token } from 'node-llama-cpp';

/** Tokens before a continuation that take part in its decoding: enough for a split character or a word join. */
export const CONTEXT_TOKENS = 8;

const anchors = new WeakMap<LlamaModel, { tokens: Token[]; text: string }>();

/** A normal token with visible text that no decoder strips, made once per model. */
function anchorOf(model: LlamaModel): { tokens: Token[]; text: string } {
  let anchor = anchors.get(model);
  if (!anchor) {
    const tokens = model.tokenize('a', false, 'trimLeadingSpace') as Token[];
    anchor = { tokens, text: model.detokenize(tokens, false) };
    anchors.set(model, anchor);
  }
  return anchor;
}

/** Decodes continuations of one text: build it once per context, then ask for the text of the tokens so far. */
export class ContinuationDecoder {
  private readonly lead: Token[];
  private readonly leadText: string;

  constructor(private readonly model: LlamaModel, before: readonly Token[] = []) {
    const anchor = anchorOf(model);
    this.lead = [...anchor.tokens, ...before.slice(-CONTEXT_TOKENS)];
    this.leadText = model.detokenize(this.lead, false);
  }

  /** The text `tokens` add after the context; special tokens add nothing. */
  text(tokens: readonly Token[]): string {
    if (tokens.length === 0) return '';
    const whole = this.model.detokenize([...this.lead, ...tokens], false);
    if (whole.startsWith(this.leadText)) return whole.slice(this.leadText.length);
    // The context ended inside a character that the continuation completes: decode after the anchor alone.
    const anchor = anchorOf(this.model);
    return this.model.detokenize([...anchor.tokens, ...tokens], false).slice(anchor.text.length);
  }
}

/** The text `tokens` add after `before` (the tokens that precede them; none at the start of a text). */
export function continuationText(model: LlamaModel, tokens: readonly Token[], before: readonly Token[] = []): string {
  return new ContinuationDecoder(model, before).text(tokens);
}

/**
 * A continuation's text in chunks as tokens arrive. A character whose bytes have not all arrived is held back, so no
 * chunk ever carries half a character as "�".
 */
export class ContinuationStream {
  private readonly tokens: Token[] = [];
  private sent = '';

  constructor(private readonly decoder: ContinuationDecoder) {}

  /** The text the new tokens complete; '' while a character is still open. */
  push(tokens: readonly Token[]): string {
    this.tokens.push(...tokens);
    const settled = this.text().replace(/\uFFFD+$/u, '');
    if (!settled.startsWith(this.sent)) return '';
    const chunk = settled.slice(this.sent.length);
    this.sent = settled;
    return chunk;
  }

  /** Everything so far, an unfinished character included. */
  text(): string {
    return this.decoder.text(this.tokens);
  }
}
