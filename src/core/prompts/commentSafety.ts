// Keeps a model's answer inside the comment it is written into. Write Doc Comment inserts the answer without review
// (in Restricted Mode too), so text that would end the comment early, start a line outside it, or run as a doctest is
// rewritten into a form that reads the same to a person but not to a compiler or test runner.

/** Line terminators of VS Code's buffer (\r), JavaScript (U+2028/9) and Unicode (NEL, VT, FF): each becomes "\n". */
// eslint-disable-next-line no-control-regex -- VT and FF are line breaks to some readers: matching them is the point.
const LINE_BREAKS = /\r\n?|[\u000b\u000c\u0085\u2028\u2029]/g;
/** Control characters other than tab and newline, and the bidi controls of "Trojan Source" (CVE-2021-42574). */
// eslint-disable-next-line no-control-regex -- removing control characters is the point.
const INVISIBLE = /[\u0000-\u0008\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/** One "\n" per line break, whatever the answer used, and no invisible characters that could hide or reorder code. */
export function plainLines(answer: string): string {
  return answer.replace(LINE_BREAKS, '\n').replace(INVISIBLE, '');
}

/** A block comment's line: `*\/` cannot close it and `/\*` cannot open a nested one (Swift, Kotlin, Scala, D, Rust). */
export function blockSafe(line: string): string {
  return line.replace(/(?<=\*)\//g, '\\/').replace(/(?<=\/)\*/g, '\\*');
}

/**
 * Rust doc comments are Markdown, and `cargo test` compiles and runs their code blocks. A fence opening a block
 * becomes ```` ```text ```` (shown, never compiled), and indentation is kept under four spaces, which would make an
 * indented code block.
 */
export function rustdocSafe(lines: readonly string[]): string[] {
  let open: string | undefined;
  return lines.map((line) => {
    const unindented = line.replace(/^ {4,}/, '   ').replace(/^\t+/, '');
    const fence = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(unindented);
    if (!fence) return unindented;
    const [, lead = '', marker = '```', info = ''] = fence;
    if (open !== undefined && marker.startsWith(open) && info.trim() === '') {
      open = undefined;
      return unindented;
    }
    if (open !== undefined) return unindented;
    open = marker;
    return `${lead}${marker}text`;
  });
}

/** A Python docstring's body, and whether it needs the `r` prefix. */
export interface DocstringBody {
  lines: string[];
  raw: boolean;
}

/**
 * A docstring body that cannot close its `"""` early: no two unescaped quotes touch (`""` becomes `"\"`, which reads
 * as `""` once Python parses it). Backslashes make it a raw docstring (PEP 257), so `C:\Users` is not a syntax error.
 * Doctest examples (`>>>`) are marked `# doctest: +SKIP`, and other doctest directives are broken, so that running the
 * doctests never runs what the model wrote.
 */
export function docstringSafe(lines: readonly string[]): DocstringBody {
  const raw = lines.some((line) => line.includes('\\'));
  const safe = lines.map((line) => {
    const quoted = line.replace(/""+/g, (run) => '"' + '\\"'.repeat(run.length - 1)).replace(/doctest:/g, 'doctest :');
    return /^\s*>>>/.test(quoted) ? `${quoted}  # doctest: +SKIP` : quoted;
  });
  return { lines: safe, raw };
}

/** Whether a one-line docstring `"""x"""` would misparse: a trailing quote or backslash runs into the closing quotes. */
export function needsOwnClosingLine(line: string): boolean {
  return /["\\]$/.test(line);
}
