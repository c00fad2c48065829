// One turn of the chat, on the chat's own sequence. The sequence still holds the conversation from the last turn, so
// only what differs from it is evaluated: for a follow-up, the new message and the template's tokens around it.
// The KV state is measured, not assumed: the sequence's token meter counts what this turn evaluated.
import type { Token } from 'node-llama-cpp';
import type { ChatParams, ChatResult, PromptStopReason } from '../../protocol/engineProtocol';
import { answerChat } from './chatAnswer';
import { renderConversation } from './chatConversation';
import { prefill } from './prefill';
import type { LlamaRuntime } from '../LlamaRuntime';

export async function chatTurn(
  runtime: LlamaRuntime,
  params: ChatParams,
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<ChatResult> {
  const loaded = runtime.current;
  const started = performance.now();
  const fit = await renderConversation(loaded, params);
  const { chatSequence: sequence } = loaded;
  const prompt = fit.tokens;
  // LlamaChat samples from the last prompt token's output, so it evaluates that one itself.
  const plan = await runtime.alignSequence(prompt, prompt.length - 1, sequence);
  const meter = sequence.tokenMeter.getState();
  const outcome = await prefill(sequence, prompt.slice(plan.reuse, -1) as Token[], Number.POSITIVE_INFINITY, signal);
  const evaluatedTokens = sequence.tokenMeter.diff(meter).usedInputTokens + 1;
  const base = {
    content: fit.content,
    chatWrapper: loaded.chat.wrapper.wrapperName,
    promptTokens: fit.promptTokens,
    evaluatedTokens,
    reusedTokens: prompt.length - evaluatedTokens,
    droppedMessages: fit.droppedMessages,
    cuts: fit.cuts,
    contextSize: loaded.info.contextSize,
  };
  const finish = (text: string, generatedTokens: number, stopReason: PromptStopReason): ChatResult =>
    ({ ...base, text, generatedTokens, stopReason, durationMs: performance.now() - started });
  if (outcome === 'aborted') return finish('', 0, 'cancelled');

  const answer = await answerChat(loaded, {
    sequence,
    items: fit.items,
    prompt: prompt as Token[],
    temperature: params.temperature,
    maxTokens: params.maxTokens,
    shortened: 'The conversation was shortened to fit the context window; start a new chat or raise llamaLens.contextSize.',
  }, signal, onText);
  return finish(answer.text, answer.generatedTokens, answer.stopReason);
}
