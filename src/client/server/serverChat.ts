// A palette prompt on a llama-server: the same messages as locally, rendered by the server's own chat template
// (/apply-template) to fit the context exactly as the local engine does, then streamed from /v1/chat/completions as
// server-sent events. Cancelling closes the request, and the server stops generating.
import { planContextFit } from '../../core/prompts/contextFit';
import { userMessage } from '../../core/prompts/userMessage';
import { ServerSentEvents } from '../../core/net/serverSentEvents';
import type { ContextCut, PromptParams, PromptResult, PromptStopReason } from '../../protocol/engineProtocol';
import { hasFields, isArrayOf, isNonNegativeInteger, isRecord, isString } from '../../protocol/guards';
import { call, callJson, ServerRequestError, type CallOptions, type ServerEndpoint } from './serverHttp';
import type { ServerVocabulary } from './serverVocabulary';

interface Message {
  role: 'system' | 'user';
  content: string;
}

const isRendered = hasFields<{ prompt: string }>({ prompt: isString });
const isTokens = hasFields<{ tokens: number[] }>({ tokens: isArrayOf(isNonNegativeInteger) });

/** The error a prompt that cannot fit gets, as the local engine's `contextFull`. */
export class PromptTooLongError extends Error {}

function messages(params: PromptParams, context: string): Message[] {
  const system: Message[] = params.system.trim().length > 0 ? [{ role: 'system', content: params.system.trim() }] : [];
  return [...system, { role: 'user', content: userMessage(params.instruction, context, params.language) }];
}

/** The prompt's ids as the server will evaluate them: its template's rendering, special tokens parsed, BOS added. */
async function renderedTokens(endpoint: ServerEndpoint, list: Message[], options: CallOptions): Promise<number[]> {
  const { prompt } = await callJson(endpoint, 'POST', '/apply-template', { messages: list }, isRendered, options);
  const body = { content: prompt, add_special: true, parse_special: true };
  return (await callJson(endpoint, 'POST', '/tokenize', body, isTokens, options)).tokens;
}

/** The context as it fits the window with room for the answer: whole, cut from its end, or refused. */
async function fitContext(
  endpoint: ServerEndpoint,
  vocabulary: ServerVocabulary,
  contextSize: number,
  params: PromptParams,
  options: CallOptions,
): Promise<{ context: string; cut: ContextCut | null; promptTokens: number[] }> {
  const [full, empty, contextIds] = await Promise.all([
    renderedTokens(endpoint, messages(params, params.context), options),
    renderedTokens(endpoint, messages(params, ''), options),
    vocabulary.continuation(params.context, options),
  ]);
  const fit = { promptTokens: full.length, overheadTokens: empty.length, contextTokens: contextIds.length, windowTokens: contextSize };
  const plan = planContextFit({ ...fit, answerTokens: params.maxTokens }, params.contextName, params.allowCut);
  if (plan.kind === 'fits') return { context: params.context, cut: null, promptTokens: full };
  if (plan.kind === 'tooLong') throw new PromptTooLongError(plan.reason);
  // Cut at a token boundary; the rendering is checked once more, since merges at the cut can differ.
  for (let keep = plan.keepTokens; keep > 0; keep -= Math.max(8, Math.ceil(keep / 16))) {
    const context = await vocabulary.continuationStart(params.context, keep, options);
    const promptTokens = await renderedTokens(endpoint, messages(params, context), options);
    if (promptTokens.length <= contextSize - params.maxTokens) {
      return { context, cut: { cutTokens: contextIds.length - keep, keptTokens: keep }, promptTokens };
    }
  }
  throw new PromptTooLongError(`${params.contextName} does not fit the server's context of ${contextSize} tokens.`);
}

export async function serverChat(
  endpoint: ServerEndpoint,
  vocabulary: ServerVocabulary,
  contextSize: number,
  params: PromptParams,
  options: CallOptions,
  onText: (text: string) => void,
): Promise<PromptResult> {
  const started = performance.now();
  const { context, cut, promptTokens } = await fitContext(endpoint, vocabulary, contextSize, params, options);
  const events = new ServerSentEvents();
  const state = { text: '', generatedTokens: 0, finish: undefined as string | undefined };
  const take = (data: string) => {
    if (data === '[DONE]') return;
    const parsed = parseEvent(data);
    const choice = parsed.choices[0];
    const delta = choice?.delta?.content;
    if (typeof delta === 'string' && delta.length > 0) {
      state.text += delta;
      onText(delta);
    }
    if (typeof choice?.finish_reason === 'string') state.finish = choice.finish_reason;
    const completion = parsed.usage?.completion_tokens;
    if (typeof completion === 'number') state.generatedTokens = completion;
  };
  const body = {
    messages: messages(params, context), stream: true, stream_options: { include_usage: true }, cache_prompt: true,
    temperature: params.temperature, max_tokens: params.maxTokens,
  };
  try {
    await call(endpoint, 'POST', '/v1/chat/completions', body, { ...options, onChunk: (chunk) => events.push(chunk).forEach(take) });
  } catch (error) {
    if (error instanceof ServerRequestError && error.code === 'cancelled') return result('cancelled');
    throw error;
  }
  const last = events.end();
  last.events.forEach(take);
  if (!last.complete || state.finish === undefined) {
    throw new ServerRequestError('badResponse', 'the server\'s answer stream was cut off before it finished');
  }
  return result(state.finish === 'length' ? 'maxTokens' : 'endOfText');

  function result(stopReason: PromptStopReason): PromptResult {
    const durationMs = performance.now() - started;
    const { text, generatedTokens } = state;
    return { text, chatWrapper: 'the server\'s chat template', promptTokens, cut, generatedTokens, stopReason, durationMs };
  }
}

interface ChatEvent {
  choices: { delta?: { content?: unknown }; finish_reason?: unknown }[];
  usage?: { completion_tokens?: unknown };
}

function parseEvent(data: string): ChatEvent {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new ServerRequestError('badResponse', 'the server sent an event that is not JSON');
  }
  if (!isRecord(value) || !Array.isArray(value.choices) || !value.choices.every(isRecord)) {
    throw new ServerRequestError('badResponse', 'the server sent an event without choices');
  }
  return value as unknown as ChatEvent;
}
