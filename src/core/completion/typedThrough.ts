// Serving keystrokes from the suggestion on screen: when the user types what it already says, the
// rest of it is still the answer, and the model need not be asked again.

export interface ShownSuggestion {
  prefix: string;
  suffix: string;
  text: string;
}

/**
 * What remains of `shown` after the user typed on from where it was shown, or undefined when the
 * typing left it (a different character, another place, a changed suffix) or used it up.
 */
export function typedThrough(shown: ShownSuggestion | undefined, prefix: string, suffix: string): string | undefined {
  if (!shown || suffix !== shown.suffix || prefix.length <= shown.prefix.length) return undefined;
  if (!prefix.startsWith(shown.prefix)) return undefined;
  const typed = prefix.slice(shown.prefix.length);
  if (!shown.text.startsWith(typed) || typed.length >= shown.text.length) return undefined;
  return shown.text.slice(typed.length);
}
