// What palette prompts and the chat share on a llama-server: rendering messages with the server's own chat template
// (/apply-template, then /tokenize, to count exactly what it will evaluate), and streaming an answer from
// /v1/chat/completions as server-sent events. Cancelling closes the request, and the server stops generating.
import { ServerSentEvents } from '../../core/net/serverSentEvents';
import type { PromptStopReason } from '../../protocol/engineProtocol';
import { hasFields, isArrayOf, isNonNegativeInteger, isRecord, isString } from '../../protocol/guards';
import { call, callJson, ServerRequestError, type CallOptions, type ServerEndpoint } from './serverHttp';

export interface WireMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

const isRendered = hasFields<{ prompt: string }>({ prompt: isString });
const isTokens = hasFields<{ tokens: number[] }>({ tokens: isArrayOf(isNonNegativeInteger) });

/** The prompt's ids as the server will evaluate them: its template's rendering, special tokens parsed, BOS added. */
export async function renderedTokens(endpoint: ServerEndpoint, list: readonly WireMessage[], options: CallOptions): Promise<number[]> {
  const { prompt } = await callJson(endpoint, 'POST', '/apply-template', { messages: list }, isRendered, options);
  const body = { content: prompt, add_special: true, parse_special: true };
  return (await callJson(endpoint, 'POST', '/tokenize', body, isTokens, options)).tokens;
}

export interface StreamedAnswer {
  text: string;
  generatedTokens: number;
  stopReason: PromptStopReason;
  /** From the server's timings, when it sends them: prompt tokens it evaluated, and those it found in its cache. */
  evaluatedTokens: number | undefined;
  reusedTokens: number | undefined;
}

export async function streamChatCompletion(
  endpoint: ServerEndpoint,
  messages: readonly WireMessage[],
  sampling: { temperature: number; maxTokens: number },
  options: CallOptions,
  onText: (text: string) => void,
): Promise<StreamedAnswer> {
  const events = new ServerSentEvents();
  const state: StreamedAnswer & { finish: string | undefined } = {
    text: '', generatedTokens: 0, stopReason: 'endOfText', evaluatedTokens: undefined, reusedTokens: undefined, finish: undefined,
  };
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
    const { timings } = parsed;
    if (isNonNegativeInteger(timings?.prompt_n)) state.evaluatedTokens = timings.prompt_n;
    if (isNonNegativeInteger(timings?.cache_n)) state.reusedTokens = timings.cache_n;
  };
  const body = {
    messages, stream: true, stream_options: { include_usage: true }, cache_prompt: true,
    temperature: sampling.temperature, max_tokens: sampling.maxTokens,
  };
  try {
    await call(endpoint, 'POST', '/v1/chat/completions', body, { ...options, onChunk: (chunk) => events.push(chunk).forEach(take) });
  } catch (error) {
    if (error instanceof ServerRequestError && error.code === 'cancelled') return { ...state, stopReason: 'cancelled' };
    throw error;
  }
  const last = events.end();
  last.events.forEach(take);
  if (!last.complete || state.finish === undefined) {
    throw new ServerRequestError('badResponse', 'the server\'s answer stream was cut off before it finished');
  }
  return { ...state, stopReason: state.finish === 'length' ? 'maxTokens' : 'endOfText' };
}

interface ChatEvent {
  choices: { delta?: { content?: unknown }; finish_reason?: unknown }[];
  usage?: { completion_tokens?: unknown };
  timings?: { prompt_n?: unknown; cache_n?: unknown };
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
