// Runs a command-palette prompt through the model's chat template with node-llama-cpp's LlamaChat,
// on the one loaded model and its sequence: prompts and completions share it without a reload.
// The prompt is fitted to the context window first, so LlamaChat never has to drop text itself.
import { type ChatHistoryItem, type LlamaModel, type Token } from 'node-llama-cpp';
import { planContextFit } from '../../core/prompts/contextFit';
import { userMessage } from '../../core/prompts/userMessage';
import type { ContextCut, PromptParams, PromptResult } from '../../protocol/engineProtocol';
import { continuationText } from './continuationText';
import { answerChat } from './chatAnswer';
import { tokenizeContinuation } from './textTokens';
import { CodedError } from '../EngineError';
import type { LlamaRuntime, LoadedModel } from '../LlamaRuntime';

export async function promptChat(
  runtime: LlamaRuntime,
  params: PromptParams,
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<PromptResult> {
  const loaded = runtime.current;
  const started = performance.now();
  const { context, cut } = fitContext(loaded, params);
  const history = chatHistory(params, context);
  const rendered = renderTokens(loaded, history);
  const answer = await answerChat(loaded, {
    sequence: loaded.sequence,
    items: history,
    prompt: rendered,
    temperature: params.temperature,
    maxTokens: params.maxTokens,
    shortened: 'The prompt was shortened to fit the context window; raise llamaLens.contextSize or lower llamaLens.prompts.maxTokens.',
  }, signal, onText);
  return {
    ...answer,
    chatWrapper: loaded.chat.wrapper.wrapperName,
    // What the sequence evaluated before the answer: checked by answerChat to be the wrapper's rendering.
    promptTokens: rendered,
    cut,
    durationMs: performance.now() - started,
  };
}

function chatHistory(params: PromptParams, context: string): ChatHistoryItem[] {
  const system: ChatHistoryItem[] = params.system.trim().length > 0 ? [{ type: 'system', text: params.system.trim() }] : [];
  return [...system, { type: 'user', text: userMessage(params.instruction, context, params.language) }, { type: 'model', response: [] }];
}

function renderTokens(loaded: LoadedModel, history: ChatHistoryItem[]): Token[] {
  return loaded.chat.wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(loaded.model.tokenizer);
}

/** The context as it fits the window with room for the answer: whole, cut from its end, or refused. */
function fitContext(loaded: LoadedModel, params: PromptParams): { context: string; cut: ContextCut | null } {
  const promptTokens = renderTokens(loaded, chatHistory(params, params.context)).length;
  const overheadTokens = renderTokens(loaded, chatHistory(params, '')).length;
  const contextIds = tokenizeContinuation(loaded.model, params.context) as Token[];
  const plan = planContextFit({
    promptTokens, overheadTokens, contextTokens: contextIds.length, windowTokens: loaded.info.contextSize, answerTokens: params.maxTokens,
  }, params.contextName, params.allowCut);
  switch (plan.kind) {
    case 'fits':
      return { context: params.context, cut: null };
    case 'tooLong':
      throw new CodedError('contextFull', plan.reason);
    case 'cut':
      return cutToFit(loaded, params, contextIds, plan.keepTokens);
    default: {
      const unreachable: never = plan;
      return unreachable;
    }
  }
}

/**
 * The context's first `keep` tokens, fewer when the cut text re-tokenizes longer inside the message
 * (merges at the cut and the fence can differ from the context tokenized alone).
 */
function cutToFit(loaded: LoadedModel, params: PromptParams, ids: Token[], keepTokens: number): { context: string; cut: ContextCut } {
  const room = loaded.info.contextSize - params.maxTokens;
  let keep = keepTokens;
  for (let attempt = 0; attempt < 4 && keep > 0; attempt++) {
    const context = detokenizeStart(loaded.model, ids, keep);
    const excess = renderTokens(loaded, chatHistory(params, context)).length - room;
    if (excess <= 0) return { context, cut: { cutTokens: ids.length - keep, keptTokens: keep } };
    keep -= excess;
  }
  throw new CodedError(
    'contextFull',
    `${params.contextName} could not be cut to fit the model's context of ${loaded.info.contextSize} tokens.`,
  );
}

/** The text of the first `keep` tokens, with the leading space a text that starts with one has. */
function detokenizeStart(model: LlamaModel, ids: Token[], keep: number): string {
  return continuationText(model, ids.slice(0, keep));
}
