// The prompt's "extra context": chunks of code from files the user recently edited, opened or
// saved, placed before the current file's window. The engine reuses its KV cache only for the
// unchanged start of a prompt, and this text comes first, so every rule here serves one aim:
// the formatted text stays byte-identical between keystrokes unless a genuinely new chunk arrives.

export type ChunkReason = 'edit' | 'open' | 'save';

export interface ContextChunk {
  readonly path: string;
  /** 0-based line, in its file, of the chunk's first line. */
  readonly startLine: number;
  readonly text: string;
}

export interface ContextRingOptions {
  /** Chunks kept over all files, the current one included. */
  maxChunks: number;
  /** Lines per chunk (fewer at the edges of a file). */
  chunkLines: number;
  /** Longest chunk text kept; DEFAULT_MAX_CHUNK_CHARS when absent. */
  maxChunkChars?: number;
}

/** Enough for a screenful of ordinary code, small enough that a minified file can't eat the budget. */
export const DEFAULT_MAX_CHUNK_CHARS = 4000;

interface StoredChunk extends ContextChunk {
  /** One past the chunk's last line; kept apart from the text, which the cap may shorten. */
  readonly endLine: number;
}

export class ContextRing {
  private readonly maxChunks: number;
  private readonly chunkLines: number;
  private readonly maxChunkChars: number;
  /** Oldest first: the order the prompt shows them in. */
  private chunks: StoredChunk[] = [];

  constructor(options: ContextRingOptions) {
    this.maxChunks = wholeAtLeast(options.maxChunks, 0);
    this.chunkLines = wholeAtLeast(options.chunkLines, 1);
    this.maxChunkChars = wholeAtLeast(options.maxChunkChars ?? DEFAULT_MAX_CHUNK_CHARS, 1);
  }

  get size(): number {
    return this.chunks.length;
  }

  /**
   * Records the chunk of `lines` (the file's lines) around `line` (0-based, clamped into the file).
   * `reason` says why the file was touched; all reasons are treated alike today, because the
   * dedup rules alone keep the prompt stable, but callers state it so a policy can weigh it later.
   */
  record(path: string, lines: readonly string[], line: number, reason: ChunkReason): void {
    const chunk = this.cut(path, lines, line);
    if (chunk !== null) this.add(chunk);
  }

  /** Chunks for a completion in `currentPath`, oldest first; never its own, whose window is already in the prompt. */
  chunksFor(currentPath: string): ContextChunk[] {
    return this.chunks
      .filter((chunk) => chunk.path !== currentPath)
      .map(({ path, startLine, text }) => ({ path, startLine, text }));
  }

  /** Forgets every chunk of a file (closed or deleted). */
  forget(path: string): void {
    this.chunks = this.chunks.filter((chunk) => chunk.path !== path);
  }

  clear(): void {
    this.chunks = [];
  }

  private cut(path: string, lines: readonly string[], line: number): StoredChunk | null {
    if (lines.length === 0 || Number.isNaN(line)) return null;
    const at = Math.min(Math.max(Math.floor(line), 0), lines.length - 1);
    const startLine = alignedStart(at, this.chunkLines);
    const endLine = Math.min(lines.length, startLine + this.chunkLines);
    const text = capText(lines.slice(startLine, endLine).join('\n'), this.maxChunkChars);
    // Blank chunks would only spend tokens (and a header) on nothing.
    if (text.trim() === '') return null;
    return { path, startLine, endLine, text };
  }

  private add(chunk: StoredChunk): void {
    const stale = this.chunks.filter((old) => old.path === chunk.path && overlapsMostly(old, chunk));
    // The same place with the same text: nothing new, so the prompt must not change at all.
    if (stale.some((old) => old.text === chunk.text)) return;
    // The same text under another path (or elsewhere in this file) is already in the prompt once.
    const duplicate = this.chunks.some((old) => old.text === chunk.text);
    const first = stale[0];
    if (first === undefined) {
      if (!duplicate) this.append(chunk);
      return;
    }
    // Changed text replaces the oldest stale chunk where it stands; moving it to the end would
    // change the prompt from that point on and throw away the KV cache after it. Any other stale
    // chunk it covers (a file that grew) would repeat its lines, so it goes.
    this.chunks = this.chunks.flatMap((old) => {
      if (old === first && !duplicate) return [chunk];
      return stale.includes(old) ? [] : [old];
    });
  }

  private append(chunk: StoredChunk): void {
    this.chunks.push(chunk);
    // Oldest out, by arrival: touching a chunk again never moves it, which keeps the prompt
    // stable at the cost of strict least-recently-used order.
    while (this.chunks.length > this.maxChunks) this.chunks.shift();
  }
}

/**
 * Formats chunks as a block that reads as code: a `<commentPrefix> <path>` line before each chunk,
 * each chunk ending with a newline. '' for no chunks.
 */
export function formatExtraContext(chunks: readonly ContextChunk[], commentPrefix: string): string {
  return chunks.map((chunk) => `${header(chunk.path, commentPrefix)}\n${withFinalNewline(chunk.text)}`).join('');
}

const commentPrefixes: ReadonlyMap<string, string> = new Map([
  ...['python', 'shellscript', 'ruby', 'yaml', 'perl', 'perl6', 'raku', 'r', 'makefile', 'dockerfile', 'powershell',
    'toml', 'coffeescript', 'julia', 'elixir', 'nim', 'cmake', 'graphql', 'nix', 'tcl', 'crystal', 'properties',
    'dotenv', 'gdscript'].map((id): [string, string] => [id, '#']),
  ...['sql', 'lua', 'haskell', 'elm', 'purescript', 'ada', 'vhdl', 'plsql'].map((id): [string, string] => [id, '--']),
  ...['latex', 'tex', 'bibtex', 'erlang', 'matlab', 'octave', 'prolog'].map((id): [string, string] => [id, '%']),
  ...['clojure', 'lisp', 'scheme', 'racket', 'ini', 'asm'].map((id): [string, string] => [id, ';']),
  ['vb', "'"],
]);

/** Line-comment prefix for a VS Code languageId; `//` (the C family, and the fallback) otherwise. */
export function lineCommentPrefix(languageId: string): string {
  return commentPrefixes.get(languageId.toLowerCase()) ?? '//';
}

/**
 * The first line of the chunk around `line`. Starts snap to multiples of half a chunk, so every
 * line maps to one fixed window and records near the same place cut the same chunk (stability
 * over exact centring); of the two windows holding the line, the one where it sits nearer the
 * middle wins. Half is rounded up so neighbouring windows overlap by at most half a chunk, and
 * so count as different chunks rather than replacing each other.
 */
function alignedStart(line: number, chunkLines: number): number {
  if (chunkLines === 1) return line;
  const step = Math.ceil(chunkLines / 2);
  return Math.max(0, Math.round(line / step) * step - step);
}

/** More than half of the shorter chunk's lines are shared: the two show the same place. */
function overlapsMostly(a: StoredChunk, b: StoredChunk): boolean {
  const shared = Math.min(a.endLine, b.endLine) - Math.max(a.startLine, b.startLine);
  const shorter = Math.min(a.endLine - a.startLine, b.endLine - b.startLine);
  return shared * 2 > shorter;
}

/** Ends at a line break when one is within the cap; a single huge (minified) line is cut at the cap. */
function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const lastBreak = text.lastIndexOf('\n', maxChars);
  let end = lastBreak > 0 ? lastBreak : maxChars;
  // Never leave half of a surrogate pair: the tokenizer would see an invalid character.
  if (isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function header(path: string, commentPrefix: string): string {
  // A line break in a path would end the comment and leak the rest into the code.
  const oneLine = path.replace(/[\r\n]+/g, ' ');
  return commentPrefix === '' ? oneLine : `${commentPrefix} ${oneLine}`;
}

function withFinalNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Options may come from settings: a fraction, NaN or infinity must not break the ring. */
function wholeAtLeast(value: number, min: number): number {
  return Number.isFinite(value) ? Math.max(min, Math.floor(value)) : min;
}
