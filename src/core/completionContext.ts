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

export function completionContext(text: string, offset: number, limits: ContextLimits): CompletionContext {
  const cursor = Math.max(0, Math.min(offset, text.length));
  const prefix = text.slice(Math.max(0, cursor - limits.maxPrefixChars), cursor);
  const suffix = text.slice(cursor, cursor + limits.maxSuffixChars);
  const lineEnd = suffix.indexOf('\n');
  const restOfLine = lineEnd === -1 ? suffix : suffix.slice(0, lineEnd);
  return { prefix: trimToLineStart(prefix, cursor, limits), suffix, midLine: restOfLine.trim().length > 0 };
}

/** A prefix cut mid-line confuses the model; when it was cut, start it at the next line. */
function trimToLineStart(prefix: string, cursor: number, limits: ContextLimits): string {
  if (cursor <= limits.maxPrefixChars) return prefix;
  const firstNewline = prefix.indexOf('\n');
  return firstNewline === -1 ? prefix : prefix.slice(firstNewline + 1);
}
