// The user message of a palette prompt: the instruction, then the code it is about in a fence.
// Pure, so the exact text a model sees is unit-tested.

/** A fence longer than any backtick run inside the code, so code containing ``` cannot close it early. */
export function fenceFor(code: string): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((match) => match[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

export function userMessage(instruction: string, context: string, language: string): string {
  const ask = instruction.trim();
  if (context.length === 0) return ask;
  const fence = fenceFor(context);
  const code = context.endsWith('\n') ? context : `${context}\n`;
  return `${ask}\n\n${fence}${language}\n${code}${fence}`;
}
