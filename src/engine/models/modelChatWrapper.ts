// The chat wrapper prompts use. node-llama-cpp picks it from the GGUF's chat template. A model
// without one gets a guess from its file name only (TheBloke's Llama-2-chat and CodeLlama-Instruct
// GGUFs carry no template but say so in their names), and otherwise the general wrapper, so every
// model can be prompted. node-llama-cpp's other hint, a BOS of "<s>", fits every Llama base model,
// so it is not used.
import { basename } from 'node:path';
import {
  GeneralChatWrapper,
  Llama2ChatWrapper,
  resolveChatWrapper,
  type ChatWrapper,
  type GgufFileInfo,
  type LlamaModel,
} from 'node-llama-cpp';
import type { ChatWrapperSource } from '../../protocol/engineProtocol';

export interface ResolvedChatWrapper {
  wrapper: ChatWrapper;
  source: ChatWrapperSource;
}

export function hasChatTemplate(metadata: unknown): boolean {
  const tokenizer = (metadata as { tokenizer?: { chat_template?: unknown } } | undefined)?.tokenizer;
  return typeof tokenizer?.chat_template === 'string' && tokenizer.chat_template.length > 0;
}

export function modelChatWrapper(model: LlamaModel, filePath: string): ResolvedChatWrapper {
  return chatWrapperFor(model.fileInfo, filePath, model);
}

/**
 * The same choice from the GGUF header, for inspection before loading. Without the model's
 * tokenizer node-llama-cpp cannot match a template to its specialised wrapper, so pass the model
 * (a vocabulary-only load will do) when there is one.
 */
export function chatWrapperFor(fileInfo: GgufFileInfo, filePath: string, model?: LlamaModel): ResolvedChatWrapper {
  const fileName = basename(filePath);
  if (hasChatTemplate(fileInfo.metadata)) {
    const resolved = model
      ? resolveChatWrapper(model, { warningLogs: false })
      : resolveChatWrapper({ fileInfo, filename: fileName, warningLogs: false });
    return { wrapper: oneShot(resolved) ?? new GeneralChatWrapper(), source: 'template' };
  }
  // node-llama-cpp reads "codellama-*" names as base models; the Instruct ones were tuned on Llama-2's format.
  if (/codellama.*instruct/i.test(fileName)) return { wrapper: new Llama2ChatWrapper(), source: 'fileName' };
  const guess = oneShot(resolveChatWrapper({ filename: fileName, fileInfo, tokenizer: model?.tokenizer, warningLogs: false }));
  if (guess && !(guess instanceof GeneralChatWrapper)) return { wrapper: guess, source: 'fileName' };
  return { wrapper: new GeneralChatWrapper(), source: 'fallback' };
}

/**
 * Palette prompts are one question and one answer. Llama-2's template puts a space before the EOS
 * of past answers; node-llama-cpp's wrapper, set up to match, also appends it after the empty
 * answer being generated, so the prompt would end "[/INST]  ". Without past answers it is not needed.
 */
function oneShot(wrapper: ChatWrapper | null): ChatWrapper | null {
  return wrapper instanceof Llama2ChatWrapper ? new Llama2ChatWrapper({ addSpaceBeforeEos: false }) : wrapper;
}
