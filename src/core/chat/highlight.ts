// A small code highlighter for chat answers: comments, strings, numbers and keywords, by language family. It only
// splits the code into spans, whose texts joined are the code exactly; the webview colours them with theme colours.

export type HighlightKind = 'plain' | 'comment' | 'string' | 'number' | 'keyword';

export interface HighlightSpan {
  kind: HighlightKind;
  text: string;
}

interface Family {
  /** A regular expression source matching one comment. */
  comment: string;
  keywords: ReadonlySet<string>;
}

const words = (list: string): ReadonlySet<string> => new Set(list.split(' '));

const C_LIKE: Family = {
  comment: String.raw`\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)`,
  keywords: words(
    'abstract as async await break case catch class const continue default delete do else enum export extends false final ' +
    'finally fn for func function go if impl implements import in instanceof interface let match mod mut namespace new null ' +
    'package private protected pub public return static struct super switch this throw throws true try type typeof undefined ' +
    'use var void while yield int long char float double bool boolean string auto unsigned signed sizeof template typename ' +
    'nil self Self where trait loop crate defer chan select range map val override sealed readonly declare keyof',
  ),
};

const HASH_COMMENTS: Family = {
  comment: String.raw`#[^\n]*`,
  keywords: words(
    'and as assert async await break class continue def del elif else except False finally for from global if import in is ' +
    'lambda None nonlocal not or pass raise return True try while with yield self end do then fi esac case done function ' +
    'local export echo begin rescue ensure module require unless until when puts nil',
  ),
};

const SQL: Family = {
  comment: String.raw`--[^\n]*`,
  keywords: words(
    'select from where insert into values update set delete create table drop alter join left right inner outer on group by ' +
    'order having limit and or not null as distinct union all index primary key SELECT FROM WHERE INSERT INTO VALUES UPDATE ' +
    'SET DELETE CREATE TABLE DROP ALTER JOIN LEFT RIGHT INNER OUTER ON GROUP BY ORDER HAVING LIMIT AND OR NOT NULL AS DISTINCT',
  ),
};

/** Markup: its comments; tag and attribute names are left plain, and attribute values are strings. */
const MARKUP: Family = { comment: String.raw`<!--[\s\S]*?(?:-->|$)`, keywords: new Set() };

const FAMILIES: Record<string, Family> = {
  html: MARKUP, xml: MARKUP, svg: MARKUP, vue: MARKUP,
  python: HASH_COMMENTS, py: HASH_COMMENTS, ruby: HASH_COMMENTS, rb: HASH_COMMENTS, shellscript: HASH_COMMENTS,
  sh: HASH_COMMENTS, bash: HASH_COMMENTS, zsh: HASH_COMMENTS, shell: HASH_COMMENTS, yaml: HASH_COMMENTS, yml: HASH_COMMENTS,
  toml: HASH_COMMENTS, perl: HASH_COMMENTS, r: HASH_COMMENTS, makefile: HASH_COMMENTS, dockerfile: HASH_COMMENTS,
  sql: SQL,
};

const PROSE = new Set(['text', 'txt', 'plaintext', 'markdown', 'md', 'output', 'console']);

/** Prose is left plain (an apostrophe is no string); a fence without a language is most often C-like code. */
function familyOf(language: string): Family | undefined {
  const id = language.toLowerCase();
  if (PROSE.has(id)) return undefined;
  return Object.hasOwn(FAMILIES, id) ? FAMILIES[id] : C_LIKE;
}

const STRING = String.raw`"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|\x60(?:[^\x60\\]|\\[\s\S])*\x60?`;
const NUMBER = String.raw`\b(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)\b`;
const WORD = String.raw`[A-Za-z_$][\w$]*`;

export function highlight(code: string, language: string): HighlightSpan[] {
  const family = familyOf(language);
  if (!family) return code.length > 0 ? [{ kind: 'plain', text: code }] : [];
  const pattern = new RegExp(`(${family.comment})|(${STRING})|(${NUMBER})|(${WORD})`, 'g');
  const spans: HighlightSpan[] = [];
  const push = (kind: HighlightKind, text: string): void => {
    const last = spans.at(-1);
    if (last && last.kind === kind) last.text += text;
    else spans.push({ kind, text });
  };
  let at = 0;
  for (const match of code.matchAll(pattern)) {
    if (match[0].length === 0) continue;
    if (match.index > at) push('plain', code.slice(at, match.index));
    const kind: HighlightKind = match[1] !== undefined ? 'comment'
      : match[2] !== undefined ? 'string'
        : match[3] !== undefined ? 'number'
          : family.keywords.has(match[0]) ? 'keyword' : 'plain';
    push(kind, match[0]);
    at = match.index + match[0].length;
  }
  if (at < code.length) push('plain', code.slice(at));
  return spans;
}
