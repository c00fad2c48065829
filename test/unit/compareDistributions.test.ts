// The GPU check's comparison of the Lens's values on two backends: it must pass equal answers and catch any value,
// or any token, that differs by more than the tolerance.
import { strict as assert } from 'node:assert';
import { encodeProbabilities } from '../../src/core/lens/distributionMath';
import type { DistributionResult, TokenSurprisal } from '../../src/protocol/engineProtocol';
import { compareDistributions, compareSurprisal, mergeAgreements } from '../../scripts/lib/gpuCheck/compareDistributions';

const TOLERANCE = 1e-4;

/** A distribution over token ids 0..n-1 with the given probabilities, all of it in `top`. */
function distribution(probabilities: number[], topK = probabilities.length): DistributionResult {
  const ranked = probabilities
    .map((probability, id) => ({ id, text: `t${id}`, probability }))
    .sort((a, b) => b.probability - a.probability);
  return {
    contextTokens: [1, 5, 6],
    fragment: '',
    pathText: '',
    top: ranked.slice(0, topK),
    consistent: [],
    sortedProbabilities: encodeProbabilities(ranked.map((row) => row.probability)),
    entropyBits: 0,
    tailMass: 0,
    tailKnown: true,
    evaluatedTokens: 2,
    reusedTokens: 1,
  };
}

describe('compareDistributions (GPU check)', () => {
  const reference = [0.5, 0.25, 0.125, 0.0625, 0.0625];

  it('passes the same distribution and counts every value it compared', () => {
    const agreement = compareDistributions(distribution(reference), distribution(reference), TOLERANCE);
    assert.deepEqual(agreement.problems, []);
    assert.equal(agreement.compared, 10, 'five sorted values and five tokens');
    assert.equal(agreement.maxAbsDifference, 0);
  });

  it('passes differences within the tolerance', () => {
    const close = reference.map((p, id) => p + (id === 1 ? 5e-5 : 0));
    assert.deepEqual(compareDistributions(distribution(reference), distribution(close), TOLERANCE).problems, []);
  });

  it('catches one probability off by more than the tolerance', () => {
    const off = reference.map((p, id) => p + (id === 2 ? 3e-4 : 0));
    const agreement = compareDistributions(distribution(reference), distribution(off), TOLERANCE);
    assert.ok(agreement.problems.some((problem) => /token 2/.test(problem)), agreement.problems.join('; '));
    assert.ok(agreement.maxAbsDifference > 2.9e-4);
  });

  it('catches the same values on other tokens, which the sorted values alone would miss', () => {
    const swapped = [0.25, 0.5, 0.125, 0.0625, 0.0625];
    const agreement = compareDistributions(distribution(reference), distribution(swapped), TOLERANCE);
    assert.ok(agreement.problems.some((problem) => /token 0/.test(problem)), agreement.problems.join('; '));
  });

  it('lets a token tied with the last one listed fall out of the other top-k, but not a likelier one', () => {
    // Tokens 3 and 4 tie: the other backend lists token 4 fourth, and token 3 not at all.
    const tied = compareDistributions(distribution(reference, 4), distribution([0.5, 0.25, 0.125, 0.0625, 0.0625 + 1e-6], 4), TOLERANCE);
    assert.deepEqual(tied.problems, []);
    const reordered = [0.125, 0.25, 0.5, 0.0625, 0.0625];
    const missing = compareDistributions(distribution(reference, 2), distribution(reordered, 2), TOLERANCE);
    assert.ok(missing.problems.some((problem) => /token 0 .* is missing from the other top 2/.test(problem)), missing.problems.join('; '));
  });

  it('catches a different tokenization', () => {
    const other = { ...distribution(reference), contextTokens: [1, 5, 7] };
    assert.ok(compareDistributions(distribution(reference), other, TOLERANCE).problems.some((problem) => /tokenized/.test(problem)));
  });

  it('compares a heatmap pass token by token, as probabilities', () => {
    const tokens: TokenSurprisal[] = [
      { start: 0, end: 1, id: 7, bits: 1, rank: 1, entropyBits: null },
      { start: 1, end: 2, id: 8, bits: 3, rank: null, entropyBits: null },
    ];
    assert.deepEqual(compareSurprisal(tokens, tokens, TOLERANCE).problems, []);
    const shifted = [tokens[0] as TokenSurprisal, { ...(tokens[1] as TokenSurprisal), bits: 2.99 }];
    assert.match(compareSurprisal(tokens, shifted, TOLERANCE).problems.join(), /token 1 \(8\): probability 0\.125 vs/);
    assert.match(compareSurprisal(tokens, tokens.slice(0, 1), TOLERANCE).problems.join(), /2 and 1 tokens were scored/);
  });

  it('merges comparisons, keeping where each problem came from', () => {
    const bad = compareDistributions(distribution(reference), distribution(reference.map((p) => p * 1.01)), TOLERANCE);
    const merged = mergeAgreements([
      { label: 'distribution 1', agreement: bad },
      { label: 'heatmap', agreement: { compared: 3, maxAbsDifference: 0, problems: [] } },
    ]);
    assert.equal(merged.compared, bad.compared + 3);
    assert.ok(merged.problems.every((problem) => problem.startsWith('distribution 1: ')));
  });
});
