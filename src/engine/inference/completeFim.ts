// Fill-in-the-middle completion on the runtime's persistent sequence: build the prompt, reuse the
// KV state it shares with the previous request, evaluate the rest within a time budget, then
// generate greedily, once or once per alternative first token.
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { CompleteParams, CompleteResult, StopReason } from '../../protocol/engineProtocol';
import { buildFimPrompt, fitPrompt } from '../../core/fimPrompt';
import { mostReusable } from '../../core/kvReuse';
import { greedyGenerate, traceStep, stopReasonOf, TRACE_ALTERNATIVES, type Generation, type GenerationLimits } from './greedyGenerate';
import { topProbabilities, topRequest } from './positionScores';
import type { LlamaRuntime } from '../LlamaRuntime';
import { prefill } from './prefill';
import { tokenizeFimParts } from './tokenizeFimParts';

/** Special tokens around the prompt: BOS and up to three FIM markers. */
const SPECIAL_TOKENS_ROOM = 4;

export async function completeFim(
  runtime: LlamaRuntime,
  params: CompleteParams,
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<CompleteResult> {
  const started = performance.now();
  const { model, sequence, fim, info, promptLookup } = runtime.current;
  const parts = tokenizeFimParts(model, { extraContext: params.extraContext, prefix: params.prefix, suffix: fim ? params.suffix : '' });
  const room = info.contextSize - params.maxTokens - SPECIAL_TOKENS_ROOM;
  // The prefix may run one trim step over its budget when that keeps the KV state usable: a prefetch
  // (prefix + suggestion) that crossed a step must not make the next keystroke re-evaluate the prefix.
  const prompts = [0, 1].map((slackSteps) => {
    const fitted = fitPrompt(parts, params.budgets, room, slackSteps);
    return buildFimPrompt({ bos: model.tokens.bos, fim, layout: params.layout, ...fitted });
  });
  const choice = mostReusable(sequence.contextTokens, prompts.map((candidate) => candidate.tokens));
  const prompt = prompts[choice.index] ?? prompts[0]!;
  const plan = await runtime.alignSequence(prompt.tokens);
  // The predictor drafts by finding the latest tokens in this input: the whole prompt, suffix and extra context included.
  promptLookup?.updateInputTokens(prompt.tokens as Token[]);
  const predictionsBefore = { ...sequence.tokenPredictions };
  const pending = prompt.tokens.slice(plan.reuse) as Token[];
  const last = pending.pop();
  const promptDeadline = params.maxPromptMs > 0 ? started + params.maxPromptMs : Infinity;
  const outcome = await prefill(sequence, pending, promptDeadline, signal);
  const promptDone = performance.now();
  const base = {
    evaluatedTokens: plan.evaluate, reusedTokens: plan.reuse, usedFim: prompt.usedFim, promptMs: promptDone - started,
  };
  if (outcome !== 'done' || last === undefined) {
    const stopReason: StopReason = outcome === 'budget' ? 'promptBudget' : stopReasonOf(signal);
    return finish(
      base,
      { tokens: [], text: '', stopReason, tokensAfterStop: 0, trace: [] },
      [],
      sequence,
      predictionsBefore,
      started,
      promptDone,
    );
  }
  const limits: GenerationLimits = {
    maxTokens: params.maxTokens,
    stopAtNewline: params.stopAtNewline,
    deadline: params.maxGenerationMs > 0 ? promptDone + params.maxGenerationMs : Infinity,
    signal,
    trace: params.trace,
  };
  if (params.alternatives <= 1) {
    const main = await greedyGenerate(model, sequence, [last], prompt.tokens as Token[], limits, onText);
    return finish(base, main, [], sequence, predictionsBefore, started, promptDone);
  }
  const [main, ...others] = await generateAlternatives(model, sequence, prompt.tokens as Token[], params.alternatives, limits, onText);
  return finish(base, main ?? emptyGeneration(signal), others, sequence, predictionsBefore, started, promptDone);
}

/**
 * One greedy suggestion for each of the most likely first tokens, best first. Each starts from the
 * prompt's KV state again: only the generated tokens are erased between them.
 */
async function generateAlternatives(
  model: LlamaModel,
  sequence: LlamaContextSequence,
  prompt: Token[],
  count: number,
  limits: GenerationLimits,
  onText: (text: string) => void,
): Promise<Generation[]> {
  const last = prompt[prompt.length - 1];
  if (last === undefined) return [];
  const { tokens: firstTokens, probabilities } = await likelyFirstTokens(model, sequence, last, count);
  const promptLength = sequence.nextTokenIndex;
  const generations: Generation[] = [];
  for (const [index, first] of firstTokens.entries()) {
    if (limits.signal.aborted) break;
    if (sequence.nextTokenIndex > promptLength) {
      await sequence.eraseContextTokenRanges([{ start: promptLength, end: sequence.nextTokenIndex }]);
    }
    const trace = limits.trace && probabilities ? traceStep(model, first, probabilities) : undefined;
    generations.push(
      await greedyGenerate(model, sequence, [first], prompt, limits, index === 0 ? onText : () => undefined, { token: first, trace }),
    );
  }
  return generations;
}

/** End-of-generation tokens (EOS, EOT…) a model may rank among the first tokens; an alternative never starts with one. */
const END_TOKENS_SKIPPED = 4;

async function likelyFirstTokens(
  model: LlamaModel, sequence: LlamaContextSequence, last: Token, count: number,
): Promise<{ tokens: Token[]; probabilities: Map<Token, number> | undefined }> {
  // The sampled token is not fed back: the sequence holds exactly the prompt. A few more than asked, since end tokens
  // are skipped; enough for the first step's trace.
  const [output] = await sequence.controlledEvaluate([
    [last, { generateNext: topRequest(Math.max(count + END_TOKENS_SKIPPED, TRACE_ALTERNATIVES + 1)) }],
  ]);
  const probabilities = topProbabilities(output);
  if (probabilities.size === 0) return { tokens: [], probabilities: undefined };
  return { tokens: [...probabilities.keys()].filter((token) => !model.isEogToken(token)).slice(0, count), probabilities };
}

function finish(
  base: Pick<CompleteResult, 'evaluatedTokens' | 'reusedTokens' | 'usedFim' | 'promptMs'>,
  main: Generation,
  others: Generation[],
  sequence: LlamaContextSequence,
  predictionsBefore: { validated: number; refuted: number },
  started: number,
  promptDone: number,
): CompleteResult {
  const now = performance.now();
  const texts = new Set([main.text]);
  // Alternatives that read the same as an earlier suggestion add nothing to cycle through.
  const alternatives = others.map((other) => other.text).filter((text) => text.length > 0 && !texts.has(text) && texts.add(text));
  return {
    ...base,
    text: main.text,
    alternatives,
    generatedTokens: main.tokens.length + others.reduce((sum, other) => sum + other.tokens.length, 0),
    stopReason: main.stopReason,
    tokensAfterStop: main.tokensAfterStop + others.reduce((sum, other) => sum + other.tokensAfterStop, 0),
    predictedTokens: {
      validated: sequence.tokenPredictions.validated - predictionsBefore.validated,
      refuted: sequence.tokenPredictions.refuted - predictionsBefore.refuted,
    },
    generationMs: now - promptDone,
    durationMs: now - started,
    trace: main.trace,
  };
}

function emptyGeneration(signal: AbortSignal): Generation {
  return { tokens: [], text: '', stopReason: stopReasonOf(signal), tokensAfterStop: 0, trace: [] };
}
