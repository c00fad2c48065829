// Greedy generation on a sequence whose KV state already holds the prompt (but its last token).
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { StopReason, TraceStep } from '../../protocol/engineProtocol';
import { ContinuationDecoder } from './continuationText';
import { topProbabilities, topRequest } from './positionScores';
import { lensPieces, shownToken } from './tokenPieces';

/** Alternatives kept per traced step. */
export const TRACE_ALTERNATIVES = 5;

export interface GenerationLimits {
  maxTokens: number;
  stopAtNewline: boolean;
  /** performance.now() after which the text so far is the answer; Infinity for none. */
  deadline: number;
  signal: AbortSignal;
  /** Record each step's probabilities, for the Lens's completion inspector. */
  trace: boolean;
}

export interface Generation {
  tokens: Token[];
  text: string;
  stopReason: StopReason;
  /** Tokens that arrived after the signal fired. */
  tokensAfterStop: number;
  trace: TraceStep[];
}

/**
 * Feeds `input` and follows the model's greedy choices. With `first`, that token is taken as the
 * first generated one (an alternative suggestion) and `input` must end with it; `first.trace` is
 * its step for the trace. `prompt` is what the sequence held before generating: the text is
 * decoded as its continuation.
 * Checks the signal after every token: a cancelled or superseded request stops within one token.
 */
export async function greedyGenerate(
  model: LlamaModel,
  sequence: LlamaContextSequence,
  input: Token[],
  prompt: readonly Token[],
  limits: GenerationLimits,
  onText: (text: string) => void,
  first?: { token: Token; trace: TraceStep | undefined },
): Promise<Generation> {
  const decoder = new ContinuationDecoder(model, prompt);
  const tokens: Token[] = first === undefined ? [] : [first.token];
  let text = decoder.text(tokens);
  let stopReason: StopReason | undefined = checkText(text, limits);
  if (stopReason === 'newline') text = text.slice(0, text.indexOf('\n'));
  let afterStop = 0;
  // The first token, chosen before generation, is traced from the distribution it was chosen from.
  const trace: TraceStep[] = first?.trace && text.length > 0 ? [first.trace] : [];
  if (stopReason !== undefined || tokens.length >= limits.maxTokens) {
    return { tokens, text: settled(text), stopReason: stopReason ?? 'maxTokens', tokensAfterStop: 0, trace };
  }
  const steps = limits.trace ? tracedSteps(sequence, input) : sequence.evaluateWithMetadata(input, {}, { temperature: 0 });
  for await (const step of steps) {
    const { token } = step;
    const probabilities = (step as { probabilities?: Map<Token, number> }).probabilities;
    if (limits.signal.aborted) {
      afterStop++;
      stopReason = stopReasonOf(limits.signal);
      break;
    }
    if (model.isEogToken(token)) {
      stopReason = 'endOfText';
      break;
    }
    tokens.push(token);
    const before = text.length;
    text = decoder.text(tokens);
    stopReason = checkText(text, limits);
    if (stopReason === 'newline') text = text.slice(0, text.indexOf('\n'));
    // A token cut away whole at the newline is not part of the suggestion, nor of its trace.
    if (probabilities && text.length > before) trace.push(traceStep(model, token, probabilities));
    if (stopReason === 'newline') break;
    onText(text);
    if (tokens.length >= limits.maxTokens) {
      stopReason = 'maxTokens';
      break;
    }
    if (performance.now() > limits.deadline) {
      stopReason = 'generationBudget';
      break;
    }
  }
  return { tokens, text: settled(text), stopReason: stopReason ?? 'endOfText', tokensAfterStop: afterStop, trace };
}

/**
 * Greedy steps with the probabilities of the likeliest tokens, computed from the native total logit weight rather than
 * a 32,016-entry distribution per token. Like evaluateWithMetadata, a step's token is evaluated only when the next
 * step is asked for.
 */
async function* tracedSteps(
  sequence: LlamaContextSequence,
  input: readonly Token[],
): AsyncGenerator<{ token: Token; probabilities: Map<Token, number> }> {
  let pending = [...input];
  for (;;) {
    const outputs = await sequence.controlledEvaluate(
      pending.map((token, index) => (index === pending.length - 1 ? [token, { generateNext: topRequest(TRACE_ALTERNATIVES + 1) }] : token)),
    );
    const output = outputs[pending.length - 1];
    const token = output?.next.token;
    if (token === undefined || token === null) return;
    yield { token, probabilities: topProbabilities(output) };
    pending = [token];
  }
}

export function traceStep(model: LlamaModel, chosen: Token, probabilities: Map<Token, number>): TraceStep {
  const pieces = lensPieces(model);
  const row = (id: Token) => shownToken(pieces, id, probabilities.get(id) ?? 0);
  const alternatives: Token[] = [];
  for (const id of probabilities.keys()) {
    if (alternatives.length >= TRACE_ALTERNATIVES) break;
    if (id !== chosen) alternatives.push(id);
  }
  return { chosen: row(chosen), alternatives: alternatives.map(row) };
}

/** Stopped inside a character spelled in byte tokens, its first bytes decode to "�", which is not text to show. */
function settled(text: string): string {
  return text.replace(/\uFFFD+$/u, '');
}

function checkText(text: string, limits: GenerationLimits): StopReason | undefined {
  return limits.stopAtNewline && text.includes('\n') ? 'newline' : undefined;
}

/** Why a request whose signal fired stopped: the engine aborts with 'superseded' when a newer completion arrives. */
export function stopReasonOf(signal: AbortSignal): StopReason {
  return signal.reason === 'superseded' ? 'superseded' : 'cancelled';
}
