// How a text longer than the context is scored: in windows of at most a context's tokens, each starting with BOS and
// the last `overlap` tokens the window before it scored, so that every token is scored with at least that much of the
// text before it. The grid is fixed from the text's start, so an edit leaves the windows before it as they were.

export interface ScoreWindow {
  /** Index (in the text's tokens, BOS at 0 when there is one) of the window's first token after its BOS. */
  contextStart: number;
  /** The window scores the tokens in [scoreStart, end); those before scoreStart only give it context. */
  scoreStart: number;
  end: number;
}

/** A quarter of the context: the least context any token of a later window is scored with. */
export function windowOverlap(contextSize: number): number {
  return Math.floor(contextSize / 4);
}

/**
 * The windows that score `count` tokens (tokens[0] is never scored: it is BOS, or the first token, which has nothing
 * before it). With BOS, each later window is [BOS, tokens[contextStart, end)), at most `contextSize` tokens.
 */
export function scoreWindows(count: number, contextSize: number, hasBos: boolean, overlap = windowOverlap(contextSize)): ScoreWindow[] {
  const room = contextSize - (hasBos ? 1 : 0);
  if (contextSize < 2 || overlap < 1 || overlap >= room) {
    throw new Error(`no windows of ${contextSize} tokens with an overlap of ${overlap}`);
  }
  if (count < 2) return [];
  const windows: ScoreWindow[] = [{ contextStart: hasBos ? 1 : 0, scoreStart: 1, end: Math.min(count, contextSize) }];
  for (let last = windows[0]; last && last.end < count; last = windows[windows.length - 1]) {
    const contextStart = last.end - overlap;
    windows.push({ contextStart, scoreStart: last.end, end: Math.min(count, contextStart + room) });
  }
  return windows;
}

/** The index of the window that scores token `index` (the last window for an index past the end). */
export function windowScoring(windows: readonly ScoreWindow[], index: number): number {
  const found = windows.findIndex((window) => index < window.end);
  return found === -1 ? windows.length - 1 : found;
}
