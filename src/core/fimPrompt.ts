// Builds the token sequence for a fill-in-the-middle request.
//
// Why suffix-first (SPM) by default: CodeLlama was trained on both orders, and in
// `<PRE><SUF>suffix<MID>prefix` the text at the cursor comes last. A keystroke then changes only
// the last few tokens, so the KV state of everything before them can be reused. In prefix-first
// (PSM) order, `<PRE>prefix<SUF>suffix<MID>`, a keystroke invalidates the whole suffix as well.
// PSM stays available for FIM models trained only on that order.
//
// Extra context (chunks of other files) goes directly before the prefix in both layouts: the model
// reads it as earlier code, which is how it was trained, and it sits before the local window, so a
// keystroke never changes it.

import type { FimLayout, TokenBudgets } from '../protocol/engineProtocol';

export interface FimTokens {
  prefix: number;
  suffix: number;
  middle: number;
}

export interface FimPromptInput {
  bos: number | null;
  fim: FimTokens | null;
  extraTokens?: readonly number[];
  prefixTokens: readonly number[];
  suffixTokens: readonly number[];
  layout: FimLayout;
}

export interface FimPrompt {
  tokens: number[];
  usedFim: boolean;
}

/** Without FIM tokens the model sees the extra context and the prefix, and simply continues them. */
export function buildFimPrompt(input: FimPromptInput): FimPrompt {
  const start = input.bos === null ? [] : [input.bos];
  const { fim, prefixTokens, suffixTokens } = input;
  const before = [...(input.extraTokens ?? []), ...prefixTokens];
  if (fim === null) return { tokens: [...start, ...before], usedFim: false };
  const tokens = input.layout === 'spm'
    ? [...start, fim.prefix, fim.suffix, ...suffixTokens, fim.middle, ...before]
    : [...start, fim.prefix, ...before, fim.suffix, ...suffixTokens, fim.middle];
  return { tokens, usedFim: true };
}

export interface PromptParts {
  extraTokens: number[];
  prefixTokens: number[];
  suffixTokens: number[];
}

/**
 * Trims each part to its budget, then the whole to `room`, the tokens the context can spare.
 * `prefixSlackSteps` lets the prefix run that many trim steps over its budget.
 * The text nearest the cursor matters most: the prefix and the extra context lose their start,
 * the suffix its end. Past the room, extra context goes first, then the suffix down to a quarter
 * of the room, then the prefix.
 */
export function fitPrompt(parts: PromptParts, budgets: TokenBudgets, room: number, prefixSlackSteps = 0): PromptParts {
  const space = Math.max(0, room);
  const quantum = trimQuantum(budgets.prefix);
  let extra = keepLast(parts.extraTokens, budgets.extra);
  let suffix = parts.suffixTokens.slice(0, Math.max(0, budgets.suffix));
  let prefix = stableTail(parts.prefixTokens, budgets.prefix + prefixSlackSteps * quantum, quantum);
  let over = extra.length + suffix.length + prefix.length - space;
  if (over > 0) {
    const cut = Math.min(over, extra.length);
    extra = extra.slice(cut);
    over -= cut;
  }
  if (over > 0) {
    const keep = Math.max(Math.min(suffix.length, Math.floor(space / 4)), suffix.length - over);
    over -= suffix.length - keep;
    suffix = suffix.slice(0, keep);
  }
  if (over > 0) prefix = stableTail(prefix, prefix.length - over);
  return { extraTokens: extra, prefixTokens: prefix, suffixTokens: suffix };
}

/**
 * The end of `tokens`, at most `budget` long, dropping its start in steps of a quantum. A plain
 * "last N tokens" would shift the start by one token per keystroke and so change every token of
 * the prompt, leaving no KV state to reuse; in steps, the start moves once per quantum typed.
 */
export function stableTail(tokens: readonly number[], budget: number, quantum = trimQuantum(budget)): number[] {
  const limit = Math.max(0, budget);
  if (tokens.length <= limit) return [...tokens];
  const drop = Math.min(tokens.length, Math.ceil((tokens.length - limit) / quantum) * quantum);
  return tokens.slice(drop);
}

/** The step in which a prefix of this budget loses its start. */
export function trimQuantum(budget: number): number {
  return Math.min(64, Math.max(1, Math.floor(Math.max(0, budget) / 4)));
}

function keepLast(tokens: readonly number[], budget: number): number[] {
  const keep = Math.max(0, Math.min(tokens.length, budget));
  return tokens.slice(tokens.length - keep);
}
