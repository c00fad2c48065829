// Code and doc comments out of model answers, against hand-written answers in the shapes models give.
import { strict as assert } from 'node:assert';
import { codeFromAnswer, FenceStripper } from '../../src/core/prompts/codeAnswer';
import { commentStyleFor, docstringPlace, formatDocComment } from '../../src/core/prompts/docComment';

function streamed(answer: string, chunkSize: number): string {
  const stripper = new FenceStripper();
  let out = '';
  for (let at = 0; at < answer.length; at += chunkSize) out += stripper.push(answer.slice(at, at + chunkSize));
  return out + stripper.end();
}

describe('codeFromAnswer', function () {
  it('takes the first fenced block, without prose around it', function () {
    assert.equal(codeFromAnswer('Here is the code:\n\n```ts\nlet y = 1;\nlog(y);\n```\n\nThis renames x.'), 'let y = 1;\nlog(y);');
  });

  it('takes an answer without fences as it is, less blank edge lines', function () {
    assert.equal(codeFromAnswer('\n\nlet y = 1;\n\n'), 'let y = 1;');
  });

  it('takes an unclosed fence to the end', function () {
    assert.equal(codeFromAnswer('```python\ndef f():\n    return 1'), 'def f():\n    return 1');
  });

  it('does not close a four-backtick fence on three backticks', function () {
    assert.equal(codeFromAnswer('````md\n```js\nx\n```\n````'), '```js\nx\n```');
  });
});

describe('FenceStripper', function () {
  const answer = '```ts\nconst a = 1;\nconst s = `x`;\n```\nThat is all.';
  for (const size of [1, 2, 3, 7, 100]) {
    it(`streams the code of a fenced answer in chunks of ${size}`, function () {
      assert.equal(streamed(answer, size), 'const a = 1;\nconst s = `x`;\n');
    });
  }

  it('passes an answer without a fence through unchanged', function () {
    assert.equal(streamed('return a + b;\n', 2), 'return a + b;\n');
  });

  it('drops blank lines before the opening fence', function () {
    assert.equal(streamed('\n  ```js\nx();\n```', 3), 'x();\n');
  });

  it('sends a partial line on at once when it cannot be a fence', function () {
    const stripper = new FenceStripper();
    assert.equal(stripper.push('```js\nconst '), 'const ');
    assert.equal(stripper.push('x'), 'x');
    assert.equal(stripper.push(' = 1;\n`'), ' = 1;\n');
    assert.equal(stripper.push('``\nafter'), '');
    assert.equal(stripper.end(), '');
  });
});

describe('formatDocComment', function () {
  it('wraps prose in a JSDoc block at the function indentation', function () {
    assert.equal(
      formatDocComment('Adds two numbers.\n\nReturns their sum.', 'block', '  '),
      '  /**\n   * Adds two numbers.\n   *\n   * Returns their sum.\n   */\n',
    );
  });

  it('re-indents a fenced JSDoc answer', function () {
    assert.equal(
      formatDocComment('```ts\n/**\n * Adds.\n * @param a first\n */\n```', 'block', '\t'),
      '\t/**\n\t * Adds.\n\t * @param a first\n\t */\n',
    );
  });

  it('keeps only the comment of an answer that repeats the function', function () {
    assert.equal(formatDocComment('// Adds.\n// Pure.\nfunction add(a, b) { return a + b; }', 'slashes', ''), '// Adds.\n// Pure.\n');
  });

  it('writes Rust doc comments with three slashes and Python docstrings in quotes', function () {
    assert.equal(formatDocComment('Adds.', 'tripleSlashes', '    '), '    /// Adds.\n');
    assert.equal(
      formatDocComment('"""Adds two numbers.\n\nReturns the sum."""', 'docstring', '    '),
      '    """Adds two numbers.\n\n    Returns the sum.\n    """\n',
    );
    assert.equal(formatDocComment('Adds.', 'docstring', '    '), '    """Adds."""\n');
  });

  it('picks the style from the language id', function () {
    assert.deepEqual(['typescript', 'python', 'rust', 'go', 'ruby', 'java', 'lua', 'haskell'].map(commentStyleFor), [
      'block',
      'docstring',
      'tripleSlashes',
      'slashes',
      'hash',
      'block',
      'dashes',
      'dashes',
    ]);
  });

  it('knows no style for other languages, rather than guess one that may be code there', function () {
    const unknown = ['plaintext', 'clojure', 'vb', 'toString', '__proto__'];
    assert.deepEqual(unknown.map(commentStyleFor), unknown.map(() => undefined));
  });
});

describe('docstringPlace', function () {
  it('goes after a multi-line def header, at the body indentation', function () {
    const lines = ['class A:', '    def f(self,', '          x):  # the header ends here', '        return x'];
    assert.deepEqual(docstringPlace(lines, 1), { line: 3, indent: '        ' });
  });

  it('indents four spaces past the def when the body is not there yet', function () {
    assert.deepEqual(docstringPlace(['def f():'], 0), { line: 1, indent: '    ' });
  });
});
