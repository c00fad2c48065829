// How much of a prompt's context fits the model's context window, so nothing is cut silently:
// the prompt keeps the context's start (where a function's signature and intent are) and the
// user is told how many tokens were left out from its end.

export interface FitInput {
  /** Tokens of the whole prompt with the full context. */
  promptTokens: number;
  /** Tokens of the prompt with an empty context: template, system prompt, instruction. */
  overheadTokens: number;
  contextTokens: number;
  /** The model's context window. */
  windowTokens: number;
  /** Tokens kept free for the answer. */
  answerTokens: number;
}

export type FitPlan =
  | { kind: 'fits' }
  | { kind: 'cut'; keepTokens: number; cutTokens: number }
  | { kind: 'tooLong'; reason: string };

/** Slack for tokens that merge differently at the cut and for the fence around the context. */
export const CUT_SLACK_TOKENS = 8;

export function planContextFit(input: FitInput, contextName: string, allowCut: boolean): FitPlan {
  const room = input.windowTokens - input.answerTokens;
  if (input.promptTokens <= room) return { kind: 'fits' };
  const keepTokens = Math.min(input.contextTokens, room - input.overheadTokens - CUT_SLACK_TOKENS);
  const need = `${input.promptTokens} tokens plus ${input.answerTokens} for the answer`;
  const window = `the model's context holds ${input.windowTokens}`;
  if (keepTokens <= 0) {
    return {
      kind: 'tooLong',
      reason: `The prompt needs ${need} even without ${contextName}, and ${window}. Shorten the instruction or the system prompt, or lower llamaLens.prompts.maxTokens.`,
    };
  }
  if (!allowCut) {
    return {
      kind: 'tooLong',
      reason: `${capitalise(contextName)} is too long: the prompt needs ${need}, and ${window}. Select less, or raise llamaLens.contextSize.`,
    };
  }
  return { kind: 'cut', keepTokens, cutTokens: input.contextTokens - keepTokens };
}

/** "the selection" → "The selection", for a sentence that starts with a context's name. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
