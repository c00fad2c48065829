// Builds the token sequence for a fill-in-the-middle request.
//
// Why suffix-first (SPM) by default: CodeLlama was trained on both orders, and in
// `<PRE><SUF>suffix<MID>prefix` the text at the cursor comes last. A keystroke then changes only
// the last few tokens, so the KV state of everything before them can be reused. In prefix-first
// (PSM) order, `<PRE>prefix<SUF>suffix<MID>`, a keystroke invalidates the whole suffix as well.

import type { FimLayout } from '../protocol/engineProtocol';

export interface FimTokens {
  prefix: number;
  suffix: number;
  middle: number;
}

export interface FimPromptInput {
  bos: number | null;
  fim: FimTokens | null;
  prefixTokens: readonly number[];
  suffixTokens: readonly number[];
  layout: FimLayout;
}

export interface FimPrompt {
  tokens: number[];
  usedFim: boolean;
}

/** Without FIM tokens the model sees the prefix alone and simply continues it. */
export function buildFimPrompt(input: FimPromptInput): FimPrompt {
  const start = input.bos === null ? [] : [input.bos];
  const { fim, prefixTokens, suffixTokens } = input;
  if (fim === null) return { tokens: [...start, ...prefixTokens], usedFim: false };
  const tokens = input.layout === 'spm'
    ? [...start, fim.prefix, fim.suffix, ...suffixTokens, fim.middle, ...prefixTokens]
    : [...start, fim.prefix, ...prefixTokens, fim.suffix, ...suffixTokens, fim.middle];
  return { tokens, usedFim: true };
}

/**
 * Trims prefix and suffix tokens so the prompt fits `budget` tokens. The text nearest the cursor
 * matters most: the prefix loses its start, the suffix its end. The suffix gets a quarter of the
 * budget, since the prefix says far more about what comes next, plus whatever a short prefix leaves.
 */
export function fitToBudget(prefixTokens: readonly number[], suffixTokens: readonly number[], budget: number): {
  prefixTokens: number[];
  suffixTokens: number[];
} {
  const room = Math.max(0, budget);
  const suffixKeep = Math.min(suffixTokens.length, Math.max(Math.floor(room / 4), room - prefixTokens.length));
  const prefixKeep = Math.min(prefixTokens.length, room - suffixKeep);
  return {
    prefixTokens: prefixTokens.slice(prefixTokens.length - prefixKeep),
    suffixTokens: suffixTokens.slice(0, suffixKeep),
  };
}
