// Cuts the document around the cursor into the prefix and suffix a completion request sends.

export interface ContextLimits {
  maxPrefixChars: number;
  maxSuffixChars: number;
}

export interface CompletionContext {
  prefix: string;
  suffix: string;
  /** True when text follows the cursor on its line: the suggestion must then stay on this line. */
  midLine: boolean;
}

/**
 * Where the prefix window starts in the document. It moves in steps of a quarter of the window,
 * not with every keystroke: a start that moved would change the first tokens of the prompt, and
 * with them all the KV state the engine could otherwise reuse.
 */
export function prefixWindowStart(offset: number, maxPrefixChars: number): number {
  const step = Math.max(1, Math.floor(maxPrefixChars / 4));
  const earliest = Math.max(0, offset - maxPrefixChars);
  return Math.floor(earliest / step) * step;
}

/**
 * `text` is the document, or a window of it that starts at document offset `textStart` and reaches
 * from prefixWindowStart() to the end of the suffix; `offset` is the cursor's document offset.
 */
export function completionContext(text: string, offset: number, limits: ContextLimits, textStart = 0): CompletionContext {
  const cursor = Math.max(0, Math.min(offset - textStart, text.length));
  const windowStart = prefixWindowStart(textStart + cursor, limits.maxPrefixChars);
  const prefix = text.slice(Math.max(0, windowStart - textStart), cursor);
  const suffix = text.slice(cursor, cursor + limits.maxSuffixChars);
  const lineEnd = suffix.indexOf('\n');
  const restOfLine = lineEnd === -1 ? suffix : suffix.slice(0, lineEnd);
  // A prefix cut mid-line confuses the model: when it was cut, start it at the next line.
  return { prefix: windowStart > 0 ? fromNextLine(prefix) : prefix, suffix, midLine: restOfLine.trim().length > 0 };
}

function fromNextLine(prefix: string): string {
  const firstNewline = prefix.indexOf('\n');
  return firstNewline === -1 ? prefix : prefix.slice(firstNewline + 1);
}
