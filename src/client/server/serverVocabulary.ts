// The server's vocabulary, through its /tokenize and /detokenize routes: texts become token ids the way the local
// engine makes them (core/text/continuationTokens.ts), so Llama Lens can send its own prompt as ids. Special-token
// text in the user's code ("<PRE>", "</s>") is never parsed as a special token.
import type { FimTokens, PromptParts } from '../../core/fimPrompt';
import { CONTINUATION_ANCHOR, continuationAnchor, dropAnchor, DUMMY_SPACE_PROBE } from '../../core/text/continuationTokens';
import { hasFields, isArrayOf, isNonNegativeInteger, isString } from '../../protocol/guards';
import { callJson, type CallOptions, type ServerEndpoint } from './serverHttp';

const isTokens = hasFields<{ tokens: number[] }>({ tokens: isArrayOf(isNonNegativeInteger) });
const isContent = hasFields<{ content: string }>({ content: isString });
/** llama-server's pieces: text where it is valid UTF-8, else the bytes. */
const isPieces = hasFields<{ tokens: { id: number; piece: string | number[] }[] }>({
  tokens: isArrayOf(hasFields<{ id: number; piece: string | number[] }>({
    id: isNonNegativeInteger,
    piece: (v): v is string | number[] => isString(v) || isArrayOf(isNonNegativeInteger)(v),
  })),
});

/**
 * How each FIM marker is spelled in the vocabularies llama.cpp recognises. CodeLlama's carry SentencePiece's "▁"; the
 * first spelling that the server reads as one special token is the marker.
 */
const FIM_SPELLINGS: Readonly<Record<keyof FimTokens, readonly string[]>> = {
  prefix: ['▁<PRE>', '<PRE>', '<|fim_prefix|>', '<fim-prefix>', '<fim_prefix>'],
  suffix: ['▁<SUF>', '<SUF>', '<|fim_suffix|>', '<fim-suffix>', '<fim_suffix>'],
  middle: ['▁<MID>', '<MID>', '<|fim_middle|>', '<fim-middle>', '<fim_middle>'],
};

export interface FimTexts {
  prefix: string;
  suffix: string;
  extraContext: string;
}

export class ServerVocabulary {
  private anchor: Promise<number[] | null> | undefined;
  private readonly specialNames = new Map<number, Promise<string>>();

  constructor(private readonly endpoint: ServerEndpoint, private readonly options: () => CallOptions) {}

  /** Plain text to ids: no BOS, no special tokens parsed, and SentencePiece's dummy space where the vocabulary adds one. */
  async tokenize(text: string, extra: CallOptions = {}): Promise<number[]> {
    if (text.length === 0) return [];
    const body = { content: text, add_special: false, parse_special: false };
    return (await callJson(this.endpoint, 'POST', '/tokenize', body, isTokens, { ...this.options(), ...extra })).tokens;
  }

  /**
   * The start of `text` that its first `keep` continuation tokens spell, cut between tokens: the pieces' bytes are
   * counted, so no leading space is lost the way decoding tokens as a new text would lose it.
   */
  async continuationStart(text: string, keep: number, extra: CallOptions = {}): Promise<string> {
    const anchor = await this.anchorTokens();
    const content = anchor === null ? text : CONTINUATION_ANCHOR + text;
    const body = { content, add_special: false, parse_special: false, with_pieces: true };
    const { tokens } = await callJson(this.endpoint, 'POST', '/tokenize', body, isPieces, { ...this.options(), ...extra });
    const pieces = tokens.slice(anchor?.length ?? 0, (anchor?.length ?? 0) + keep);
    const bytes = pieces.reduce((sum, { piece }) => sum + (typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length), 0);
    // A cut inside a character leaves a replacement character: drop it.
    return Buffer.from(text).subarray(0, bytes).toString('utf8').replace(/\uFFFD$/, '');
  }

  /** Tokens of a text that continues another: never a dummy space. */
  async continuation(text: string, extra: CallOptions = {}): Promise<number[]> {
    if (text.length === 0) return [];
    const anchor = await this.anchorTokens();
    if (anchor === null) return this.tokenize(text, extra);
    return dropAnchor(await this.tokenize(CONTINUATION_ANCHOR + text, extra), anchor) ?? this.tokenize(text, extra);
  }

  /** The three texts of a FIM prompt, as tokenizeFimParts makes them locally: the extra context starts the text. */
  async fimParts(texts: FimTexts, extra: CallOptions = {}): Promise<PromptParts> {
    const [extraTokens, prefixTokens, suffixTokens] = await Promise.all([
      this.tokenize(texts.extraContext, extra),
      texts.extraContext.length > 0 ? this.continuation(texts.prefix, extra) : this.tokenize(texts.prefix, extra),
      this.continuation(texts.suffix, extra),
    ]);
    return { extraTokens, prefixTokens, suffixTokens };
  }

  /** The BOS id the server puts first, or null for a vocabulary without one. */
  async bos(): Promise<number | null> {
    const body = { content: DUMMY_SPACE_PROBE, add_special: true, parse_special: false };
    const [withSpecial, plain] = await Promise.all([
      callJson(this.endpoint, 'POST', '/tokenize', body, isTokens, this.options()),
      this.tokenize(DUMMY_SPACE_PROBE),
    ]);
    return withSpecial.tokens.length > plain.length ? (withSpecial.tokens[0] ?? null) : null;
  }

  /** The FIM markers, or null where the vocabulary lacks any of them. */
  async fimTokens(): Promise<{ tokens: FimTokens; codeLlamaStyle: boolean } | null> {
    const found: Partial<FimTokens> = {};
    let codeLlamaStyle = false;
    for (const role of ['prefix', 'suffix', 'middle'] as const) {
      for (const spelling of FIM_SPELLINGS[role]) {
        const id = await this.specialToken(spelling);
        if (id === undefined) continue;
        found[role] = id;
        if (role === 'prefix') codeLlamaStyle = spelling.includes('<PRE>');
        break;
      }
    }
    const { prefix, suffix, middle } = found;
    if (prefix === undefined || suffix === undefined || middle === undefined) return null;
    return { tokens: { prefix, suffix, middle }, codeLlamaStyle };
  }

  /** The id of a special token spelled `text`: one token when parsed as special, and not what the plain text gives. */
  private async specialToken(text: string): Promise<number | undefined> {
    const body = { content: text, add_special: false, parse_special: true };
    const [special, plain] = await Promise.all([
      callJson(this.endpoint, 'POST', '/tokenize', body, isTokens, this.options()),
      this.tokenize(text),
    ]);
    const [id] = special.tokens;
    return special.tokens.length === 1 && id !== undefined && !(plain.length === 1 && plain[0] === id) ? id : undefined;
  }

  /** A control token's name as the vocabulary spells it ("</s>", "▁<EOT>"), as the local engine shows it. Asked once per token. */
  specialName(id: number, extra: CallOptions = {}): Promise<string> {
    let known = this.specialNames.get(id);
    if (known === undefined) {
      const answer = callJson(this.endpoint, 'POST', '/detokenize', { tokens: [id] }, isContent, { ...this.options(), ...extra });
      known = answer.then(({ content }) => content);
      this.specialNames.set(id, known);
      known.catch(() => this.specialNames.delete(id));
    }
    return known;
  }

  /** Probed once per vocabulary (a failed probe is tried again next time). */
  private anchorTokens(): Promise<number[] | null> {
    this.anchor ??= Promise.all([
      this.tokenize(CONTINUATION_ANCHOR),
      this.tokenize(DUMMY_SPACE_PROBE),
      this.tokenize(CONTINUATION_ANCHOR + DUMMY_SPACE_PROBE),
    ]).then(([anchor, alone, anchored]) => continuationAnchor(anchor, alone, anchored));
    this.anchor.catch(() => (this.anchor = undefined));
    return this.anchor;
  }
}
