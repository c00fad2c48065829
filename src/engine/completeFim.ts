// Fill-in-the-middle completion on the runtime's persistent sequence, greedy, streamed.
import type { Token } from 'node-llama-cpp';
import type { CompleteParams, CompleteResult, StopReason } from '../protocol/engineProtocol';
import { buildFimPrompt, fitToBudget } from '../core/fimPrompt';
import type { LlamaRuntime } from './LlamaRuntime';

/** Special tokens around the prompt: BOS and up to three FIM markers. */
const SPECIAL_TOKENS_ROOM = 4;

export async function completeFim(
  runtime: LlamaRuntime,
  params: CompleteParams,
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<CompleteResult> {
  const started = performance.now();
  const { model, sequence, fim, info } = runtime.current;
  const budget = info.contextSize - params.maxTokens - SPECIAL_TOKENS_ROOM;
  const fitted = fitToBudget(
    model.tokenize(params.prefix, false, 'trimLeadingSpace'),
    fim ? model.tokenize(params.suffix, false, 'trimLeadingSpace') : [],
    budget,
  );
  const prompt = buildFimPrompt({ bos: model.tokens.bos, fim, layout: params.layout, ...fitted });
  const plan = await runtime.alignSequence(prompt.tokens);

  const generated: Token[] = [];
  let text = '';
  let stopReason: StopReason = 'maxTokens';
  for await (const token of sequence.evaluate(prompt.tokens.slice(plan.reuse) as Token[], { temperature: 0 })) {
    if (signal.aborted) {
      stopReason = 'cancelled';
      break;
    }
    if (model.isEogToken(token)) {
      stopReason = 'endOfText';
      break;
    }
    generated.push(token);
    text = model.detokenize(generated);
    const newline = params.stopAtNewline ? text.indexOf('\n') : -1;
    if (newline !== -1) {
      text = text.slice(0, newline);
      stopReason = 'newline';
      break;
    }
    onText(text);
    if (generated.length >= params.maxTokens) break;
  }
  return {
    text,
    generatedTokens: generated.length,
    evaluatedTokens: plan.evaluate,
    reusedTokens: plan.reuse,
    usedFim: prompt.usedFim,
    stopReason,
    durationMs: performance.now() - started,
  };
}
