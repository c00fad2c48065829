// A fill-in-the-middle completion on a llama-server. Llama Lens builds the prompt as token ids, in the same order and
// with the same budgets as the local engine (suffix-first for CodeLlama-style models), and sends it to /completion with
// cache_prompt: the server's KV state keeps everything before the cursor, so a keystroke re-evaluates only its own
// tokens. llama.vscode's /infill puts the suffix after the prefix, and re-evaluates the suffix on every keystroke.
// The answer is streamed: llama-server notices a closed connection at its next token when it streams, but only at its
// next one-second poll when it does not, and a superseded completion (or prefetch) would hold its slot that long.
import { buildFimPrompt, fitPrompt, type FimTokens } from '../../core/fimPrompt';
import { mostReusable } from '../../core/kvReuse';
import { ServerSentEvents } from '../../core/net/serverSentEvents';
import { hasFields, isArrayOf, isBoolean, isFiniteNumber, isNonNegativeInteger, isOneOf, isString } from '../../protocol/guards';
import type { CompleteParams, CompleteResult, StopReason } from '../../protocol/engineProtocol';
import { call, ServerRequestError, type CallOptions, type ServerEndpoint } from './serverHttp';
import type { ServerVocabulary } from './serverVocabulary';

/** What completions need to know about the served model, probed once per model. */
export interface ServedModel {
  contextSize: number;
  bos: number | null;
  /** null: the model has no FIM tokens and simply continues the prefix. */
  fim: FimTokens | null;
  /** The name the server gives the model: an answer under another name means the server swapped it (unset: unchecked). */
  name?: string;
}

/** Refuses an answer from another model than the one probed: its vocabulary, FIM tokens and context may all differ. */
export function checkServedModel(model: ServedModel, answer: { model?: unknown }): void {
  if (model.name === undefined || answer.model === undefined || answer.model === model.name) return;
  const now = typeof answer.model === 'string' ? ` ${JSON.stringify(answer.model.slice(0, 120))}` : ' another model';
  throw new ServerRequestError('modelChanged', `the server now serves${now} instead of ${JSON.stringify(model.name)}`);
}

export interface CompletionTimings {
  prompt_n: number;
  prompt_ms: number;
  predicted_n: number;
  predicted_ms: number;
  cache_n: number;
}

/**
 * What this client last left in the server's KV cache: the prompt it sent and the tokens generated after it. The
 * server keeps the longest common start of its cache and the next prompt, so the prompt is chosen to share the most.
 * Another client of the same server may have replaced it; the choice is then only less good, never wrong.
 */
export class ServerCacheMirror {
  tokens: readonly number[] = [];
}

interface CompletionAnswer {
  model?: unknown;
  content: string;
  tokens: number[];
  stop_type: 'none' | 'eos' | 'word' | 'limit';
  timings: CompletionTimings;
}

/** One event of the stream: a piece of the answer, or (`stop: true`) the last, with why it stopped and the timings. */
interface CompletionChunk {
  content: string;
  tokens?: number[];
  stop: boolean;
}

export const isCompletionTimings = hasFields<CompletionTimings>({
  prompt_n: isNonNegativeInteger,
  prompt_ms: isFiniteNumber,
  predicted_n: isNonNegativeInteger,
  predicted_ms: isFiniteNumber,
  cache_n: isNonNegativeInteger,
});

const isCompletionChunk = hasFields<CompletionChunk>({
  content: isString,
  tokens: (v): v is number[] | undefined => v === undefined || isArrayOf(isNonNegativeInteger)(v),
  stop: isBoolean,
});

const isFinalChunk = hasFields<Omit<CompletionAnswer, 'content' | 'tokens'>>({
  model: (v): v is unknown => v === undefined || isString(v),
  stop_type: isOneOf(['none', 'eos', 'word', 'limit'] as const),
  timings: isCompletionTimings,
});

/** Special tokens around the prompt: BOS and up to three FIM markers. */
const SPECIAL_TOKENS_ROOM = 4;

/** The sampling that makes /completion greedy: the top token, always, with no penalty or other sampler in the way. */
export const GREEDY = { samplers: ['top_k'], top_k: 1, temperature: 0, repeat_penalty: 1, dry_multiplier: 0 } as const;

/**
 * The prompt's ids: the same fitting and order as the local engine's completeFim. As there, the prefix may run one trim
 * step over its budget when that keeps the cache usable: a prefetch (prefix + suggestion) that crossed a step must not
 * make the next keystroke re-evaluate the whole prefix.
 */
export async function fimPromptTokens(
  vocabulary: ServerVocabulary,
  model: ServedModel,
  params: CompleteParams,
  options: CallOptions,
  cached: readonly number[] = [],
): Promise<{ tokens: number[]; usedFim: boolean }> {
  const texts = { extraContext: params.extraContext, prefix: params.prefix, suffix: model.fim ? params.suffix : '' };
  const parts = await vocabulary.fimParts(texts, options);
  const room = model.contextSize - params.maxTokens - SPECIAL_TOKENS_ROOM;
  const prompts = [0, 1].map((slackSteps) =>
    buildFimPrompt({ bos: model.bos, fim: model.fim, layout: params.layout, ...fitPrompt(parts, params.budgets, room, slackSteps) }));
  const choice = mostReusable(cached, prompts.map((prompt) => prompt.tokens));
  return prompts[choice.index] ?? prompts[0]!;
}

export async function serverComplete(
  endpoint: ServerEndpoint,
  vocabulary: ServerVocabulary,
  model: ServedModel,
  params: CompleteParams,
  options: CallOptions,
  cache: ServerCacheMirror = new ServerCacheMirror(),
): Promise<CompleteResult> {
  const started = performance.now();
  const prompt = await fimPromptTokens(vocabulary, model, params, options, cache.tokens);
  // Until the answer says otherwise, the server may hold any start of this prompt.
  cache.tokens = prompt.tokens;
  const body = {
    prompt: prompt.tokens,
    n_predict: params.maxTokens,
    cache_prompt: true,
    stream: true,
    stop: params.stopAtNewline ? ['\n'] : [],
    t_max_predict_ms: params.maxGenerationMs,
    return_tokens: true,
    ...GREEDY,
  };
  const answer = await streamCompletion(endpoint, body, options);
  checkServedModel(model, answer);
  const { timings } = answer;
  cache.tokens = [...prompt.tokens, ...answer.tokens];
  return {
    text: answer.content,
    alternatives: [],
    generatedTokens: timings.predicted_n,
    evaluatedTokens: timings.prompt_n,
    reusedTokens: timings.cache_n,
    usedFim: prompt.usedFim,
    stopReason: stopReasonOf(answer, params),
    tokensAfterStop: 0,
    predictedTokens: { validated: 0, refuted: 0 },
    promptMs: timings.prompt_ms,
    generationMs: timings.predicted_ms,
    durationMs: performance.now() - started,
    trace: [],
  };
}

/** Posts a completion and gathers its stream into one answer; a stream that ends without its last event is cut off. */
async function streamCompletion(endpoint: ServerEndpoint, body: object, options: CallOptions): Promise<CompletionAnswer> {
  const events = new ServerSentEvents();
  const gathered = { content: '', tokens: [] as number[] };
  let final: Omit<CompletionAnswer, 'content' | 'tokens'> | undefined;
  let seen = 0;
  const take = (data: string) => {
    seen++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      throw new ServerRequestError('badResponse', 'an event of the completion stream is not JSON');
    }
    if (!isCompletionChunk(parsed)) {
      throw new ServerRequestError('badResponse', 'an event of the completion stream has an unexpected shape');
    }
    gathered.content += parsed.content;
    gathered.tokens.push(...(parsed.tokens ?? []));
    if (!parsed.stop) return;
    if (!isFinalChunk(parsed)) {
      throw new ServerRequestError('badResponse', 'the completion stream\'s last event has an unexpected shape');
    }
    final = parsed;
  };
  await call(endpoint, 'POST', '/completion', body, { ...options, onChunk: (chunk) => events.push(chunk).forEach(take) });
  events.end().events.forEach(take);
  if (seen === 0) throw new ServerRequestError('badResponse', 'the answer is not JSON in server-sent events');
  if (!final) throw new ServerRequestError('badResponse', 'the completion stream was cut off before it finished');
  return { ...final, ...gathered };
}

function stopReasonOf(answer: CompletionAnswer, params: CompleteParams): StopReason {
  switch (answer.stop_type) {
    case 'eos':
      return 'endOfText';
    case 'word':
      return 'newline';
    case 'limit':
      // The server says "limit" for both n_predict and t_max_predict_ms.
      return answer.timings.predicted_n < params.maxTokens ? 'generationBudget' : 'maxTokens';
    case 'none':
      throw new ServerRequestError('badResponse', 'the server ended the completion without saying why');
    default: {
      const unreachable: never = answer.stop_type;
      return unreachable;
    }
  }
}
