// Surprisal of every token of a text in one batched pass: each position's next-token
// distribution comes out of the same evaluation that fills the KV state, and the KV state of an
// unchanged start (from the previous pass) is reused, so an edit recomputes from its first token.
import type { ControlledEvaluateInputItem, LlamaModel, Token } from 'node-llama-cpp';
import { surprisalBits } from '../core/lens/distributionMath';
import type { SurprisalParams, SurprisalResult, TokenSurprisal } from '../protocol/engineProtocol';
import type { LlamaRuntime } from './LlamaRuntime';
import { CONTEXT_TOKENS, continuationText } from './continuationText';
import { tokenizeContinuation } from './textTokens';
import { tokenPieces } from './tokenPieces';

/** Positions per batch: progress and cancellation between batches, bounded memory for the distributions. */
const BATCH = 256;

export async function tokenSurprisal(
  runtime: LlamaRuntime, params: SurprisalParams, signal: AbortSignal, onProgress: (fraction: number) => void,
): Promise<SurprisalResult> {
  const { model, sequence, info } = runtime.current;
  const textTokens = tokenizeContinuation(model, params.text) as Token[];
  const bos = model.tokens.bos;
  // A text longer than the context is scored up to the context's end: the host sees where scoring stopped.
  const tokens: Token[] = [...(bos === null ? [] : [bos]), ...textTokens].slice(0, info.contextSize);
  if (tokens.length < 2) return { tokens: [], evaluatedTokens: 0, reusedTokens: 0 };
  const offsets = characterOffsets(model, tokens, bos !== null);
  // A token is scored from the outputs of the one before it: that one is evaluated again, and so is
  // everything after it, even where the KV state (of a Lens query, say) holds the same tokens.
  const firstWanted = offsets.findIndex(([, end], index) => index > 0 && end > params.scoreFrom);
  const plan = await runtime.alignSequence(tokens, Math.max(0, (firstWanted === -1 ? tokens.length - 1 : firstWanted) - 1));
  const scored: TokenSurprisal[] = [];
  for (let start = plan.reuse; start < tokens.length; start += BATCH) {
    if (signal.aborted) throw new Error('cancelled');
    const batch = tokens.slice(start, start + BATCH);
    // Every position but the text's last asks for the distribution of the token that follows it.
    const input: ControlledEvaluateInputItem[] = batch.map((token, index) =>
      start + index + 1 < tokens.length ? [token, { generateNext: { probabilities: true } }] : token);
    const outputs = await sequence.controlledEvaluate(input);
    outputs.forEach((output, index) => {
      const next = start + index + 1;
      const nextToken = tokens[next];
      if (nextToken === undefined || !output?.next.probabilities) return;
      const [from, to] = offsets[next] ?? [0, 0];
      if (to <= params.scoreFrom) return;
      scored.push({ start: from, end: to, id: nextToken, bits: surprisalBits(output.next.probabilities.get(nextToken) ?? 0) });
    });
    onProgress(Math.min(1, (start + batch.length) / tokens.length));
  }
  return { tokens: scored, evaluatedTokens: plan.evaluate, reusedTokens: plan.reuse };
}

/**
 * [start, end) of each token in the text; BOS (index 0 when present) covers nothing. Each token's text is its piece
 * as a continuation, the first one's too: the text was tokenized without an added space, so a leading "▁" is a
 * space the text has. A character that byte tokens spell out (non-ASCII text) decodes only as a whole: each token of
 * such a run gets the character's span.
 */
function characterOffsets(model: LlamaModel, tokens: Token[], hasBos: boolean): [number, number][] {
  const pieces = tokenPieces(model);
  const offsets: [number, number][] = [];
  let at = 0;
  let runStart = -1;
  tokens.forEach((token, index) => {
    if (hasBos && index === 0) {
      offsets.push([0, 0]);
      return;
    }
    const piece = pieces[token] ?? '';
    if (runStart === -1 && !(piece === '\uFFFD' && model.getTokenAttributes(token).byte)) {
      offsets.push([at, at + piece.length]);
      at += piece.length;
      return;
    }
    if (runStart === -1) runStart = index;
    offsets.push([at, at]);
    // The run closes once its bytes decode to whole characters.
    const before = tokens.slice(Math.max(0, runStart - CONTEXT_TOKENS), runStart);
    const text = continuationText(model, tokens.slice(runStart, index + 1), before);
    if (text.endsWith('\uFFFD') && index + 1 < tokens.length) return;
    for (let member = runStart; member <= index; member++) offsets[member] = [at, at + text.length];
    at += text.length;
    runStart = -1;
  });
  return offsets;
}
