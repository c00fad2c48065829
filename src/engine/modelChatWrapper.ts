// The chat wrapper prompts use: node-llama-cpp's pick for the model's own chat template, or its
// general wrapper for a model without one (a base or FIM model), so every model can be prompted.
import { GeneralChatWrapper, resolveChatWrapper, type ChatWrapper, type LlamaModel } from 'node-llama-cpp';
import type { ChatWrapperSource } from '../protocol/engineProtocol';

export interface ResolvedChatWrapper {
  wrapper: ChatWrapper;
  source: ChatWrapperSource;
}

export function hasChatTemplate(metadata: unknown): boolean {
  const tokenizer = (metadata as { tokenizer?: { chat_template?: unknown } } | undefined)?.tokenizer;
  return typeof tokenizer?.chat_template === 'string' && tokenizer.chat_template.length > 0;
}

export function modelChatWrapper(model: LlamaModel): ResolvedChatWrapper {
  if (!hasChatTemplate(model.fileInfo.metadata)) return { wrapper: new GeneralChatWrapper(), source: 'fallback' };
  const wrapper = resolveChatWrapper(model, { warningLogs: false }) ?? new GeneralChatWrapper();
  return { wrapper, source: 'template' };
}
