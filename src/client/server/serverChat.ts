// A palette prompt on a llama-server: the same messages as locally, rendered by the server's own chat template to fit
// the context exactly as the local engine does, then streamed from /v1/chat/completions.
import { planContextFit } from '../../core/prompts/contextFit';
import { userMessage } from '../../core/prompts/userMessage';
import type { ContextCut, PromptParams, PromptResult } from '../../protocol/engineProtocol';
import type { CallOptions, ServerEndpoint } from './serverHttp';
import { renderedTokens, streamChatCompletion, type WireMessage } from './serverChatStream';
import type { ServerVocabulary } from './serverVocabulary';

/** What a result names as its chat wrapper: the server renders with its own. */
export const SERVER_TEMPLATE = 'the server\'s chat template';

/** The error a prompt that cannot fit gets, as the local engine's `contextFull`. */
export class PromptTooLongError extends Error {}

function messages(params: PromptParams, context: string): WireMessage[] {
  const system: WireMessage[] = params.system.trim().length > 0 ? [{ role: 'system', content: params.system.trim() }] : [];
  return [...system, { role: 'user', content: userMessage(params.instruction, context, params.language) }];
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
  const answer = await streamChatCompletion(endpoint, messages(params, context), params, options, onText);
  const { text, generatedTokens, stopReason } = answer;
  const durationMs = performance.now() - started;
  return { text, chatWrapper: SERVER_TEMPLATE, promptTokens, cut, generatedTokens, stopReason, durationMs };
}
