// Completion settings under which a suggestion is exactly the oracle's greedy continuation, and that continuation.
import { greedyContinuation, lastOracleToken, type OracleTable } from './oracle';

export const EXACT_MAX_TOKENS = 16;

export const EXACT_COMPLETION_SETTINGS: Readonly<Record<string, unknown>> = {
  'llamaLens.gpu': 'cpu',
  'llamaLens.completions.maxTokens': EXACT_MAX_TOKENS,
  'llamaLens.completions.maxLines': 1,
  // No time budgets: the expected text is the whole greedy continuation, and on a busy machine the first completion
  // can take seconds (a run here saw 4.3 s, 3.2 tokens/s), so the 3 s default cut `put(key);` to `put(key`.
  'llamaLens.completions.maxPromptMs': 0,
  'llamaLens.completions.maxGenerationMs': 0,
};

/** The single-line suggestion the oracle must give after `text`: its greedy continuation, trailing blanks trimmed. */
export function expectedSuggestion(table: OracleTable, text: string): string {
  const continuation = greedyContinuation(table, lastOracleToken(table, text), { maxTokens: EXACT_MAX_TOKENS, stopAtNewline: true });
  return continuation.replace(/[ \t]+$/, '');
}
