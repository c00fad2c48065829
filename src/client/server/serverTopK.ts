// The Lens's next-token distribution on a llama-server: /completion with n_predict 1 and n_probs k. With
// post_sampling_probs off the server takes the softmax of the raw logits over the whole vocabulary, so the top k are
// exact; the rest of the distribution (its tail, its entropy) is not sent, and the Lens says so.
import { entropyBits } from '../../core/lens/distributionMath';
import type { DistributionResult, TokenProbability } from '../../protocol/engineProtocol';
import { hasFields, isArrayOf, isFiniteNumber, isNonNegativeInteger, isString } from '../../protocol/guards';
import { checkServedModel, GREEDY, isCompletionTimings, type CompletionTimings, type ServedModel } from './serverCompletion';
import { callJson, ServerRequestError, type CallOptions, type ServerEndpoint } from './serverHttp';
import type { ServerVocabulary } from './serverVocabulary';

interface LogProb {
  id: number;
  token: string;
  /** The piece's exact bytes: `token` is cut short where they are not whole UTF-8. */
  bytes: number[];
  logprob: number;
}

interface TopKAnswer {
  model?: unknown;
  completion_probabilities: { top_logprobs: LogProb[] }[];
  timings: CompletionTimings;
}

const isByte = (v: unknown): v is number => isNonNegativeInteger(v) && v <= 255;
const isLogProb = hasFields<LogProb>({ id: isNonNegativeInteger, token: isString, bytes: isArrayOf(isByte), logprob: isFiniteNumber });
const isTopKAnswer = hasFields<TopKAnswer>({
  model: (v): v is unknown => v === undefined || isString(v),
  completion_probabilities: isArrayOf(hasFields<{ top_logprobs: LogProb[] }>({ top_logprobs: isArrayOf(isLogProb) })),
  timings: isCompletionTimings,
});

export interface ServerTopK {
  /** The ids the distribution follows: BOS, the text's tokens and the path. */
  contextTokens: number[];
  /** The k likeliest next tokens, likeliest first, with their exact probabilities and their pieces' bytes. */
  top: (TokenProbability & { bytes: Uint8Array })[];
  evaluatedTokens: number;
  reusedTokens: number;
}

export async function serverTopK(
  endpoint: ServerEndpoint,
  vocabulary: ServerVocabulary,
  model: ServedModel,
  request: { text: string; path: readonly number[]; topK: number },
  options: CallOptions,
): Promise<ServerTopK> {
  const textTokens = await vocabulary.continuation(request.text, options);
  const contextTokens = [...(model.bos === null ? [] : [model.bos]), ...textTokens, ...request.path];
  if (contextTokens.length === 0) throw new ServerRequestError('badResponse', 'there is no text to predict from');
  const body = { prompt: contextTokens, n_predict: 1, n_probs: request.topK, post_sampling_probs: false, cache_prompt: true, ...GREEDY };
  const answer = await callJson(endpoint, 'POST', '/completion', body, isTopKAnswer, options);
  checkServedModel(model, answer);
  const [first] = answer.completion_probabilities;
  if (!first) throw new ServerRequestError('badResponse', 'the server sent no token probabilities');
  return {
    contextTokens,
    top: first.top_logprobs.map(({ id, token, bytes, logprob }) => ({
      id,
      text: token.length > 0 || bytes.length === 0 ? token : Buffer.from(bytes).toString('utf8'),
      bytes: Uint8Array.from(bytes),
      probability: Math.exp(logprob),
    })),
    evaluatedTokens: answer.timings.prompt_n,
    reusedTokens: answer.timings.cache_n,
  };
}

/**
 * The Lens's distribution from a server's top k. The tail's mass is exact (1 − the top's), its shape is not known: the
 * sampler lab works on the top k alone, and the entropy is a lower bound (the tail counted as one token).
 */
export function topKDistribution(result: ServerTopK, pathText: string): DistributionResult {
  const probabilities = result.top.map((token) => token.probability);
  const tail = Math.max(0, 1 - probabilities.reduce((sum, p) => sum + p, 0));
  return {
    contextTokens: result.contextTokens,
    fragment: '',
    pathText,
    top: result.top.map(({ id, text, probability }) => ({ id, text, probability })),
    consistent: [],
    sortedProbabilities: '',
    entropyBits: entropyBits([...probabilities, tail]),
    tailMass: tail,
    tailKnown: false,
    evaluatedTokens: result.evaluatedTokens,
    reusedTokens: result.reusedTokens,
  };
}
