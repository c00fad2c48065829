// Compares what the Lens shows on one backend with what it shows on another: every probability of the next-token
// distribution, and every token's surprisal of a heatmap pass. Pure, so that a test can show a mismatch is caught.
import { decodeProbabilities } from '../../../src/core/lens/distributionMath';
import type { DistributionResult, TokenSurprisal } from '../../../src/protocol/engineProtocol';

export interface Agreement {
  /** Probabilities compared. */
  compared: number;
  maxAbsDifference: number;
  /** What disagrees beyond the tolerance, in words (a few at most). */
  problems: string[];
}

const MAX_PROBLEMS = 5;

/**
 * `sortedProbabilities` holds every token's probability (sorted), so the whole vocabulary is compared value by value;
 * `top` is compared token by token, so that two backends that agree on the values but not on which token has them
 * still differ. A token may be missing from the other side's top only where it ties with the last token listed.
 */
export function compareDistributions(reference: DistributionResult, candidate: DistributionResult, tolerance: number): Agreement {
  const agreement: Agreement = { compared: 0, maxAbsDifference: 0, problems: [] };
  const note = (problem: string) => agreement.problems.length < MAX_PROBLEMS && agreement.problems.push(problem);
  const compare = (what: string, a: number, b: number) => {
    const difference = Math.abs(a - b);
    agreement.compared++;
    agreement.maxAbsDifference = Math.max(agreement.maxAbsDifference, Number.isNaN(difference) ? Infinity : difference);
    if (!(difference <= tolerance)) note(`${what}: ${a} vs ${b}`);
  };
  if (reference.contextTokens.join(',') !== candidate.contextTokens.join(',')) note('the two backends tokenized the text differently');
  const all = [decodeProbabilities(reference.sortedProbabilities), decodeProbabilities(candidate.sortedProbabilities)] as const;
  if (all[0].length !== all[1].length) note(`the distributions cover ${all[0].length} and ${all[1].length} tokens`);
  for (let rank = 0; rank < Math.min(all[0].length, all[1].length); rank++)
    compare(`probability at rank ${rank}`, all[0][rank] ?? NaN, all[1][rank] ?? NaN);
  const candidateTop = new Map(candidate.top.map((row) => [row.id, row.probability]));
  const lastListed = candidate.top.at(-1)?.probability ?? 0;
  for (const row of reference.top) {
    const other = candidateTop.get(row.id);
    if (other !== undefined) compare(`token ${row.id} (${JSON.stringify(row.text)})`, row.probability, other);
    else if (row.probability - lastListed > tolerance) {
      note(`token ${row.id} (${JSON.stringify(row.text)}, p ${row.probability}) is missing from the other top ${candidate.top.length}`);
    }
  }
  return agreement;
}

/** Each scored token's probability, 2^-bits, on both backends: the heatmap's colours come from these. */
export function compareSurprisal(reference: readonly TokenSurprisal[], candidate: readonly TokenSurprisal[], tolerance: number): Agreement {
  const agreement: Agreement = { compared: 0, maxAbsDifference: 0, problems: [] };
  if (reference.length !== candidate.length) agreement.problems.push(`${reference.length} and ${candidate.length} tokens were scored`);
  reference.forEach((token, index) => {
    const other = candidate[index];
    if (!other) return;
    if (other.id !== token.id || other.start !== token.start) {
      if (agreement.problems.length < MAX_PROBLEMS) {
        agreement.problems.push(`token ${index} is ${token.id} at ${token.start} and ${other.id} at ${other.start}`);
      }
      return;
    }
    const difference = Math.abs(2 ** -token.bits - 2 ** -other.bits);
    agreement.compared++;
    agreement.maxAbsDifference = Math.max(agreement.maxAbsDifference, Number.isNaN(difference) ? Infinity : difference);
    if (!(difference <= tolerance) && agreement.problems.length < MAX_PROBLEMS) {
      agreement.problems.push(`token ${index} (${token.id}): probability ${2 ** -token.bits} vs ${2 ** -other.bits}`);
    }
  });
  return agreement;
}

/** Several comparisons as one: counts add up, the largest difference wins, problems are kept with their source. */
export function mergeAgreements(parts: readonly { label: string; agreement: Agreement }[]): Agreement {
  return {
    compared: parts.reduce((sum, part) => sum + part.agreement.compared, 0),
    maxAbsDifference: Math.max(0, ...parts.map((part) => part.agreement.maxAbsDifference)),
    problems: parts.flatMap((part) => part.agreement.problems.map((problem) => `${part.label}: ${problem}`)).slice(0, MAX_PROBLEMS * 2),
  };
}
