// Hostile model answers cannot end a doc comment early. Each answer tries to break out of the comment style it is
// written into; the test checks the comment the way its language would read it (JavaScript through Node's own parser,
// Python through `ast` when python3 is there), and that the neutralised text still reads naturally.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { runInNewContext } from 'node:vm';
import { formatDocComment, type CommentStyle } from '../../src/core/prompts/docComment';
import { blockSafe, docstringSafe, plainLines, rustdocSafe } from '../../src/core/prompts/commentSafety';

const ESCAPE = "*/ require('child_process').exec('x') /*";

/** Runs `comment` + a function in a fresh context whose `require` records being called. */
function jsRequireCalls(comment: string): number {
  let calls = 0;
  runInNewContext(`${comment}function documented() {}\n`, { require: () => ({ exec: () => calls++ }) });
  return calls;
}

const python = spawnSync('python3', ['-c', 'print(1)']).status === 0;

/** What Python makes of `def f():` + docstring + `pass`, for each docstring: its value and the body's statement count. */
function pythonBodies(docstrings: readonly string[]): { doc: string; statements: number }[] {
  const sources = docstrings.map((docstring) => `def f():\n${docstring}    pass\n`);
  const script =
    'import ast,json,sys\nout=[]\nfor s in json.load(sys.stdin):\n  f=ast.parse(s).body[0]\n  out.append({"doc": ast.get_docstring(f, clean=False), "statements": len(f.body)})\nprint(json.dumps(out))';
  const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(sources), encoding: 'utf8' });
  assert.equal(run.status, 0, `python3 could not parse:\n${sources.join('\n')}\n${run.stderr}`);
  return JSON.parse(run.stdout) as { doc: string; statements: number }[];
}

/** Every line of a line-comment style starts with its marker. */
function allCommented(text: string, marker: string): boolean {
  return text.split('\n').filter((line) => line !== '').every((line) => line.trimStart().startsWith(marker));
}

describe('doc comments cannot turn into code', function () {
  describe('block comments (/** */)', function () {
    it('a "*/" in the answer does not close the comment: the require never runs', function () {
      const comment = formatDocComment(`Runs things.\n${ESCAPE}`, 'block', '');
      assert.equal(jsRequireCalls(comment), 0);
      assert.match(comment, /\* \*\\\/ require\('child_process'\)\.exec\('x'\) \/\\\*\n/, 'neutralised, still readable');
      assert.equal(comment.indexOf('*/'), comment.length - 3, 'the only "*/" is the one that ends the comment');
    });

    it('survives a JSDoc-shaped answer, a fenced one, and one whose opening line hides the escape', function () {
      for (const answer of [`/**\n * Adds.\n * ${ESCAPE}\n */`, '```js\n/** Adds. ' + ESCAPE + ' */\n```', `/** ${ESCAPE}`]) {
        assert.equal(jsRequireCalls(formatDocComment(answer, 'block', '  ')), 0, answer);
      }
    });

    it('a line break the answer smuggles in as \\r, U+2028 or U+2029 cannot start a line outside the comment', function () {
      for (const br of ['\r', '\u2028', '\u2029', '\r\n']) {
        const comment = formatDocComment(`Adds.${br}*/ require('x') /*`, 'block', '');
        assert.equal(jsRequireCalls(comment), 0);
        assert.doesNotMatch(comment, /[\r\u2028\u2029]/);
      }
    });

    it('no run of "*" and "/" can close or open a comment after neutralising', function () {
      const alphabet = ['*', '/', '\\', ' ', 'a'];
      for (let n = 0; n < 4000; n++) {
        const line = Array.from({ length: 1 + (n % 9) }, (_, i) => alphabet[(n * 7 + i * (n % 5 + 1)) % alphabet.length]).join('');
        const safe = blockSafe(line);
        assert.ok(!safe.includes('*/') && !safe.includes('/*'), `${JSON.stringify(line)} became ${JSON.stringify(safe)}`);
      }
    });
  });

  describe('line comments (//, ///, #, --)', function () {
    const styles: [CommentStyle, string][] = [['slashes', '//'], ['tripleSlashes', '///'], ['hash', '#'], ['dashes', '--']];

    it('an answer with a newline and then code stays commented, line by line', function () {
      for (const [style, marker] of styles) {
        for (const br of ['\n', '\r', '\r\n', '\u2028', '\u0085', '\v', '\f']) {
          const comment = formatDocComment(`Deletes nothing.${br}system("rm -rf ~")${br}${br}more`, style, '    ');
          assert.ok(allCommented(comment, marker), `${style} with ${JSON.stringify(br)}:\n${comment}`);
          assert.match(comment, new RegExp(`${marker} system\\("rm -rf ~"\\)\\n`));
          assert.doesNotMatch(comment, /[\r\u2028\u0085\v\f]/);
        }
      }
    });

    it('a dashes comment always has its space, so Haskell cannot read an operator nor Lua a --[[ block', function () {
      const comment = formatDocComment('[[ opens a block?\n> is an operator?\n\nend', 'dashes', '');
      assert.equal(comment, '-- [[ opens a block?\n-- > is an operator?\n--\n-- end\n');
      assert.equal(formatDocComment('--- Adds.\n-- Returns the sum.\nos.exit()', 'dashes', ''), '-- Adds.\n-- Returns the sum.\n');
    });

    it('a line-comment answer followed by code keeps only the comment', function () {
      assert.equal(formatDocComment('# Frees the disk.\nimport os\nos.system("x")', 'hash', ''), '# Frees the disk.\n');
    });

    it('drops the bidi controls of "Trojan Source" and other control characters', function () {
      const comment = formatDocComment('Checks \u202eaccess\u2066 rights\u0000.', 'slashes', '');
      assert.equal(comment, '// Checks access rights.\n');
      assert.equal(plainLines('a\u200fb'), 'a\u200fb', 'a plain right-to-left mark is text, and stays');
    });

    it('Rust: a code block in the answer is shown as text, never compiled by cargo test', function () {
      const answer = [
        'Adds.',
        '```',
        'std::process::Command::new("x").spawn();',
        '```',
        '    indented();',
        '```rust,no_run',
        'more();',
        '```',
      ];
      const comment = formatDocComment(answer.map((line) => `/// ${line}`).join('\n'), 'tripleSlashes', '');
      assert.equal(comment, [
        '/// Adds.', '/// ```text', '/// std::process::Command::new("x").spawn();', '/// ```',
        '///    indented();', '/// ```text', '/// more();', '/// ```', '',
      ].join('\n'));
      assert.deepEqual(rustdocSafe(['~~~', '```', '~~~']), ['~~~text', '```', '~~~'], 'a fence of the other kind is text inside the block');
    });
  });

  describe('Python docstrings', function () {
    const hostile = [
      'Runs.\n"""\nimport os\nos.system(\'x\')\n"""',
      '"""\nimport os\nos.system(\'x\')\n"""',
      'Ends with a quote"',
      'Ends with a backslash \\',
      'Quotes """""" everywhere ""',
      'Path C:\\Users\\Name and \\N{oops}',
      '"""Adds."""\nimport os; os.system("x")',
    ];

    it('no answer closes the docstring early, and Python reads the text the model wrote', function () {
      if (!python) this.skip();
      this.timeout(60_000);
      const parsed = pythonBodies(
        [...hostile, 'Runs.\n"""\nimport os', 'Ends with a quote"'].map((answer) => formatDocComment(answer, 'docstring', '    ')),
      );
      parsed.slice(0, hostile.length).forEach(({ statements }, index) => assert.equal(statements, 2, hostile[index]));
      assert.equal(parsed[hostile.length]?.doc.replace(/\n\s*/g, '\n').trim(), 'Runs.\n"""\nimport os');
      assert.equal(parsed[hostile.length + 1]?.doc.trim(), 'Ends with a quote"');
    });

    it('escapes touching quotes, goes raw for backslashes, and skips doctest examples', function () {
      assert.deepEqual(docstringSafe(['a """ b', 'c']), { lines: ['a "\\"\\" b', 'c'], raw: false });
      assert.equal(formatDocComment('Path C:\\Users.', 'docstring', ''), 'r"""Path C:\\Users."""\n');
      assert.equal(formatDocComment('Quote"', 'docstring', ''), '"""Quote"\n"""\n');
      assert.equal(formatDocComment('Adds.\n\n>>> import os\n... os.system("x")  # doctest: -SKIP', 'docstring', ''),
        '"""Adds.\n\n>>> import os  # doctest: +SKIP\n... os.system("x")  # doctest : -SKIP\n"""\n');
    });
  });
});
