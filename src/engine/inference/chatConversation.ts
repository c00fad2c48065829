// The chat's conversation on the loaded model: fitted to the context by core/chat/fitConversation's rule, and
// rendered by the model's chat wrapper into the items LlamaChat takes and the tokens the chat sequence evaluates.
import type { ChatHistoryItem, Token } from 'node-llama-cpp';
import { ConversationTooLongError, fitConversation, type FittedConversation } from '../../core/chat/fitConversation';
import type { ChatMessage, ChatParams } from '../../protocol/engineProtocol';
import { continuationText } from './continuationText';
import { tokenizeContinuation } from './textTokens';
import { CodedError } from '../EngineError';
import type { LoadedModel } from '../LlamaRuntime';

export interface RenderedConversation extends FittedConversation {
  items: ChatHistoryItem[];
  /** The rendered conversation up to where the answer starts. */
  tokens: number[];
}

export async function renderConversation(loaded: LoadedModel, params: ChatParams): Promise<RenderedConversation> {
  const render = (history: readonly ChatMessage[], content: string) => renderTokens(loaded, chatItems(params.system, history, content));
  let fitted: FittedConversation;
  try {
    fitted = await fitConversation({ ...params, contextSize: loaded.info.contextSize }, {
      render: async (history, content) => render(history, content).length,
      count: async (text) => tokenizeContinuation(loaded.model, text).length,
      start: async (text, keep) => continuationText(loaded.model, tokenizeContinuation(loaded.model, text).slice(0, keep) as Token[]),
    });
  } catch (error) {
    throw error instanceof ConversationTooLongError ? new CodedError('contextFull', error.message) : error;
  }
  const items = chatItems(params.system, fitted.history, fitted.content);
  return { ...fitted, items, tokens: renderTokens(loaded, items) };
}

function chatItems(system: string, history: readonly ChatMessage[], content: string): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = system.trim().length > 0 ? [{ type: 'system', text: system.trim() }] : [];
  for (const message of history) {
    items.push(message.role === 'user' ? { type: 'user', text: message.content } : { type: 'model', response: [message.content] });
  }
  items.push({ type: 'user', text: content }, { type: 'model', response: [] });
  return items;
}

function renderTokens(loaded: LoadedModel, items: ChatHistoryItem[]): number[] {
  return loaded.chat.wrapper.generateContextState({ chatHistory: items }).contextText.tokenize(loaded.model.tokenizer);
}
