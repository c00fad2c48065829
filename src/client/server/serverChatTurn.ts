// A chat turn on a llama-server: the conversation fitted by the same rule as the local engine's, measured with the
// server's own template and tokenizer, and streamed from /v1/chat/completions with cache_prompt, so the server's KV
// cache keeps the conversation between turns. Its timings say how much of the prompt it evaluated.
import { ConversationTooLongError, fitConversation, type FittedConversation } from '../../core/chat/fitConversation';
import type { ChatMessage, ChatParams, ChatResult } from '../../protocol/engineProtocol';
import type { CallOptions, ServerEndpoint } from './serverHttp';
import { PromptTooLongError, SERVER_TEMPLATE } from './serverChat';
import { renderedTokens, streamChatCompletion, type WireMessage } from './serverChatStream';
import type { ServerVocabulary } from './serverVocabulary';

function wireMessages(system: string, history: readonly ChatMessage[], content: string): WireMessage[] {
  const first: WireMessage[] = system.trim().length > 0 ? [{ role: 'system', content: system.trim() }] : [];
  return [...first, ...history, { role: 'user', content }];
}

export async function serverChatTurn(
  endpoint: ServerEndpoint,
  vocabulary: ServerVocabulary,
  contextSize: number,
  params: ChatParams,
  options: CallOptions,
  onText: (text: string) => void,
): Promise<ChatResult> {
  const started = performance.now();
  let fitted: FittedConversation;
  try {
    fitted = await fitConversation({ ...params, contextSize }, {
      render: async (history, content) => (await renderedTokens(endpoint, wireMessages(params.system, history, content), options)).length,
      count: async (text) => (await vocabulary.continuation(text, options)).length,
      start: (text, keep) => vocabulary.continuationStart(text, keep, options),
    });
  } catch (error) {
    throw error instanceof ConversationTooLongError ? new PromptTooLongError(error.message) : error;
  }
  const messages = wireMessages(params.system, fitted.history, fitted.content);
  const answer = await streamChatCompletion(endpoint, messages, params, options, onText);
  // A server too old to send timings is counted as evaluating everything: never a saving it did not make.
  const evaluatedTokens = answer.evaluatedTokens ?? fitted.promptTokens;
  return {
    text: answer.text,
    content: fitted.content,
    chatWrapper: SERVER_TEMPLATE,
    promptTokens: fitted.promptTokens,
    evaluatedTokens,
    reusedTokens: answer.reusedTokens ?? fitted.promptTokens - evaluatedTokens,
    droppedMessages: fitted.droppedMessages,
    cuts: fitted.cuts,
    contextSize,
    generatedTokens: answer.generatedTokens,
    stopReason: answer.stopReason,
    durationMs: performance.now() - started,
  };
}
