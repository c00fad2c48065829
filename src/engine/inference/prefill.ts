// Evaluates a prompt into the sequence in chunks, so that a long prompt can be cancelled, and can
// stop at a time budget with its evaluated part kept in the KV state for the next request.
import type { LlamaContextSequence, Token } from 'node-llama-cpp';

/** Small enough to notice a cancellation quickly, large enough to keep batch throughput. */
const CHUNK_TOKENS = 128;

export type PrefillOutcome = 'done' | 'aborted' | 'budget';

/** Evaluates at least one chunk per call, so that even a tiny budget makes progress across keystrokes. */
export async function prefill(
  sequence: LlamaContextSequence,
  tokens: readonly Token[],
  deadline: number,
  signal: AbortSignal,
): Promise<PrefillOutcome> {
  for (let start = 0; start < tokens.length; start += CHUNK_TOKENS) {
    if (signal.aborted) return 'aborted';
    if (start > 0 && performance.now() > deadline) return 'budget';
    await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(start, start + CHUNK_TOKENS) as Token[]);
  }
  return signal.aborted ? 'aborted' : 'done';
}
