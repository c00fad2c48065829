// The model's distribution over the token that follows a text (and a path of tokens after it),
// for the Lens: top candidates, candidates consistent with a half-typed word, entropy, tail mass.
import type { LlamaModel, Token } from 'node-llama-cpp';
import { encodeProbabilities, entropyBits, tailMass } from '../core/lens/distributionMath';
import type { DistributionParams, DistributionResult, TokenProbability } from '../protocol/engineProtocol';
import type { LlamaRuntime } from './LlamaRuntime';
import { displayPieces, tokenPieces } from './tokenPieces';

export async function nextTokenDistribution(runtime: LlamaRuntime, params: DistributionParams): Promise<DistributionResult> {
  const { model, sequence } = runtime.current;
  const textTokens = params.text.length === 0 ? [] : model.tokenize(params.text, false, 'trimLeadingSpace');
  const pieces = tokenPieces(model);
  // Mid-word, the last token is only what was typed so far: ask what the model expects at its start.
  const backUp = params.backUpToBoundary && textTokens.length > 0;
  const fragment = backUp ? pieces[textTokens[textTokens.length - 1] ?? -1] ?? '' : '';
  const bos = model.tokens.bos;
  const contextTokens = [...(bos === null ? [] : [bos]), ...(backUp ? textTokens.slice(0, -1) : textTokens), ...(params.path as Token[])];
  if (contextTokens.length === 0) throw new Error('The text is empty and the model has no BOS token to start from.');
  const plan = await runtime.alignSequence(contextTokens);
  const generator = sequence.evaluateWithMetadata(contextTokens.slice(plan.reuse), { probabilities: true }, { temperature: 0 });
  try {
    const first = await generator.next();
    if (first.done) throw new Error('The model produced no next token.');
    const ranked = [...first.value.probabilities.entries()];
    const probabilities = ranked.map(([, probability]) => probability);
    const shown = displayPieces(model);
    const row = ([id, probability]: [Token, number]): TokenProbability => ({ id, text: shown[id] ?? '', probability });
    return {
      contextTokens,
      fragment,
      // Decoded together, byte tokens that spell one character give that character, not one "�" each.
      pathText: params.path.length === 0 ? '' : model.detokenize(params.path as Token[], false, contextTokens.slice(-params.path.length - 4, -params.path.length)),
      top: ranked.slice(0, params.topK).map(row),
      consistent: backUp ? consistentWith(fragment, ranked, pieces, model).slice(0, params.topK).map(row) : [],
      sortedProbabilities: encodeProbabilities(probabilities),
      entropyBits: entropyBits(probabilities),
      tailMass: tailMass(probabilities, params.topK),
      evaluatedTokens: plan.evaluate,
      reusedTokens: plan.reuse,
    };
  } finally {
    // Stop before the sampled token is fed back: the sequence keeps just the context.
    await generator.return();
  }
}

/** Candidates that continue the typed fragment, or are a start of it (more would follow). */
function consistentWith(fragment: string, ranked: [Token, number][], pieces: string[], model: LlamaModel): [Token, number][] {
  return ranked.filter(([id]) => {
    const piece = pieces[id] ?? '';
    return !model.isSpecialToken(id) && piece.length > 0 && (piece.startsWith(fragment) || fragment.startsWith(piece));
  });
}
