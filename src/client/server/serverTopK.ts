// The Lens's next-token distribution on a llama-server: /completion with n_predict 1 and n_probs k. With
// post_sampling_probs off the server takes the softmax of the raw logits over the whole vocabulary, so the top k are
// exact; the rest of the distribution (its tail, its entropy) is not sent, and the Lens says so.
import { entropyBits } from '../../core/lens/distributionMath';
import { MAX_TOKEN_BYTES, type DistributionResult, type TokenProbability } from '../../protocol/engineProtocol';
import { isWholeUtf8 } from '../../core/text/tokenBytes';
import { hasFields, isArrayOf, isFiniteNumber, isNonNegativeInteger, isString, optional } from '../../protocol/guards';
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
  /** Absent when the token the server picked is only part of a character: it holds back text and probabilities alike. */
  completion_probabilities?: { top_logprobs: LogProb[] }[];
  /** The token it picked (asked for with return_tokens). */
  tokens: number[];
  timings: CompletionTimings;
}

const isByte = (v: unknown): v is number => isNonNegativeInteger(v) && v <= 255;
const isLogProb = hasFields<LogProb>({ id: isNonNegativeInteger, token: isString, bytes: isArrayOf(isByte), logprob: isFiniteNumber });
const isTopKAnswer = hasFields<TopKAnswer>({
  model: (v): v is unknown => v === undefined || isString(v),
  completion_probabilities: optional(isArrayOf(hasFields<{ top_logprobs: LogProb[] }>({ top_logprobs: isArrayOf(isLogProb) }))),
  tokens: isArrayOf(isNonNegativeInteger),
  timings: isCompletionTimings,
});

export interface ServerTopK {
  /** The ids the distribution follows: BOS, the text's tokens and the path. */
  contextTokens: number[];
  /** The k likeliest next tokens, likeliest first, with their exact probabilities and their pieces' bytes. */
  top: (TokenProbability & { pieceBytes: Uint8Array })[];
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
  const { answer, probabilities } = await topLogProbs(endpoint, model, contextTokens, request.topK, options);
  const top = await Promise.all(probabilities.map(async ({ id, token, bytes, logprob }): Promise<ServerTopK['top'][number]> => {
    const pieceBytes = Uint8Array.from(bytes);
    // The server sends a control token with no text and no bytes; /detokenize names it.
    if (bytes.length === 0) {
      return { id, text: await vocabulary.specialName(id, options), probability: Math.exp(logprob), special: true, pieceBytes };
    }
    const text = token.length > 0 ? token : Buffer.from(bytes).toString('utf8');
    const whole = isWholeUtf8(bytes);
    return { id, text, probability: Math.exp(logprob), ...(whole ? {} : { bytes: bytes.slice(0, MAX_TOKEN_BYTES) }), pieceBytes };
  }));
  return { contextTokens, top, evaluatedTokens: answer.timings.prompt_n, reusedTokens: answer.timings.cache_n };
}

/** Tokens the server may be steered away from before the Lens gives up: a character is at most 4 byte tokens. */
const MAX_STEERS = 8;

/**
 * The top k after `contextTokens`, from the raw logits. Where the token the server picks is only part of a character,
 * it sends no probabilities; asked again with that token banned, it picks another, and the raw logits (and so the
 * probabilities it reports) are the same: the ban is a sampler, applied after them.
 */
async function topLogProbs(
  endpoint: ServerEndpoint, model: ServedModel, contextTokens: number[], topK: number, options: CallOptions,
): Promise<{ answer: TopKAnswer; probabilities: LogProb[] }> {
  const banned: number[] = [];
  for (;;) {
    const body = {
      prompt: contextTokens, n_predict: 1, n_probs: topK, post_sampling_probs: false, cache_prompt: true, return_tokens: true,
      ...GREEDY, logit_bias: banned.map((id) => [id, false]),
    };
    const answer = await callJson(endpoint, 'POST', '/completion', body, isTopKAnswer, options);
    checkServedModel(model, answer);
    const probabilities = answer.completion_probabilities?.[0]?.top_logprobs;
    if (probabilities) return { answer, probabilities };
    const [picked] = answer.tokens;
    if (picked === undefined || banned.includes(picked) || banned.length >= MAX_STEERS) {
      throw new ServerRequestError('badResponse', 'the server sent no token probabilities');
    }
    banned.push(picked);
  }
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
    top: result.top.map(({ pieceBytes: _bytes, ...token }) => token),
    consistent: [],
    sortedProbabilities: '',
    entropyBits: entropyBits([...probabilities, tail]),
    tailMass: tail,
    tailKnown: false,
    evaluatedTokens: result.evaluatedTokens,
    reusedTokens: result.reusedTokens,
  };
}
