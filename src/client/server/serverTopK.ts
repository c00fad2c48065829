// The Lens's next-token distribution on a llama-server: /completion with n_predict 1 and n_probs k. With
// post_sampling_probs off the server takes the softmax of the raw logits over the whole vocabulary, so the top k are
// exact; the rest of the distribution (its tail, its entropy) is not sent, and the Lens says so.
import type { TokenProbability } from '../../protocol/engineProtocol';
import { hasFields, isArrayOf, isFiniteNumber, isNonNegativeInteger, isString } from '../../protocol/guards';
import { GREEDY, isCompletionTimings, type CompletionTimings, type ServedModel } from './serverCompletion';
import { callJson, ServerRequestError, type CallOptions, type ServerEndpoint } from './serverHttp';
import type { ServerVocabulary } from './serverVocabulary';

interface LogProb {
  id: number;
  token: string;
  logprob: number;
}

interface TopKAnswer {
  completion_probabilities: { top_logprobs: LogProb[] }[];
  timings: CompletionTimings;
}

const isLogProb = hasFields<LogProb>({ id: isNonNegativeInteger, token: isString, logprob: isFiniteNumber });
const isTopKAnswer = hasFields<TopKAnswer>({
  completion_probabilities: isArrayOf(hasFields<{ top_logprobs: LogProb[] }>({ top_logprobs: isArrayOf(isLogProb) })),
  timings: isCompletionTimings,
});

export interface ServerTopK {
  /** The ids the distribution follows: BOS, the text's tokens and the path. */
  contextTokens: number[];
  /** The k likeliest next tokens, likeliest first, with their exact probabilities. */
  top: TokenProbability[];
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
  const [first] = answer.completion_probabilities;
  if (!first) throw new ServerRequestError('badResponse', 'the server sent no token probabilities');
  return {
    contextTokens,
    top: first.top_logprobs.map(({ id, token, logprob }) => ({ id, text: token, probability: Math.exp(logprob) })),
    evaluatedTokens: answer.timings.prompt_n,
    reusedTokens: answer.timings.cache_n,
  };
}
