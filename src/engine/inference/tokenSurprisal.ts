// Surprisal of every token of a text in batched passes: each position's score comes out of the same evaluation that
// fills the KV state, and the KV state of an unchanged start (from the previous pass) is reused, so an edit recomputes
// from its first token. A text longer than the context is scored in overlapping windows (src/core/lens/scoreWindows.ts).
import type { ControlledEvaluateInputItem, Token } from 'node-llama-cpp';
import { scoreWindows, windowScoring, type ScoreWindow } from '../../core/lens/scoreWindows';
import type { SurprisalParams, SurprisalResult, TokenSurprisal } from '../../protocol/engineProtocol';
import type { LlamaRuntime } from '../LlamaRuntime';
import { characterOffsets } from './characterOffsets';
import { scoreOf, scoreRequest } from './positionScores';
import { tokenizeContinuation } from './textTokens';

/** Positions per batch: progress and cancellation between batches, bounded memory for `full` distributions. */
const BATCH = 256;

export async function tokenSurprisal(
  runtime: LlamaRuntime, params: SurprisalParams, signal: AbortSignal, onProgress: (fraction: number) => void,
): Promise<SurprisalResult> {
  const { model, info } = runtime.current;
  const bos = model.tokens.bos;
  const tokens: Token[] = [...(bos === null ? [] : [bos]), ...tokenizeContinuation(model, params.text) as Token[]];
  const windows = scoreWindows(tokens.length, info.contextSize, bos !== null);
  if (windows.length === 0) return { tokens: [], evaluatedTokens: 0, reusedTokens: 0, windows: 0 };
  const offsets = characterOffsets(model, tokens, bos !== null);
  // The first token the caller lacks; the windows before the one that scores it are as they were.
  const wanted = offsets.findIndex(([, end], index) => index > 0 && end > params.scoreFrom);
  if (wanted === -1) return { tokens: [], evaluatedTokens: 0, reusedTokens: 0, windows: 0 };
  const first = windowScoring(windows, wanted);
  const pass = { runtime, params, signal, tokens, offsets, scored: [] as TokenSurprisal[], evaluated: 0, reused: 0 };
  const total = tokens.length - wanted;
  // A later window first re-reads its overlap, tokens already counted: progress holds until it passes them.
  let reached = 0;
  const report = (last: number) => {
    reached = Math.max(reached, Math.min(1, (last - wanted + 1) / total));
    onProgress(reached);
  };
  for (const window of windows.slice(first)) await scoreWindow(pass, window, Math.max(window.scoreStart, wanted), report);
  return { tokens: pass.scored, evaluatedTokens: pass.evaluated, reusedTokens: pass.reused, windows: windows.length - first };
}

interface Pass {
  runtime: LlamaRuntime;
  params: SurprisalParams;
  signal: AbortSignal;
  tokens: Token[];
  offsets: [number, number][];
  scored: TokenSurprisal[];
  evaluated: number;
  reused: number;
}

/** Evaluates one window and scores its tokens from `from` on; reports the index of the last token scored so far. */
async function scoreWindow(pass: Pass, window: ScoreWindow, from: number, onProgress: (last: number) => void): Promise<void> {
  const { runtime, params, signal, tokens, offsets } = pass;
  const { sequence } = runtime.current;
  const bos = tokens[0] as Token;
  const hasBos = runtime.current.model.tokens.bos !== null;
  // The window's tokens, and the global index of each.
  const globalIndex = (local: number) =>
    hasBos && window.contextStart > 0 ? (local === 0 ? 0 : window.contextStart + local - 1) : window.contextStart + local;
  const windowTokens =
    hasBos && window.contextStart > 0
      ? [bos, ...tokens.slice(window.contextStart, window.end)]
      : tokens.slice(window.contextStart, window.end);
  const localOf = (index: number) => windowTokens.length - (window.end - index);
  // A token is scored from the outputs of the one before it: that one is evaluated again, and so is everything after
  // it, even where the KV state (of a Lens query, say) holds the same tokens.
  const plan = await runtime.alignSequence(windowTokens, Math.max(0, localOf(from) - 1));
  pass.evaluated += plan.evaluate;
  pass.reused += plan.reuse;
  for (let start = plan.reuse; start < windowTokens.length; start += BATCH) {
    if (signal.aborted) throw new Error('cancelled');
    const batch = windowTokens.slice(start, start + BATCH);
    const input: ControlledEvaluateInputItem[] = batch.map((token, index) => {
      const next = windowTokens[start + index + 1];
      const scored =
        next !== undefined &&
        globalIndex(start + index + 1) >= from &&
        (offsets[globalIndex(start + index + 1)]?.[1] ?? 0) > params.scoreFrom;
      return scored ? [token, { generateNext: scoreRequest(params.detail, next) }] : token;
    });
    const outputs = await sequence.controlledEvaluate(input);
    outputs.forEach((output, index) => {
      const local = start + index + 1;
      const next = windowTokens[local];
      if (next === undefined || !output) return;
      const score = scoreOf(params.detail, output, next);
      if (!score) return;
      const [begin, end] = offsets[globalIndex(local)] ?? [0, 0];
      pass.scored.push({ start: begin, end, id: next, ...score });
    });
    onProgress(globalIndex(Math.min(windowTokens.length, start + BATCH) - 1));
  }
}
