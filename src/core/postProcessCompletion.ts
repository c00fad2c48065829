// Turns what the model generated into the ghost text an inline completion shows.
//
// The rules run in this order, and why:
//  1. Line ends are normalised first, so every later rule sees '\n' only.
//  2. Single line next: it decides how much text exists at all, so no later rule judges text that
//     could never be shown.
//  3. Repetition of the following lines and 4. the end of the indentation scope cut at whole lines.
//     They run before the bracket rule, which may cut mid-line, so that they judge the lines the
//     model actually wrote.
//  5. Bracket balance cuts at the first closer that cannot belong to the completion.
//  6. The line limit comes after the cuts, so it counts only lines that survived them (each cut
//     depends only on the text up to the line it cuts at, so the order gives the same text).
//  7. Trailing whitespace is stripped once the text is otherwise final.
//  8. Repetition of the rest of the cursor's line looks at how the final text ends, so it is last.

export interface PostProcessContext {
  /** Document text before the cursor (a window: its start may be cut). */
  prefix: string;
  /** Document text after the cursor (a window: its end may be cut). */
  suffix: string;
  /** Keep a single line: the cursor is mid-line, or the user asked for one line. */
  singleLine: boolean;
  /** Most lines kept (>= 1). */
  maxLines: number;
  /** Columns a tab counts for when comparing indentation; default 4. */
  tabSize?: number;
}

/** The context reduced to what the rules read, with every field made safe to use. */
interface Context {
  /** The cursor's line up to the cursor. */
  prefixLine: string;
  suffix: string;
  /** The cursor's line after the cursor, untrimmed. */
  restOfLine: string;
  singleLine: boolean;
  maxLines: number;
  tabSize: number;
}

const OPENERS = '([{';
const CLOSERS = ')]}';
/** What may end a completion and also start the rest of the line: closers and punctuation. */
const PUNCTUATION_RUN = /^[)\]};,'"`]+/;
/** A line made only of closers (and the punctuation that follows them), like `}` or `});`. */
const CLOSER_ONLY_LINE = /^[)\]}][)\]};,]*$/;

/** Turns raw model output into the ghost text to show; '' means show nothing. */
export function postProcessCompletion(raw: string, context: PostProcessContext): string {
  try {
    return applyRules(toLf(raw), readContext(context));
  } catch {
    // A bug here must never break typing in the editor; showing nothing is always safe.
    return '';
  }
}

function applyRules(text: string, ctx: Context): string {
  let lines = text.split('\n');
  if (ctx.singleLine) lines = lines.slice(0, 1);
  lines = cutAtRepeatedLine(lines, ctx);
  lines = cutAtScopeEnd(lines, ctx);
  lines = cutAtUnbalancedCloser(lines.join('\n'), ctx).split('\n');
  lines = lines.slice(0, ctx.maxLines);
  lines = trimTrailingWhitespace(lines);
  return dropRepeatedRestOfLine(lines, ctx);
}

function readContext(context: PostProcessContext | undefined): Context {
  const prefix = toLf(context?.prefix);
  const suffix = toLf(context?.suffix);
  return {
    prefixLine: prefix.slice(prefix.lastIndexOf('\n') + 1),
    suffix,
    restOfLine: firstLine(suffix),
    singleLine: context?.singleLine === true,
    maxLines: atLeastOne(context?.maxLines, 1),
    tabSize: atLeastOne(context?.tabSize, 4),
  };
}

function toLf(text: unknown): string {
  return typeof text === 'string' ? text.replace(/\r\n/g, '\n') : '';
}

/** NaN, zero and negatives fall back; Infinity stays, as "no limit". */
function atLeastOne(value: unknown, fallback: number): number {
  return typeof value === 'number' && value >= 1 ? Math.floor(value) : fallback;
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end);
}

function isBlank(text: string): boolean {
  return text.trim() === '';
}

function indentWidth(line: string, tabSize: number): number {
  let width = 0;
  for (const ch of line) {
    if (ch === ' ') width += 1;
    else if (ch === '\t') width += tabSize;
    else break;
  }
  return width;
}

// ---------------------------------------------------------------------------------------------
// A small lexer, shared by the rules that need to know which brackets pair up. It knows no
// language: strings are '…', "…", `…` and Python's triple quotes; comments are //, /* */ and #.
// `//` is also Python's floor division and `#` starts C's preprocessor lines; treating both as
// comments only hides brackets, which makes the rules cut less, never more.

interface Mark {
  index: number;
  /** The bracket, or the quote character of a string delimiter. */
  char: string;
  open: boolean;
  /** Index of the other end of the pair; -1 when it is not in the text. */
  partner: number;
  /** A bracket closer of another type than the innermost open bracket. */
  mismatched: boolean;
}

interface Lexed {
  marks: Mark[];
  /** Where each `//` or `#` comment starts. */
  lineComments: number[];
}

function lex(text: string): Lexed {
  const lexed: Lexed = { marks: [], lineComments: [] };
  const stack: Mark[] = [];
  let i = 0;
  while (i < text.length) {
    const commentEnd = skipComment(text, i, lexed.lineComments);
    if (commentEnd !== i) {
      i = commentEnd;
      continue;
    }
    const quote = quoteAt(text, i);
    if (quote !== '') {
      i = skipString(text, i, quote, lexed.marks);
      continue;
    }
    addBracket(text.charAt(i), i, stack, lexed.marks);
    i++;
  }
  return lexed;
}

/** Where the comment starting at `i` ends; `i` itself when none starts there. */
function skipComment(text: string, i: number, lineComments: number[]): number {
  if (text.startsWith('/*', i)) {
    const end = text.indexOf('*/', i + 2);
    return end === -1 ? text.length : end + 2;
  }
  // A `#` right after a word is code (`this.#count`, `arr#`), not a comment.
  const hashComment = text.charAt(i) === '#' && (i === 0 || /\s/.test(text.charAt(i - 1)));
  if (!hashComment && !text.startsWith('//', i)) return i;
  lineComments.push(i);
  const end = text.indexOf('\n', i);
  return end === -1 ? text.length : end;
}

function quoteAt(text: string, i: number): string {
  const ch = text.charAt(i);
  if (ch === '`') return ch;
  if (ch !== '"' && ch !== "'") return '';
  return text.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
}

/** Records the string's delimiters and returns where it ends. An unterminated '…' or "…" ends at its line's end. */
function skipString(text: string, start: number, quote: string, marks: Mark[]): number {
  const open: Mark = { index: start, char: quote.charAt(0), open: true, partner: -1, mismatched: false };
  marks.push(open);
  const spansLines = quote.length === 3 || quote === '`';
  let i = start + quote.length;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '\n' && !spansLines) return i;
    if (text.startsWith(quote, i)) {
      open.partner = i;
      marks.push({ index: i, char: open.char, open: false, partner: start, mismatched: false });
      return i + quote.length;
    }
    i++;
  }
  return text.length;
}

function addBracket(ch: string, index: number, stack: Mark[], marks: Mark[]): void {
  if (OPENERS.includes(ch)) {
    const mark: Mark = { index, char: ch, open: true, partner: -1, mismatched: false };
    stack.push(mark);
    marks.push(mark);
    return;
  }
  const kind = CLOSERS.indexOf(ch);
  if (kind === -1) return;
  const top = stack[stack.length - 1];
  // With nothing open, the closer belongs to a bracket opened before the text: not a mismatch.
  const mark: Mark = { index, char: ch, open: false, partner: -1, mismatched: top !== undefined && top.char !== OPENERS.charAt(kind) };
  if (top !== undefined && !mark.mismatched) {
    stack.pop();
    top.partner = index;
    mark.partner = top.index;
  }
  marks.push(mark);
}

function isBracket(mark: Mark): boolean {
  return OPENERS.includes(mark.char) || CLOSERS.includes(mark.char);
}

/** How many brackets opened in the text are still open at `pos`. */
function openDepthAt(marks: readonly Mark[], pos: number): number {
  let depth = 0;
  for (const mark of marks) {
    if (mark.index >= pos) break;
    if (!isBracket(mark)) continue;
    if (mark.open) depth++;
    else if (mark.partner !== -1) depth--;
  }
  return depth;
}

// ---------------------------------------------------------------------------------------------
// Rule: stop where the model re-types the line that already follows the cursor.

function cutAtRepeatedLine(lines: string[], ctx: Context): string[] {
  const target = ctx.suffix.split('\n').find((line) => !isBlank(line));
  if (target === undefined) return lines;
  // On an empty line the first completion line is a whole line too, so it can be a repeat.
  const first = isBlank(ctx.prefixLine) && isBlank(ctx.restOfLine) ? 0 : 1;
  const { marks } = lex(lines.join('\n'));
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fullLine = i === 0 ? ctx.prefixLine + line : line;
    if (i >= first && isRepeat(fullLine, target, openDepthAt(marks, start), ctx.tabSize)) return lines.slice(0, i);
    start += line.length + 1;
  }
  return lines;
}

function isRepeat(line: string, target: string, openDepth: number, tabSize: number): boolean {
  const wanted = target.trim();
  if (line.trim() !== wanted) return false;
  if (!CLOSER_ONLY_LINE.test(wanted)) return true;
  // A lone `}` is only the suffix's `}` when it closes nothing the completion opened and sits in
  // the same column; otherwise it is the completion closing its own block.
  return openDepth === 0 && indentWidth(line, tabSize) === indentWidth(target, tabSize);
}

// ---------------------------------------------------------------------------------------------
// Rule: end where the code leaves the cursor's indentation scope.

function cutAtScopeEnd(lines: string[], ctx: Context): string[] {
  const base = indentWidth(ctx.prefixLine, ctx.tabSize);
  const opener = blockOpener(ctx.prefixLine + (lines[0] ?? ''));
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (isBlank(line)) continue;
    const end = scopeEnd(line, indentWidth(line, ctx.tabSize), base, opener);
    if (end === 'keep') return lines.slice(0, i + 1);
    if (end === 'drop') return lines.slice(0, i);
  }
  return lines;
}

/** The `{`, `(`, `[` or `:` the line ends with (before any line comment), or ''. */
function blockOpener(line: string): string {
  const commentStart = lex(line).lineComments[0] ?? line.length;
  const last = line.slice(0, commentStart).trimEnd().slice(-1);
  return last !== '' && '{([:'.includes(last) ? last : '';
}

/** Whether a non-blank line ends the scope: kept as its last line, dropped, or neither. */
function scopeEnd(line: string, width: number, base: number, opener: string): 'keep' | 'drop' | 'none' {
  if (width < base) return 'drop';
  if (width > base || opener === '') return 'none';
  // A Python block has no closer: the first line back at its level already follows it.
  if (opener === ':') return 'drop';
  // Back at the base inside a bracket block: the line that closes it is the end; any other line
  // means the model left the block unclosed and went on with code that is not its body.
  return line.trim().startsWith(CLOSERS.charAt(OPENERS.indexOf(opener))) ? 'keep' : 'drop';
}

// ---------------------------------------------------------------------------------------------
// Rule: keep brackets balanced.
//
// Brackets are tracked from the start of the cursor's line. The completion is cut just before a
// closer of the wrong type, and before a closer of a bracket opened before the cursor when the rest
// of the line already starts with that closer. Brackets the completion leaves open at its end are
// left alone, cut by the line limit or not: the model usually stopped at its token limit mid-
// expression, and trimming back to a balanced point would throw away text the user may want, to
// be continued by the next completion.

function cutAtUnbalancedCloser(text: string, ctx: Context): string {
  const offset = ctx.prefixLine.length;
  const restCloser = ctx.restOfLine.trimStart().charAt(0);
  for (const mark of lex(ctx.prefixLine + text).marks) {
    if (mark.index < offset || mark.open || !isBracket(mark)) continue;
    const closesPrefixBracket = mark.partner !== -1 && mark.partner < offset;
    if (mark.mismatched || (closesPrefixBracket && mark.char === restCloser)) return text.slice(0, mark.index - offset);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Rule: no trailing whitespace (the line limit is a plain slice in applyRules).

function trimTrailingWhitespace(lines: string[]): string[] {
  const trimmed = lines.map((line) => line.replace(/[ \t\r]+$/, ''));
  while (trimmed.length > 0 && trimmed[trimmed.length - 1] === '') trimmed.pop();
  return trimmed;
}

// ---------------------------------------------------------------------------------------------
// Rule: do not re-type what the rest of the cursor's line already provides.

function dropRepeatedRestOfLine(lines: string[], ctx: Context): string {
  const text = lines.join('\n');
  const rest = ctx.restOfLine.trim();
  if (lines.length !== 1 || rest === '') return text;
  const offset = ctx.prefixLine.length;
  const { marks } = lex(ctx.prefixLine + text);
  for (const repeat of repeatCandidates(rest)) {
    if (!text.endsWith(repeat)) continue;
    const start = text.length - repeat.length;
    if (closesOwnBracket(marks, offset, offset + start)) continue;
    return keepAfterStrip(text.slice(0, start), ctx.restOfLine);
  }
  return text;
}

/** The whole rest of the line, then ever shorter heads of its run of closers and punctuation. */
function repeatCandidates(rest: string): string[] {
  const run = PUNCTUATION_RUN.exec(rest)?.[0] ?? '';
  const candidates = [rest];
  for (let length = Math.min(run.length, rest.length - 1); length > 0; length--) candidates.push(run.slice(0, length));
  return candidates;
}

/**
 * Whether a closer from `from` on pairs with an opener the completion wrote before `from`
 * (between `offset` and `from`): that closer is the completion's own and must stay.
 */
function closesOwnBracket(marks: readonly Mark[], offset: number, from: number): boolean {
  return marks.some((mark) => mark.index >= from && !mark.open && mark.partner >= offset && mark.partner < from);
}

/**
 * Whitespace the strip exposes was the model's own spacing before text the suffix now provides,
 * so it stays when the suffix starts right at the cursor; it is dropped when the suffix brings its own.
 */
function keepAfterStrip(kept: string, restOfLine: string): string {
  if (isBlank(kept)) return '';
  return /^[ \t]/.test(restOfLine) ? kept.replace(/[ \t]+$/, '') : kept;
}
