// The skeleton's post-processing: what the engine generated, made fit to show as ghost text.
// The fuller rule set (scope ends, bracket balance, suffix repetition) builds on this.

export interface CleanOptions {
  /** Keep only the first line. */
  singleLine: boolean;
  maxLines: number;
}

export function cleanCompletion(text: string, options: CleanOptions): string {
  const lines = text.split('\n');
  const kept = options.singleLine ? lines.slice(0, 1) : lines.slice(0, Math.max(1, options.maxLines));
  // Trailing whitespace in ghost text only creates work for the user to delete.
  return kept.map((line) => line.replace(/[ \t\r]+$/, '')).join('\n').replace(/\n+$/, '');
}
