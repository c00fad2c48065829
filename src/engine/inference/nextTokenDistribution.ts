// The model's distribution over the token that follows a text (and a path of tokens after it),
// for the Lens: top candidates, candidates consistent with a half-typed word, entropy, tail mass.
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { encodeProbabilities, entropyBits, tailMass } from '../../core/lens/distributionMath';
import type { DistributionParams, DistributionResult, TokenProbability } from '../../protocol/engineProtocol';
import { continuationText } from './continuationText';
import { CodedError } from '../EngineError';
import { tokenizeContinuation } from './textTokens';
import type { LlamaRuntime } from '../LlamaRuntime';
import { lensPieces, shownToken, tokenPieces } from './tokenPieces';

export async function nextTokenDistribution(runtime: LlamaRuntime, params: DistributionParams): Promise<DistributionResult> {
  const { model, sequence } = runtime.current;
  const pieces = tokenPieces(model);
  assertInVocabulary(params.path, pieces.length);
  const textTokens = tokenizeContinuation(model, params.text) as Token[];
  // Mid-word, the last token is only what was typed so far: ask what the model expects at its start.
  const backUp = params.backUpToBoundary && textTokens.length > 0;
  const fragment = backUp ? pieces[textTokens[textTokens.length - 1] ?? -1] ?? '' : '';
  const bos = model.tokens.bos;
  const contextTokens = [...(bos === null ? [] : [bos]), ...(backUp ? textTokens.slice(0, -1) : textTokens), ...(params.path as Token[])];
  if (contextTokens.length === 0) throw new Error('The text is empty and the model has no BOS token to start from.');
  const plan = await runtime.alignSequence(contextTokens);
  const ranked = [...(await nextTokenProbabilities(sequence, contextTokens.slice(plan.reuse))).entries()];
  const probabilities = ranked.map(([, probability]) => probability);
  const shown = lensPieces(model);
  const row = ([id, probability]: [Token, number]): TokenProbability => shownToken(shown, id, probability);
  return {
    contextTokens,
    fragment,
    // Decoded together, byte tokens that spell one character give that character, not one "�" each.
    pathText: continuationText(model, params.path as Token[], contextTokens.slice(0, contextTokens.length - params.path.length)),
    top: ranked.slice(0, params.topK).map(row),
    consistent: backUp ? consistentWith(fragment, ranked, pieces, model).slice(0, params.topK).map(row) : [],
    sortedProbabilities: encodeProbabilities(probabilities),
    entropyBits: entropyBits(probabilities),
    tailMass: tailMass(probabilities, params.topK),
    tailKnown: true,
    evaluatedTokens: plan.evaluate,
    reusedTokens: plan.reuse,
  };
}

/** Native code takes token ids as 32-bit: 2^32 + 5 would wrap to 5, and an id past the vocabulary reads garbage. */
function assertInVocabulary(path: readonly number[], vocabularySize: number): void {
  const bad = path.find((id) => !Number.isSafeInteger(id) || id < 0 || id >= vocabularySize);
  if (bad === undefined) return;
  throw new CodedError(
    'badRequest',
    `The Lens path names token ${bad}, which is not in the model's vocabulary (ids 0 to ${vocabularySize - 1}).`,
  );
}

/**
 * The distribution after `pending` (at least one token), most likely first. Nothing is sampled or fed back, so the
 * sequence keeps just the context, and an end-of-text token at the top is a candidate like any other.
 */
async function nextTokenProbabilities(sequence: LlamaContextSequence, pending: Token[]): Promise<Map<Token, number>> {
  const last = pending.pop();
  if (last === undefined) throw new Error('There is no token to ask the model about.');
  const outputs = await sequence.controlledEvaluate([...pending, [last, { generateNext: { probabilities: true } }]]);
  const probabilities = outputs.at(-1)?.next.probabilities;
  if (!probabilities) throw new Error('The model produced no next-token distribution.');
  return probabilities;
}

/** Candidates that continue the typed fragment, or are a start of it (more would follow). */
function consistentWith(fragment: string, ranked: [Token, number][], pieces: string[], model: LlamaModel): [Token, number][] {
  return ranked.filter(([id]) => {
    const piece = pieces[id] ?? '';
    return !model.isSpecialToken(id) && piece.length > 0 && (piece.startsWith(fragment) || fragment.startsWith(piece));
  });
}
