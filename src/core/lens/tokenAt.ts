// Finding the scored token under the mouse, and the text a hover's on-demand distribution is computed after.
import { scoreWindows, windowScoring } from './scoreWindows';

interface Span {
  start: number;
  end: number;
}

/**
 * Indices of the tokens whose span holds `offset`, in order: one token, or the byte tokens that spell one character
 * together (they share its span). Tokens are sorted and tile the text.
 */
export function tokensAt(tokens: readonly Span[], offset: number): number[] {
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((tokens[middle]?.end ?? 0) <= offset) low = middle + 1;
    else high = middle;
  }
  const found: number[] = [];
  for (let index = low; index < tokens.length && (tokens[index]?.start ?? Infinity) <= offset; index++) {
    if ((tokens[index]?.end ?? 0) > offset) found.push(index);
  }
  return found;
}

/**
 * Where the text before token `index` should start so that the model sees what the heatmap pass gave it: the whole
 * text when it fits the context, else the start of the window that scored the token (src/core/lens/scoreWindows.ts;
 * the pass puts BOS before the text, so scored token i is the window grid's token i + 1).
 */
export function hoverContextStart(tokens: readonly Span[], index: number, contextSize: number): number {
  const global = index + 1;
  if (global < contextSize) return 0;
  const windows = scoreWindows(tokens.length + 1, contextSize, true);
  const window = windows[windowScoring(windows, global)];
  return window === undefined ? 0 : tokens[window.contextStart - 1]?.start ?? 0;
}
