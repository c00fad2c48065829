// Turns a model's answer into a doc comment in the language's own style, indented like the
// function it documents. Models answer with a comment, a fenced comment, or plain prose: all three
// become the same well-formed comment, which nothing in the answer can end early (commentSafety.ts).
import { codeFromAnswer } from './codeAnswer';
import { blockSafe, docstringSafe, needsOwnClosingLine, plainLines, rustdocSafe } from './commentSafety';

export type CommentStyle = 'block' | 'slashes' | 'tripleSlashes' | 'hash' | 'dashes' | 'docstring';

const BLOCK_LANGUAGES = [
  'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'java', 'c', 'cpp', 'cuda-cpp', 'csharp', 'objective-c',
  'objective-cpp', 'php', 'kotlin', 'swift', 'scala', 'dart', 'groovy', 'd', 'css', 'scss', 'less', 'hlsl', 'glsl', 'solidity',
];
const HASH_LANGUAGES = [
  'ruby', 'shellscript', 'perl', 'r', 'powershell', 'elixir', 'julia', 'coffeescript', 'crystal', 'nim', 'tcl', 'cmake', 'makefile',
  'dockerfile', 'yaml', 'toml',
];
const STYLES: Readonly<Record<string, CommentStyle>> = {
  ...Object.fromEntries(BLOCK_LANGUAGES.map((id) => [id, 'block'])),
  ...Object.fromEntries(HASH_LANGUAGES.map((id) => [id, 'hash'])),
  ...Object.fromEntries(['lua', 'haskell', 'sql', 'ada', 'elm', 'purescript', 'vhdl'].map((id) => [id, 'dashes'])),
  python: 'docstring',
  rust: 'tripleSlashes',
  fsharp: 'tripleSlashes',
  zig: 'tripleSlashes',
  go: 'slashes',
};

/**
 * The comment style of a language, or undefined where it is not known: a guessed style could be code in that language,
 * so the caller must let the user review the comment before it goes in.
 */
export function commentStyleFor(languageId: string): CommentStyle | undefined {
  return Object.hasOwn(STYLES, languageId) ? STYLES[languageId] : undefined;
}

/** The comment's lines, each starting with `indent`, ending with a newline. */
export function formatDocComment(answer: string, style: CommentStyle, indent: string): string {
  const body = proseOf(codeFromAnswer(plainLines(answer)), style).filter(
    (line, index, all) => line !== '' || (index > 0 && index < all.length - 1),
  );
  const lines = wrap(body.length > 0 ? body : ['TODO: describe this function.'], style);
  return lines.map((line) => (line === '' ? '' : `${indent}${line}`).trimEnd()).join('\n') + '\n';
}

/** Line-comment openers an answer may already use, and the marker to strip from each line. */
const LINE_MARKERS: readonly (readonly [string, RegExp])[] = [['//', /^\/\/\/?!?\s?/], ['#', /^#\s?/], ['--', /^---?\s?/]];

/** The text of the comment without its markers: the answer is a comment already, or prose. */
function proseOf(text: string, style: CommentStyle): string[] {
  const lines = text.split('\n').map((line) => line.trim());
  const first = lines.findIndex((line) => line !== '');
  const start = lines[first] ?? '';
  if (start.startsWith('/*')) {
    const end = lines.findIndex((line, index) => index >= first && line.includes('*/'));
    return lines.slice(first, end === -1 ? undefined : end + 1).map((line) =>
      line
        .replace(/^\/\*\*?|\*\/$/g, '')
        .replace(/^\*\s?/, '')
        .trim(),
    );
  }
  const marker = LINE_MARKERS.find(([opener]) => start.startsWith(opener))?.[1];
  if (marker) {
    const run = lines.slice(first);
    const stop = run.findIndex((line) => !marker.test(line));
    return run.slice(0, stop === -1 ? undefined : stop).map((line) => line.replace(marker, '').trimEnd());
  }
  const docstring = /^[rRuU]?("""|''')/.exec(start);
  if (style === 'docstring' && docstring) {
    const quote = docstring[1] ?? '"""';
    const joined = lines.slice(first).join('\n').slice(docstring[0].length);
    const close = joined.indexOf(quote);
    return (close === -1 ? joined : joined.slice(0, close)).split('\n').map((line) => line.trim());
  }
  return lines.slice(first === -1 ? lines.length : first);
}

function wrap(body: string[], style: CommentStyle): string[] {
  switch (style) {
    case 'block':
      return ['/**', ...body.map((line) => (line === '' ? ' *' : ` * ${blockSafe(line)}`)), ' */'];
    case 'slashes':
      return body.map((line) => (line === '' ? '//' : `// ${line}`));
    case 'tripleSlashes':
      return rustdocSafe(body).map((line) => (line === '' ? '///' : `/// ${line}`));
    case 'hash':
      return body.map((line) => (line === '' ? '#' : `# ${line}`));
    case 'dashes':
      // "-- " with its space: Haskell reads "--" followed by a symbol as an operator, and Lua reads "--[[" as a block.
      return body.map((line) => (line === '' ? '--' : `-- ${line}`));
    case 'docstring': {
      const { lines, raw } = docstringSafe(body);
      const open = raw ? 'r"""' : '"""';
      const [first = '', ...rest] = lines;
      return rest.length === 0 && !needsOwnClosingLine(first) ? [`${open}${first}"""`] : [`${open}${first}`, ...rest, '"""'];
    }
    default: {
      const unreachable: never = style;
      return unreachable;
    }
  }
}

/**
 * Where a Python docstring goes: the line after the `def` header (which may span lines), indented
 * like the body. Other styles go above the function, at its own indentation.
 */
export function docstringPlace(lines: readonly string[], defLine: number): { line: number; indent: string } {
  let header = defLine;
  while (header < lines.length - 1 && !/:\s*(#.*)?$/.test(lines[header] ?? '')) header++;
  const defIndent = /^\s*/.exec(lines[defLine] ?? '')?.[0] ?? '';
  const next = lines.slice(header + 1).find((line) => line.trim() !== '');
  const bodyIndent = next !== undefined ? /^\s*/.exec(next)?.[0] ?? '' : '';
  return { line: header + 1, indent: bodyIndent.length > defIndent.length ? bodyIndent : `${defIndent}    ` };
}
