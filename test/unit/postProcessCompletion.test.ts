import { strict as assert } from 'node:assert';
import { postProcessCompletion, type PostProcessContext } from '../../src/core/postProcessCompletion';

/** Marks the cursor in a case's document. */
const CURSOR = '▮';

interface Case {
  name: string;
  /** The document, with CURSOR where the completion is asked for. */
  doc: string;
  raw: string;
  want: string;
  /** Defaults to what the extension does: single line when text follows the cursor on its line. */
  singleLine?: boolean;
  maxLines?: number;
  tabSize?: number;
}

function contextOf(c: Case): PostProcessContext {
  const at = c.doc.indexOf(CURSOR);
  assert.ok(at !== -1, `case "${c.name}" has no cursor`);
  const prefix = c.doc.slice(0, at);
  const suffix = c.doc.slice(at + CURSOR.length);
  const restOfLine = suffix.split(/\r?\n/)[0] ?? '';
  return { prefix, suffix, singleLine: c.singleLine ?? restOfLine.trim() !== '', maxLines: c.maxLines ?? 8, tabSize: c.tabSize };
}

function runCases(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.name, () => assert.equal(postProcessCompletion(c.raw, contextOf(c)), c.want));
  }
}

describe('postProcessCompletion', () => {
  describe('normalises \\r\\n to \\n', () => {
    runCases([
      {
        name: 'JS: a CRLF function body comes out with LF line ends',
        doc: 'function add(a, b) {▮\n}\n',
        raw: '\r\n  const sum = a + b;\r\n  return sum;\r\n',
        want: '\n  const sum = a + b;\n  return sum;',
      },
      {
        name: 'Python: a CRLF document still finds the repeated following line',
        doc: 'def area(r):\r\n    ▮\r\n\r\nprint(area(2))\r\n',
        raw: 'return 3.14159 * r * r\r\n\r\nprint(area(2))\r\n',
        want: 'return 3.14159 * r * r',
      },
      {
        name: 'C: CRLF output with a single-line request keeps the first line only',
        doc: 'int main(void) {\r\n    int n = ▮\r\n}\r\n',
        raw: 'count_items(list);\r\n    return n;\r\n',
        singleLine: true,
        want: 'count_items(list);',
      },
      {
        name: 'Go: does not fire on an escaped \\r\\n inside a string literal',
        doc: 'func join(lines []string) string {\n\treturn ▮\n}\n',
        raw: 'strings.Join(lines, "\\r\\n")',
        want: 'strings.Join(lines, "\\r\\n")',
      },
      {
        name: 'Java: does not change LF-only text',
        doc: 'public int size() {\n    ▮\n}\n',
        raw: 'if (items == null) {\n        return 0;\n    }',
        want: 'if (items == null) {\n        return 0;\n    }',
      },
    ]);
  });

  describe('keeps a single line when asked', () => {
    runCases([
      {
        name: 'TS: the user asked for one line at the end of a line',
        doc: 'const total = ▮\nconsole.log(total);\n',
        raw: 'items.reduce((sum, x) => sum + x, 0);\nconsole.log(total);\n',
        singleLine: true,
        want: 'items.reduce((sum, x) => sum + x, 0);',
      },
      {
        name: 'Python: a completion that starts on the next line shows nothing',
        doc: 'def greet(name):▮\n',
        raw: '\n    return f"Hello, {name}"',
        singleLine: true,
        want: '',
      },
      {
        name: 'Java: mid-line, only the rest of the expression is kept',
        doc: '        int port = ▮ + offset;\n',
        raw: 'config.getPort()\n        int host = 0;',
        want: 'config.getPort()',
      },
      {
        name: 'Go: does not fire when more lines are allowed',
        doc: 'func main() {\n\t▮\n}\n',
        raw: 'fmt.Println("a")\n\tfmt.Println("b")',
        want: 'fmt.Println("a")\n\tfmt.Println("b")',
      },
      {
        name: 'C: does not change a completion that is one line already',
        doc: 'int main(void) {\n    int n = ▮\n',
        raw: 'atoi(argv[1]);',
        singleLine: true,
        want: 'atoi(argv[1]);',
      },
    ]);
  });

  describe('stops where the model re-types the lines that follow', () => {
    runCases([
      {
        name: 'JS: stops before the line that already follows the cursor',
        doc: 'function scale(x) {\n  ▮\n  return result;\n}\n',
        raw: 'const result = x * factor;\n  return result;\n}',
        want: 'const result = x * factor;',
      },
      {
        name: 'Python: on an empty line, a first line that repeats the next one shows nothing',
        doc: 'def load(path):\n    ▮\n    return data\n',
        raw: 'return data',
        want: '',
      },
      {
        name: 'TS: a lone } that the suffix already has is cut',
        doc: 'function reset(): void {▮\n}\n',
        raw: '\n  count = 0;\n}',
        want: '\n  count = 0;',
      },
      {
        name: 'C: compares lines trimmed, so other indentation still counts as a repeat',
        doc: 'int main(void) {\n    puts("start");\n    ▮\n    return 0;\n}\n',
        raw: 'puts("done");\n  return 0;\n}',
        want: 'puts("done");',
      },
      {
        name: 'Java: does not fire on a } that closes a block the completion opened',
        doc: 'class Runner {\n    public void run() {\n        ▮\n    }\n}\n',
        raw: 'if (ready) {\n            start();\n        }',
        want: 'if (ready) {\n            start();\n        }',
      },
      {
        name: 'Python: does not fire on a line that repeats a later line, not the next one',
        doc: 'def total(xs):\n    ▮\n    result = 0\n    return result\n',
        raw: 'xs = sorted(xs)\n    return result',
        want: 'xs = sorted(xs)\n    return result',
      },
      {
        name: 'JS: does not fire on the first line when the cursor is after code on its line',
        doc: 'let x = 1;\nx = ▮\nx = x + 1;\n',
        raw: 'x + 1;',
        want: 'x + 1;',
      },
      {
        name: 'Go: does not fire on a } in another column than the suffix\'s }',
        doc: 'func sum(xs []int) int {\n\ttotal := 0\n\tfor _, x := range xs {▮\n}\n',
        raw: '\n\t\ttotal += x\n\t}\n\treturn total',
        want: '\n\t\ttotal += x\n\t}',
      },
    ]);
  });

  describe('does not re-type the rest of the cursor\'s line', () => {
    runCases([
      {
        name: 'JS: drops the ) that closes the call the prefix opened',
        doc: 'call(▮)\n',
        raw: 'a, b)',
        want: 'a, b',
      },
      {
        name: 'JS: does not fire on a ) that closes the completion\'s own call',
        doc: 'setTimeout(▮)\n',
        raw: 'run(task)',
        want: 'run(task)',
      },
      {
        name: 'Python: drops the closing quote and ) the auto-closed string already has',
        doc: 'print("▮")\n',
        raw: 'Hello, world")',
        want: 'Hello, world',
      },
      {
        name: 'Python: drops a ) whose ( is on an earlier line',
        doc: 'result = compute(\n    alpha,\n    ▮)\n',
        raw: 'beta)',
        want: 'beta',
      },
      {
        name: 'C: drops the ; the line already ends with',
        doc: 'int main(void) {\n    int n = ▮;\n}\n',
        raw: 'count(list);',
        want: 'count(list)',
      },
      {
        name: 'TS: drops a re-typed rest of line and the space the suffix brings itself',
        doc: 'const total = ▮ + tax;\n',
        raw: 'price + tax;',
        want: 'price',
      },
      {
        name: 'Java: keeps the model\'s space before text that starts right at the cursor',
        doc: '        return ▮items.size();\n',
        raw: 'offset + items.size();',
        want: 'offset + ',
      },
      {
        name: 'Go: a completion that only re-types the rest of the line shows nothing',
        doc: 'func main() {\n\tif err != nil ▮{\n}\n',
        raw: '{',
        want: '',
      },
      {
        name: 'Java: does not fire when the completion does not end with the rest of the line',
        doc: '        list.add(▮);\n',
        raw: 'item',
        want: 'item',
      },
      {
        name: 'JS: does not fire at the end of a line',
        doc: 'console.log(total)▮\n',
        raw: ';',
        want: ';',
      },
    ]);
  });

  describe('ends at the close of the cursor\'s indentation scope', () => {
    runCases([
      {
        name: 'JS: stops before a line indented less than the cursor\'s line',
        doc: 'function setup() {\n  const a = 1;▮',
        raw: '\n  const b = 2;\n}\n\nfunction teardown() {',
        want: '\n  const b = 2;',
      },
      {
        name: 'JS: keeps the } that closes the block the cursor\'s line opened, and ends there',
        doc: 'function add(a, b) {▮',
        raw: '\n  return a + b;\n}\n\nconsole.log(add(1, 2));',
        want: '\n  return a + b;\n}',
      },
      {
        name: 'Python: a : block ends at the first line back at its level, which is not kept',
        doc: 'def square(x):▮',
        raw: '\n    return x * x\n\nprint(square(3))',
        want: '\n    return x * x',
      },
      {
        name: 'Python: an else: at the if\'s level ends the if body',
        doc: 'def sign(x):\n    if x > 0:▮',
        raw: '\n        return 1\n    else:\n        return -1',
        want: '\n        return 1',
      },
      {
        name: 'Python: keeps the ) that closes a call the cursor\'s line opened',
        doc: 'result = compute(▮',
        raw: '\n    alpha,\n    beta,\n)\nprint(result)',
        want: '\n    alpha,\n    beta,\n)',
      },
      {
        name: 'Go: tabs count as indentation and the closing } is kept',
        doc: 'func main() {\n\tif ok {▮',
        raw: '\n\t\trun()\n\t}\n}',
        want: '\n\t\trun()\n\t}',
      },
      {
        name: 'C: the block opener is found before a trailing // comment',
        doc: 'int main(void) {\n    while (running) { // main loop▮',
        raw: '\n        step();\n    }\n    return 0;',
        want: '\n        step();\n    }',
      },
      {
        name: 'Java: does not fire on lines at the cursor\'s level when no block was opened',
        doc: 'class Sum {\n    int run() {\n        int a = 1;▮',
        raw: '\n        int b = 2;\n\n        return a + b;',
        want: '\n        int b = 2;\n\n        return a + b;',
      },
      {
        name: 'Go: does not fire when four spaces match a tab of the default size',
        doc: 'func main() {\n\tx := 1▮',
        raw: '\n    y := 2',
        want: '\n    y := 2',
      },
      {
        name: 'Go: with tabSize 8, four spaces are less than the cursor\'s tab',
        doc: 'func main() {\n\tx := 1▮',
        raw: '\n    y := 2',
        tabSize: 8,
        want: '',
      },
    ]);
  });

  describe('keeps brackets balanced', () => {
    runCases([
      {
        name: 'TS: cuts before a ) that would close a [',
        doc: 'const primes = [2, 3, 5, ▮',
        raw: '7);',
        want: '7',
      },
      {
        name: 'Go: cuts before a ] that would close a { on the cursor\'s line',
        doc: 'func main() {\n\titems := []int{1, 2, ▮',
        raw: '3]\n\tfmt.Println(items)',
        want: '3',
      },
      {
        name: 'JS: cuts before the ) the rest of the line already provides',
        doc: 'console.log(▮)\n',
        raw: '"total:", total);',
        want: '"total:", total',
      },
      {
        name: 'C: cuts before the ) of an if whose rest of line is ") {"',
        doc: 'int main(void) {\n    if (▮) {\n',
        raw: 'argc > 1 && (argv[1][0] == \'-\')) {',
        want: 'argc > 1 && (argv[1][0] == \'-\')',
      },
      {
        name: 'JS: does not fire on a ) closing the prefix\'s ( when nothing follows the cursor',
        doc: 'console.log(▮',
        raw: '"total:", total);',
        want: '"total:", total);',
      },
      {
        name: 'Python: does not fire on brackets inside a string',
        doc: 'def label(x):\n    return "[" + ▮',
        raw: 'str(x) + "]: (ok}"',
        want: 'str(x) + "]: (ok}"',
      },
      {
        name: 'JS: does not fire on brackets inside a // comment',
        doc: 'const y = f(▮',
        raw: 'x); // TODO: handle ] and } here',
        want: 'x); // TODO: handle ] and } here',
      },
      {
        name: 'Python: does not fire on brackets inside a # comment',
        doc: 'values = [▮',
        raw: '1, 2]  # kept in order (see below}',
        want: '1, 2]  # kept in order (see below}',
      },
      {
        name: 'Java: does not fire on a char literal holding a closer',
        doc: '        if (c == ▮',
        raw: '\')\' || c == \']\') {',
        want: '\')\' || c == \']\') {',
      },
      {
        name: 'TS: leaves brackets the completion opened unclosed at its end',
        doc: 'const config = {▮',
        raw: '\n  port: 8080,\n  host: "localhost",\n  debug: true,\n};',
        maxLines: 3,
        want: '\n  port: 8080,\n  host: "localhost",',
      },
      {
        name: 'Go: leaves an unclosed call on the last line alone',
        doc: 'func main() {\n\t▮',
        raw: 'fmt.Printf("%d items\\n", len(',
        want: 'fmt.Printf("%d items\\n", len(',
      },
    ]);
  });

  describe('keeps at most maxLines lines', () => {
    runCases([
      {
        name: 'JS: keeps the first two lines',
        doc: 'function init() {\n  ▮',
        raw: 'load();\n  render();\n  bind();',
        maxLines: 2,
        want: 'load();\n  render();',
      },
      {
        name: 'Python: counts a blank line in the middle',
        doc: 'import os\n▮',
        raw: 'import sys\n\ndef main():\n    pass',
        maxLines: 3,
        want: 'import sys\n\ndef main():',
      },
      {
        name: 'C: a completion that starts with a newline spends a line on it',
        doc: 'int main(void) {▮',
        raw: '\n    return 0;\n}',
        maxLines: 1,
        want: '',
      },
      {
        name: 'Java: does not fire when the completion is within the limit',
        doc: '    void stop() {▮',
        raw: '\n        running = false;\n    }',
        maxLines: 4,
        want: '\n        running = false;\n    }',
      },
      {
        name: 'Go: a maxLines below 1 still keeps one line',
        doc: 'func main() {\n\t▮',
        raw: 'x := 1\n\ty := 2',
        maxLines: 0,
        want: 'x := 1',
      },
    ]);
  });

  describe('leaves no trailing whitespace', () => {
    runCases([
      {
        name: 'JS: strips trailing spaces and tabs on every line',
        doc: 'function f() {\n  ▮',
        raw: 'const a = 1;  \n  const b = 2;\t',
        want: 'const a = 1;\n  const b = 2;',
      },
      {
        name: 'Python: drops trailing blank lines',
        doc: 'def f():\n    ▮',
        raw: 'return 42\n\n   \n',
        want: 'return 42',
      },
      {
        name: 'C: a completion of only whitespace shows nothing',
        doc: 'int main(void) {\n    ▮',
        raw: ' \n\t\n  ',
        want: '',
      },
      {
        name: 'Python: does not strip the leading indentation of the first line',
        doc: 'def f():\n▮',
        raw: '    return 1  ',
        want: '    return 1',
      },
      {
        name: 'Go: does not drop a blank line between two lines of code',
        doc: 'func main() {\n\t▮',
        raw: 'a := 1\n\n\tb := 2',
        want: 'a := 1\n\n\tb := 2',
      },
      {
        name: 'Java: does not touch whitespace inside a string literal',
        doc: '        String pad = ▮',
        raw: '"   ";',
        want: '"   ";',
      },
    ]);
  });

  describe('is robust', () => {
    const plain: PostProcessContext = { prefix: '', suffix: '', singleLine: false, maxLines: 4 };

    it('returns "" for an empty completion, prefix and suffix', () => {
      assert.equal(postProcessCompletion('', plain), '');
      assert.equal(postProcessCompletion('foo()', plain), 'foo()');
    });

    it('falls back to one line when maxLines is not a number', () => {
      assert.equal(postProcessCompletion('a\nb', { ...plain, maxLines: Number.NaN }), 'a');
    });

    it('treats an unterminated string or comment as running to its end', () => {
      assert.equal(postProcessCompletion('"unterminated ) here', { ...plain, prefix: 'f(', suffix: ')' }), '"unterminated ) here');
      assert.equal(postProcessCompletion('/* open ] comment', { ...plain, prefix: 'g[' }), '/* open ] comment');
      assert.equal(postProcessCompletion('"""doc ]\n    more )"""', { ...plain, prefix: 'x = [' }), '"""doc ]\n    more )"""');
    });

    it('never throws, and keeps its promises, on arbitrary text', () => {
      const pieces = [
        '(',
        ')',
        '[',
        ']',
        '{',
        '}',
        '"',
        "'",
        '`',
        '//',
        '#',
        '/*',
        '\\',
        ':',
        ';',
        ' ',
        '\t',
        '\n',
        '\r\n',
        'x',
        'if',
        '    ',
      ];
      let seed = 7;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
      const randomText = () => Array.from({ length: next() % 24 }, () => pieces[next() % pieces.length] ?? '').join('');
      for (let i = 0; i < 2000; i++) {
        const maxLines = 1 + (next() % 4);
        const context = { prefix: randomText(), suffix: randomText(), singleLine: next() % 2 === 0, maxLines, tabSize: 1 + (next() % 8) };
        const out = postProcessCompletion(randomText(), context);
        assert.ok(!out.includes('\r\n'), 'no CRLF');
        assert.ok(out.split('\n').length <= (context.singleLine ? 1 : maxLines), 'line limit');
        assert.ok(out === '' || out.trim() !== '', 'no whitespace-only result');
      }
    });
  });
});
