// What one evaluated position says about the token that follows it, at two costs (see SURPRISAL_DETAILS).
//
// `bits` asks node-llama-cpp 3.22.1 for three numbers instead of the whole distribution: the token's logit, the
// greedy choice's logit (the maximum: greedy sampling picks the arg-max) and Σ exp(logit − max), computed natively.
// Then ln P(token) = logit − max − ln Σ. Its `includeMax` filter is not used: in 3.22.1 it adds the maximum only when
// it is already there.
import type { ControlledEvaluateIndexOutput, ControlledEvaluateInputItem, Token } from 'node-llama-cpp';
import type { SurprisalDetail } from '../../protocol/engineProtocol';

export interface PositionScore {
  bits: number;
  rank: number | null;
  entropyBits: number | null;
}

type GenerateNext = Exclude<ControlledEvaluateInputItem, Token>[1]['generateNext'];

/** The options that make an evaluated position report on `next`. */
export function scoreRequest(detail: SurprisalDetail, next: Token): GenerateNext {
  return detail === 'full'
    ? { probabilities: true }
    : { token: true, options: { temperature: 0 }, logits: { filter: { tokens: [next], includeSelected: true } }, totalLogitWeight: true };
}

/** The score of `next` from an output that `scoreRequest(detail, next)` asked for; undefined when it is missing. */
export function scoreOf(
  detail: SurprisalDetail,
  output: ControlledEvaluateIndexOutput | undefined,
  next: Token,
): PositionScore | undefined {
  if (!output) return undefined;
  if (detail === 'full') {
    const probabilities = output.next.probabilities;
    return probabilities ? fullScore(probabilities, next) : undefined;
  }
  const logProbability = exactLogProbability(output, next);
  if (logProbability === undefined) return undefined;
  return { bits: -logProbability / Math.LN2, rank: logProbability >= topLogProbability(output) ? 1 : null, entropyBits: null };
}

/** ln P(token) from a filtered output with the greedy choice and the total logit weight; undefined when missing. */
export function exactLogProbability(output: ControlledEvaluateIndexOutput, token: Token): number | undefined {
  const { logits, totalLogitWeight, token: chosen } = output.next;
  const logit = logits?.get(token);
  const max = chosen === undefined || chosen === null ? undefined : logits?.get(chosen);
  if (logit === undefined || max === undefined || totalLogitWeight === undefined || !(totalLogitWeight > 0)) return undefined;
  return logit - max - Math.log(totalLogitWeight);
}

/** ln P of the greedy choice: a token that reaches it (a tie) is a first choice too. */
function topLogProbability(output: ControlledEvaluateIndexOutput): number {
  return -Math.log(output.next.totalLogitWeight ?? 1);
}

/** Bits, rank (1 + the tokens strictly likelier) and entropy from the whole distribution. */
export function fullScore(probabilities: ReadonlyMap<Token, number>, next: Token): PositionScore {
  const probability = probabilities.get(next) ?? 0;
  let likelier = 0;
  let entropy = 0;
  for (const p of probabilities.values()) {
    if (p > probability) likelier++;
    if (p > 0) entropy -= p * Math.log2(p);
  }
  return { bits: probability > 0 ? -Math.log2(probability) : Number.POSITIVE_INFINITY, rank: 1 + likelier, entropyBits: entropy };
}

/** The greedy choice and the `count` likeliest tokens, with their logits and the total logit weight: no full distribution. */
export function topRequest(count: number): GenerateNext {
  return { token: true, options: { temperature: 0 }, logits: { filter: { tokens: [], includeTop: count } }, totalLogitWeight: true };
}

/** The likeliest tokens of a `topRequest` output with their exact probabilities, likeliest first. */
export function topProbabilities(output: ControlledEvaluateIndexOutput | undefined): Map<Token, number> {
  const { logits, totalLogitWeight } = output?.next ?? {};
  const top = new Map<Token, number>();
  if (!logits || totalLogitWeight === undefined || !(totalLogitWeight > 0)) return top;
  // node-llama-cpp returns the filtered logits sorted, highest first: the first is the maximum.
  const max = Math.max(...logits.values());
  for (const [token, logit] of [...logits.entries()].sort(([, a], [, b]) => b - a))
    top.set(token, Math.exp(logit - max) / totalLogitWeight);
  return top;
}
