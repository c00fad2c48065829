// The chat's code highlighter (core/chat/highlight): the webview builds the code from the spans, so their texts
// joined must be the code exactly, whatever it holds; and each language family colours only its own syntax.
import { strict as assert } from 'node:assert';
import { seededRandom } from '../../scripts/lib/seededRandom';
import { highlight, type HighlightSpan } from '../../src/core/chat/highlight';

const LANGUAGES = ['typescript', 'python', 'sql', 'rust', '', 'plaintext', 'ruby', 'shellscript', 'html', 'Python', '__proto__'];
/** Everything a span boundary could trip on: quotes, escapes, comment starts, newlines, digits, words and keywords. */
const PIECES = ['"', "'", '`', '/', '*', '#', '-', '\\', '\n', '\t', ' ', '.', 'x', '0', '7', 'e', 'def', 'const', 'SELECT', '_', '$'];

function kinds(spans: HighlightSpan[]): string[] {
  return spans.map((span) => `${span.kind}:${span.text}`);
}

/** The spans' invariants: they rebuild the code, none is empty, and neighbours differ in kind (else they would be one). */
function assertWellFormed(code: string, language: string): void {
  const spans = highlight(code, language);
  const label = `${JSON.stringify(code)} as ${JSON.stringify(language)}`;
  assert.equal(spans.map((span) => span.text).join(''), code, label);
  for (const [i, span] of spans.entries()) {
    assert.ok(span.text.length > 0, `empty span in ${label}`);
    assert.notEqual(span.kind, spans[i - 1]?.kind, `neighbours of one kind in ${label}`);
  }
}

describe('chat code highlighting: the spans are the code', function () {
  it('rebuilds hand-picked code exactly in every language', function () {
    const samples = [
      '', 'x', '"unterminated\nnext', "'a\\'b'", '/* open comment\nstill', '`tpl ${a}\nline`', '# h\n// c\n-- s',
      'a\\\nb', '0x', '1.', '\r\n', 'é "ü" 😀 // ü',
    ];
    for (const language of LANGUAGES) for (const code of samples) assertWellFormed(code, language);
  });

  it('rebuilds 3,000 random strings from a small, awkward alphabet exactly, in every language', function () {
    const random = seededRandom(20260704);
    for (let i = 0; i < 3_000; i++) {
      const length = Math.floor(random() * 30);
      const code = Array.from({ length }, () => PIECES[Math.floor(random() * PIECES.length)]).join('');
      for (const language of LANGUAGES) assertWellFormed(code, language);
    }
  });

  it('gives no spans for no code', function () {
    assert.deepEqual(highlight('', 'typescript'), []);
    assert.deepEqual(highlight('', 'plaintext'), []);
  });
});

describe('chat code highlighting by language', function () {
  it('colours keywords of the language, and only of it', function () {
    assert.deepEqual(kinds(highlight('const x = y;', 'typescript')), ['keyword:const', 'plain: x = y;']);
    assert.deepEqual(kinds(highlight('def f(): pass', 'python')), ['keyword:def', 'plain: f(): ', 'keyword:pass']);
    assert.deepEqual(kinds(highlight('def f', 'typescript')), ['plain:def f'], 'def is no TypeScript keyword');
    assert.deepEqual(kinds(highlight('const f', 'python')), ['plain:const f'], 'const is no Python keyword');
    assert.deepEqual(kinds(highlight('fn main() { let mut v = 0; }', 'rust')), [
      'keyword:fn', 'plain: main() { ', 'keyword:let', 'plain: ', 'keyword:mut', 'plain: v = ', 'number:0', 'plain:; }',
    ]);
    assert.deepEqual(kinds(highlight('SELECT a FROM t', 'sql')), ['keyword:SELECT', 'plain: a ', 'keyword:FROM', 'plain: t']);
    // A keyword inside a longer word is no keyword.
    assert.deepEqual(kinds(highlight('constant defer_x', 'typescript')), ['plain:constant defer_x']);
  });

  it('treats a language id in any case as that language', function () {
    // Models write fences like ```Python.
    assert.deepEqual(kinds(highlight('def f', 'Python')), ['keyword:def', 'plain: f']);
  });

  it('reads // and /* */ comments in C-like code, but # as nothing', function () {
    assert.deepEqual(kinds(highlight('x // note\ny', 'typescript')), ['plain:x ', 'comment:// note', 'plain:\ny']);
    assert.deepEqual(kinds(highlight('/* a\nb */ c', 'typescript')), ['comment:/* a\nb */', 'plain: c']);
    assert.deepEqual(kinds(highlight('# x', 'typescript')), ['plain:# x']);
  });

  it('reads # comments in Python, but // as nothing', function () {
    assert.deepEqual(kinds(highlight('y = 1  # note\nz', 'python')), ['plain:y = ', 'number:1', 'plain:  ', 'comment:# note', 'plain:\nz']);
    assert.deepEqual(kinds(highlight('// x', 'python')), ['plain:// x']);
  });

  it('reads -- comments in SQL', function () {
    assert.deepEqual(kinds(highlight('a -- why', 'sql')), ['plain:a ', 'comment:-- why']);
  });

  it('reads strings with escaped quotes to their real end, and comment markers inside them as string', function () {
    assert.deepEqual(kinds(highlight('"a\\"b" + c', 'typescript')), ['string:"a\\"b"', 'plain: + c']);
    assert.deepEqual(kinds(highlight("'it\\'s' + c", 'typescript')), ["string:'it\\'s'", 'plain: + c']);
    assert.deepEqual(kinds(highlight('"http://x" // y', 'typescript')), ['string:"http://x"', 'plain: ', 'comment:// y']);
    assert.deepEqual(kinds(highlight('s = "a#b"', 'python')), ['plain:s = ', 'string:"a#b"']);
    assert.deepEqual(kinds(highlight('`a\nb` c', 'typescript')), ['string:`a\nb`', 'plain: c'], 'a template spans lines');
  });

  it('ends an unterminated quoted string at the end of its line', function () {
    assert.deepEqual(kinds(highlight('"abc\nconst', 'typescript')), ['string:"abc', 'plain:\n', 'keyword:const']);
  });

  it('reads decimal, fractional, exponent, separated and hex numbers, but not digits inside a word', function () {
    for (const number of ['42', '3.14', '1e10', '2.5E-3', '1_000', '0xFF', '0x1f']) {
      assert.deepEqual(kinds(highlight(`n = ${number};`, 'typescript')), ['plain:n = ', `number:${number}`, 'plain:;'], number);
    }
    assert.deepEqual(kinds(highlight('x1 = a2b', 'typescript')), ['plain:x1 = a2b']);
  });

  it('never gives two neighbouring spans the same kind', function () {
    // Two strings side by side are one string span; a keyword then a keyword has plain between them.
    assert.deepEqual(kinds(highlight("'a''b'", 'sql')), ["string:'a''b'"]);
    assert.deepEqual(kinds(highlight('const let', 'typescript')), ['keyword:const', 'plain: ', 'keyword:let']);
    assert.deepEqual(kinds(highlight('a b c', 'typescript')), ['plain:a b c']);
  });

  it('leaves prose plain in one span: an apostrophe is no string there', function () {
    const prose = "don't // stop # here 42 const";
    for (const language of ['plaintext', 'text', 'markdown', 'PlainText']) {
      assert.deepEqual(highlight(prose, language), [{ kind: 'plain', text: prose }], language);
    }
    assert.deepEqual(highlight('a\n"b"', 'plaintext'), [{ kind: 'plain', text: 'a\n"b"' }]);
  });

  it('highlights a fence without a language as C-like code', function () {
    assert.deepEqual(kinds(highlight('return 1; // done', '')), ['keyword:return', 'plain: ', 'number:1', 'plain:; ', 'comment:// done']);
  });

  it('treats names of object properties as unknown languages, never as families', function () {
    for (const language of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      assert.deepEqual(kinds(highlight('const x // c', language)), ['keyword:const', 'plain: x ', 'comment:// c'], language);
    }
  });
});
