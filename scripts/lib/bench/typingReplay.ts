// Replays typing over real source files: at several positions, the start of an existing line is
// typed again character by character, and each keystroke asks for a completion.

export interface TypingPosition {
  file: string;
  /** The document with the typed span removed; typing puts it back. */
  before: string;
  after: string;
  typed: string;
}

export interface KeystrokeSample {
  file: string;
  /** 0 is the first keystroke at a position: a cold prompt for every strategy. */
  index: number;
  latencyMs: number;
  evaluatedTokens: number;
  generatedTokens: number;
  source: string;
}

/**
 * Positions at the given fractions of a file's lines: the first line at or after each fraction
 * whose trimmed text is at least `chars` long; its indentation stays, its first `chars`
 * characters of code are what gets typed.
 */
export function typingPositions(file: string, text: string, fractions: readonly number[], chars: number): TypingPosition[] {
  const lines = text.split('\n');
  const positions: TypingPosition[] = [];
  for (const fraction of fractions) {
    for (let line = Math.floor(lines.length * fraction); line < lines.length; line++) {
      const content = lines[line] ?? '';
      const indent = content.length - content.trimStart().length;
      if (content.trim().length < chars) continue;
      const start = lines.slice(0, line).join('\n').length + (line > 0 ? 1 : 0) + indent;
      positions.push({ file, before: text.slice(0, start), after: text.slice(start + chars), typed: text.slice(start, start + chars) });
      break;
    }
  }
  return positions;
}

/** A completion strategy under test: answers one keystroke, says where the answer came from. */
export type Strategy = (prefix: string, suffix: string) => Promise<{ evaluatedTokens: number; generatedTokens: number; source: string }>;

/**
 * Types each position's span one character at a time. After each answer the simulated user
 * pauses `thinkMs` before the next key, as a typist would; background work (prefetch) may run then.
 */
export async function replay(positions: readonly TypingPosition[], strategy: Strategy, thinkMs: number): Promise<KeystrokeSample[]> {
  const samples: KeystrokeSample[] = [];
  for (const position of positions) {
    for (let typed = 1; typed <= position.typed.length; typed++) {
      const prefix = position.before + position.typed.slice(0, typed);
      const started = performance.now();
      const answer = await strategy(prefix, position.after);
      samples.push({ file: position.file, index: typed - 1, latencyMs: performance.now() - started, ...answer });
      await new Promise((resolve) => setTimeout(resolve, thinkMs));
    }
  }
  return samples;
}
