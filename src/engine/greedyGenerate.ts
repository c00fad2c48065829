// Greedy generation on a sequence whose KV state already holds the prompt (but its last token).
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { StopReason } from '../protocol/engineProtocol';

export interface GenerationLimits {
  maxTokens: number;
  stopAtNewline: boolean;
  /** performance.now() after which the text so far is the answer; Infinity for none. */
  deadline: number;
  signal: AbortSignal;
}

export interface Generation {
  tokens: Token[];
  text: string;
  stopReason: StopReason;
  /** Tokens that arrived after the signal fired. */
  tokensAfterStop: number;
}

/**
 * Feeds `input` and follows the model's greedy choices. With `first`, that token is taken as the
 * first generated one (an alternative suggestion) and `input` must end with it.
 * Checks the signal after every token: a cancelled or superseded request stops within one token.
 */
export async function greedyGenerate(
  model: LlamaModel,
  sequence: LlamaContextSequence,
  input: Token[],
  limits: GenerationLimits,
  onText: (text: string) => void,
  first?: Token,
): Promise<Generation> {
  const tokens: Token[] = first === undefined ? [] : [first];
  let text = first === undefined ? '' : model.detokenize(tokens);
  let stopReason: StopReason | undefined = checkText(text, limits);
  if (stopReason === 'newline') text = text.slice(0, text.indexOf('\n'));
  let afterStop = 0;
  if (stopReason !== undefined || tokens.length >= limits.maxTokens) {
    return { tokens, text, stopReason: stopReason ?? 'maxTokens', tokensAfterStop: 0 };
  }
  for await (const token of sequence.evaluate(input, { temperature: 0 })) {
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
    text = model.detokenize(tokens);
    stopReason = checkText(text, limits);
    if (stopReason === 'newline') {
      text = text.slice(0, text.indexOf('\n'));
      break;
    }
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
  return { tokens, text, stopReason: stopReason ?? 'endOfText', tokensAfterStop: afterStop };
}

function checkText(text: string, limits: GenerationLimits): StopReason | undefined {
  return limits.stopAtNewline && text.includes('\n') ? 'newline' : undefined;
}

/** Why a request whose signal fired stopped: the engine aborts with 'superseded' when a newer completion arrives. */
export function stopReasonOf(signal: AbortSignal): StopReason {
  return signal.reason === 'superseded' ? 'superseded' : 'cancelled';
}
