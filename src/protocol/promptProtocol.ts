// The engine wire's palette prompts: what a prompt asks and what the engine answers.
import { Guard, hasFields, isArrayOf, isBoolean, isFiniteNumber, isNonNegativeInteger, isOneOf, isString } from './guards';

export interface PromptParams {
  system: string;
  /** What the user asked for. */
  instruction: string;
  /** Code the instruction is about (the selection, or the function at the cursor); '' for none. */
  context: string;
  /** How the context is named when it had to be cut, e.g. "the selection". */
  contextName: string;
  /** The context's language id, for its code fence. */
  language: string;
  /** When the context does not fit: cut it from its end (true), or refuse (false: a cut edit would lose code). */
  allowCut: boolean;
  temperature: number;
  maxTokens: number;
}

export interface ContextCut {
  /** Tokens of the context that were left out, from its end. */
  cutTokens: number;
  keptTokens: number;
}

export const PROMPT_STOP_REASONS = ['endOfText', 'maxTokens', 'cancelled'] as const;
export type PromptStopReason = (typeof PROMPT_STOP_REASONS)[number];

export interface PromptResult {
  text: string;
  /** The chat wrapper that rendered the prompt. */
  chatWrapper: string;
  /** The prompt as evaluated: BOS, the template's markers and the messages, before the answer. */
  promptTokens: number[];
  cut: ContextCut | null;
  generatedTokens: number;
  stopReason: PromptStopReason;
  durationMs: number;
}

export const isPromptParams: Guard<PromptParams> = hasFields<PromptParams>({
  system: isString,
  instruction: isString,
  context: isString,
  contextName: isString,
  language: isString,
  allowCut: isBoolean,
  temperature: (v): v is number => isFiniteNumber(v) && v >= 0 && v <= 2,
  maxTokens: (v): v is number => isNonNegativeInteger(v) && v > 0 && v <= 32768,
});

const isContextCut = hasFields<ContextCut>({ cutTokens: isNonNegativeInteger, keptTokens: isNonNegativeInteger });
export const isPromptResult: Guard<PromptResult> = hasFields<PromptResult>({
  text: isString,
  chatWrapper: isString,
  promptTokens: isArrayOf(isNonNegativeInteger),
  cut: (v): v is ContextCut | null => v === null || isContextCut(v),
  generatedTokens: isNonNegativeInteger,
  stopReason: isOneOf(PROMPT_STOP_REASONS),
  durationMs: isFiniteNumber,
});
