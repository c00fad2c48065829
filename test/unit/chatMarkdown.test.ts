// The chat's small Markdown (core/chat/markdown): blocks, inlines and code blocks by index, checked against what the
// Markdown means. Model output is hostile text, so HTML must come back as plain text, never as markup.
import { strict as assert } from 'node:assert';
import { codeBlockAt, parseInline, parseMarkdown, type Inline, type MarkdownBlock } from '../../src/core/chat/markdown';

const text = (value: string): Inline => ({ kind: 'text', text: value });
const paragraph = (...inlines: Inline[]): MarkdownBlock => ({ kind: 'paragraph', inlines });

describe('chat Markdown blocks', function () {
  it('splits paragraphs on blank lines and keeps the lines of one paragraph together', function () {
    assert.deepEqual(parseMarkdown('one\ntwo\n\nthree'), [paragraph(text('one\ntwo')), paragraph(text('three'))]);
    // A line of only spaces or tabs is blank too, and several blank lines make one break.
    assert.deepEqual(parseMarkdown('a\n  \n\n\t\nb'), [paragraph(text('a')), paragraph(text('b'))]);
    assert.deepEqual(parseMarkdown(''), []);
    assert.deepEqual(parseMarkdown('\n\n'), []);
  });

  it('reads ATX headings with their level, without the closing hashes', function () {
    assert.deepEqual(parseMarkdown('# One'), [{ kind: 'heading', level: 1, inlines: [text('One')] }]);
    assert.deepEqual(parseMarkdown('### Three ###'), [{ kind: 'heading', level: 3, inlines: [text('Three')] }]);
    assert.deepEqual(parseMarkdown('###### Six'), [{ kind: 'heading', level: 6, inlines: [text('Six')] }]);
    assert.deepEqual(parseMarkdown('## The `x` value'), [
      { kind: 'heading', level: 2, inlines: [text('The '), { kind: 'code', text: 'x' }, text(' value')] },
    ]);
  });

  it('does not read seven hashes, or a hash without a space, as a heading', function () {
    assert.deepEqual(parseMarkdown('####### seven'), [paragraph(text('####### seven'))]);
    assert.deepEqual(parseMarkdown('#hashtag'), [paragraph(text('#hashtag'))]);
  });

  it('lets a heading interrupt a paragraph', function () {
    assert.deepEqual(parseMarkdown('intro\n# Title\nmore'), [
      paragraph(text('intro')), { kind: 'heading', level: 1, inlines: [text('Title')] }, paragraph(text('more')),
    ]);
  });

  it('makes consecutive bullet items one list', function () {
    assert.deepEqual(parseMarkdown('- a\n- **b**\n- c'), [
      { kind: 'list', ordered: false, start: 1, items: [[text('a')], [{ kind: 'strong', text: 'b' }], [text('c')]] },
    ]);
    assert.deepEqual(parseMarkdown('* x\n* y'), [{ kind: 'list', ordered: false, start: 1, items: [[text('x')], [text('y')]] }]);
    assert.deepEqual(parseMarkdown('+ x\n+ y'), [{ kind: 'list', ordered: false, start: 1, items: [[text('x')], [text('y')]] }]);
  });

  it('makes consecutive numbered items one ordered list, after a paragraph it interrupts', function () {
    assert.deepEqual(parseMarkdown('Steps:\n1. one\n2. two\n10. ten'), [
      paragraph(text('Steps:')),
      { kind: 'list', ordered: true, start: 1, items: [[text('one')], [text('two')], [text('ten')]] },
    ]);
    assert.deepEqual(parseMarkdown('1) one\n2) two'), [{ kind: 'list', ordered: true, start: 1, items: [[text('one')], [text('two')]] }]);
  });

  it('keeps numbered steps a blank line apart one list, starting at their first number', function () {
    assert.deepEqual(parseMarkdown('1. one\n\n2. two\n\n3. three'), [
      { kind: 'list', ordered: true, start: 1, items: [[text('one')], [text('two')], [text('three')]] },
    ]);
    assert.deepEqual(parseMarkdown('3. three\n4. four'), [
      { kind: 'list', ordered: true, start: 3, items: [[text('three')], [text('four')]] },
    ]);
  });

  it('keeps a trailing # that belongs to the heading text, and drops a closing run after a space', function () {
    assert.deepEqual(parseMarkdown('# C#'), [{ kind: 'heading', level: 1, inlines: [text('C#')] }]);
    assert.deepEqual(parseMarkdown('## Title ##'), [{ kind: 'heading', level: 2, inlines: [text('Title')] }]);
  });

  it('joins consecutive quote lines into one quote', function () {
    assert.deepEqual(parseMarkdown('> a\n> b'), [{ kind: 'quote', inlines: [text('a'), text('\n'), text('b')] }]);
    assert.equal(parseMarkdown('> a\n\n> b').length, 2);
  });

  it('takes a fence indented inside a list item, and removes that indentation from its code', function () {
    const blocks = parseMarkdown('1. Install:\n   ```sh\n   npm i\n     nested\n   ```');
    assert.deepEqual(blocks.at(-1), { kind: 'code', language: 'sh', code: 'npm i\n  nested', index: 0, closed: true });
  });

  it('starts a new list when bullets turn to numbers, or when a paragraph comes between', function () {
    assert.deepEqual(parseMarkdown('- a\n1. b'), [
      { kind: 'list', ordered: false, start: 1, items: [[text('a')]] },
      { kind: 'list', ordered: true, start: 1, items: [[text('b')]] },
    ]);
    assert.deepEqual(parseMarkdown('- a\n\nbetween\n\n- b'), [
      { kind: 'list', ordered: false, start: 1, items: [[text('a')]] },
      paragraph(text('between')),
      { kind: 'list', ordered: false, start: 1, items: [[text('b')]] },
    ]);
  });

  it('does not take emphasis or a dash without a space at the start of a line for a bullet', function () {
    assert.deepEqual(parseMarkdown('*stress* here'), [paragraph({ kind: 'em', text: 'stress' }, text(' here'))]);
    assert.deepEqual(parseMarkdown('**bold** start'), [paragraph({ kind: 'strong', text: 'bold' }, text(' start'))]);
    assert.deepEqual(parseMarkdown('-1 is negative'), [paragraph(text('-1 is negative'))]);
  });

  it('reads a blockquote, with or without a space after the marker, and lets it interrupt a paragraph', function () {
    assert.deepEqual(parseMarkdown('> quoted *text*'), [{ kind: 'quote', inlines: [text('quoted '), { kind: 'em', text: 'text' }] }]);
    assert.deepEqual(parseMarkdown('>tight'), [{ kind: 'quote', inlines: [text('tight')] }]);
    assert.deepEqual(parseMarkdown('said:\n> this'), [paragraph(text('said:')), { kind: 'quote', inlines: [text('this')] }]);
  });
});

describe('chat Markdown code blocks', function () {
  it('reads a fenced block with its language, with backticks or tildes', function () {
    assert.deepEqual(parseMarkdown('```ts\nconst a = 1;\nreturn a;\n```'), [
      { kind: 'code', language: 'ts', code: 'const a = 1;\nreturn a;', index: 0, closed: true },
    ]);
    assert.deepEqual(parseMarkdown('~~~python\nx = 1\n~~~'), [{ kind: 'code', language: 'python', code: 'x = 1', index: 0, closed: true }]);
    assert.deepEqual(parseMarkdown('```\nplain\n```'), [{ kind: 'code', language: '', code: 'plain', index: 0, closed: true }]);
    // The language is the info string's first word.
    assert.deepEqual(parseMarkdown('``` js title="a.js"\nx\n```'), [{ kind: 'code', language: 'js', code: 'x', index: 0, closed: true }]);
  });

  it('keeps Markdown, blank lines and indentation inside a block as code', function () {
    const code = '# not a heading\n\n- not a list\n    indented\n> not a quote';
    assert.deepEqual(parseMarkdown(`\`\`\`\n${code}\n\`\`\``), [{ kind: 'code', language: '', code, index: 0, closed: true }]);
  });

  it('closes a fence only with the same character, at least as long, and without an info string', function () {
    // A ```` fence holds ``` lines: the model quoting a Markdown snippet with its own code block.
    assert.deepEqual(parseMarkdown('````md\n```ts\nx\n```\n````'), [
      { kind: 'code', language: 'md', code: '```ts\nx\n```', index: 0, closed: true },
    ]);
    assert.deepEqual(parseMarkdown('~~~\na\n```\nb\n~~~'), [{ kind: 'code', language: '', code: 'a\n```\nb', index: 0, closed: true }]);
    assert.deepEqual(parseMarkdown('```\na\n`````'), [{ kind: 'code', language: '', code: 'a', index: 0, closed: true }]);
    assert.deepEqual(parseMarkdown('```\na\n```js\n```'), [{ kind: 'code', language: '', code: 'a\n```js', index: 0, closed: true }]);
  });

  it('does not take backticks followed by more backticks on the line for a fence', function () {
    // Info strings of backtick fences may not hold backticks: this is inline code.
    assert.deepEqual(parseMarkdown('```js```'), [paragraph({ kind: 'code', text: 'js' })]);
  });

  it('numbers the code blocks of a message 0, 1, 2 in order, between other blocks', function () {
    const blocks = parseMarkdown('See:\n```ts\none\n```\nthen\n\n~~~py\ntwo\n~~~\n- item\n```\nthree\n```\nafter');
    assert.deepEqual(blocks.map((block) => block.kind), ['paragraph', 'code', 'paragraph', 'code', 'list', 'code', 'paragraph']);
    const code = blocks.filter((block) => block.kind === 'code');
    assert.deepEqual(
      code.map((block) => [block.index, block.language, block.code]),
      [[0, 'ts', 'one'], [1, 'py', 'two'], [2, '', 'three']],
    );
    assert.deepEqual(blocks.at(-1), paragraph(text('after')));
  });

  it('treats a fence still open at the end (a streaming answer) as an unclosed block holding every remaining line', function () {
    assert.deepEqual(parseMarkdown('Here:\n```ts\nline1\n\n# line3'), [
      paragraph(text('Here:')),
      { kind: 'code', language: 'ts', code: 'line1\n\n# line3', index: 0, closed: false },
    ]);
    // Just after the model wrote the fence: an empty block already.
    assert.deepEqual(parseMarkdown('```py'), [{ kind: 'code', language: 'py', code: '', index: 0, closed: false }]);
    const blocks = parseMarkdown('```\na\n```\n````\nb\n```');
    assert.deepEqual(blocks.at(-1), { kind: 'code', language: '', code: 'b\n```', index: 1, closed: false });
  });

  it('finds the code of the nth block, and nothing for an index it does not have', function () {
    const source = 'a\n```ts\nlet x = 1;\n```\nb\n```python\nprint(x)\n```\n';
    assert.deepEqual(codeBlockAt(source, 0), { language: 'ts', code: 'let x = 1;' });
    assert.deepEqual(codeBlockAt(source, 1), { language: 'python', code: 'print(x)' });
    assert.equal(codeBlockAt(source, 2), undefined);
    assert.equal(codeBlockAt(source, -1), undefined);
    assert.equal(codeBlockAt('no code here', 0), undefined);
    assert.equal(codeBlockAt('', 0), undefined);
  });
});

describe('chat Markdown inlines', function () {
  it('reads code spans, stripping one space from each side only when both sides have one', function () {
    assert.deepEqual(parseInline('`code`'), [{ kind: 'code', text: 'code' }]);
    assert.deepEqual(parseInline('`` `x` ``'), [{ kind: 'code', text: '`x`' }]);
    assert.deepEqual(parseInline('` a`'), [{ kind: 'code', text: ' a' }]);
    assert.deepEqual(parseInline('`  `'), [{ kind: 'code', text: '  ' }], 'a span of only spaces keeps them');
  });

  it('lets a double-backtick span hold a single backtick', function () {
    assert.deepEqual(parseInline('use ``a ` b`` here'), [text('use '), { kind: 'code', text: 'a ` b' }, text(' here')]);
  });

  it('does not parse Markdown inside a code span', function () {
    assert.deepEqual(parseInline('`**not bold** [x](y)`'), [{ kind: 'code', text: '**not bold** [x](y)' }]);
  });

  it('reads **strong**, *em* and _em_', function () {
    assert.deepEqual(parseInline('**strong**'), [{ kind: 'strong', text: 'strong' }]);
    assert.deepEqual(parseInline('an *em* word'), [text('an '), { kind: 'em', text: 'em' }, text(' word')]);
    assert.deepEqual(parseInline('an _em_ word'), [text('an '), { kind: 'em', text: 'em' }, text(' word')]);
    assert.deepEqual(parseInline('**two words**'), [{ kind: 'strong', text: 'two words' }]);
  });

  it('leaves snake_case_words, spaced stars and unmatched markers as text', function () {
    // An underscore inside a word neither opens nor closes emphasis, on either side.
    const plains = ['snake_case_words', 'call my_var_name now', 'file_name_.txt', '_private_var', '2 * 3 * 4', '* not em *', '**open'];
    for (const plain of plains) {
      assert.deepEqual(parseInline(plain), [text(plain)], plain);
    }
  });

  it('reads [text](url) links and nothing else in brackets', function () {
    assert.deepEqual(parseInline('see [the docs](https://example.com/a_b?q=1)'), [
      text('see '), { kind: 'link', text: 'the docs', href: 'https://example.com/a_b?q=1' },
    ]);
    // Balanced parentheses belong to the destination, as in CommonMark.
    assert.deepEqual(parseInline('[wiki](https://en.wikipedia.org/wiki/Foo_(bar)).'), [
      { kind: 'link', text: 'wiki', href: 'https://en.wikipedia.org/wiki/Foo_(bar)' }, text('.'),
    ]);
    assert.deepEqual(parseInline('[a] (b)'), [text('[a] (b)')]);
    assert.deepEqual(parseInline('[a](b c)'), [text('[a](b c)')], 'a destination with a space is no link');
  });

  it('splits mixed text into its parts in order, and keeps every character of the text between them', function () {
    assert.deepEqual(parseInline('Use `npm i`, then **run** it _once_; see [here](http://x).'), [
      text('Use '), { kind: 'code', text: 'npm i' }, text(', then '), { kind: 'strong', text: 'run' }, text(' it '),
      { kind: 'em', text: 'once' }, text('; see '), { kind: 'link', text: 'here', href: 'http://x' }, text('.'),
    ]);
    assert.deepEqual(parseInline(''), []);
  });
});

describe('chat Markdown with hostile text', function () {
  it('returns HTML verbatim as text, never as markup', function () {
    for (const html of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>']) {
      assert.deepEqual(parseMarkdown(html), [paragraph(text(html))], html);
      assert.deepEqual(parseInline(html), [text(html)], html);
    }
    assert.deepEqual(parseMarkdown('# <b>x</b>'), [{ kind: 'heading', level: 1, inlines: [text('<b>x</b>')] }]);
    assert.deepEqual(parseMarkdown('- <iframe src=x>'), [{ kind: 'list', ordered: false, start: 1, items: [[text('<iframe src=x>')]] }]);
  });

  it('keeps HTML in code and in a link target as data', function () {
    assert.deepEqual(parseMarkdown('```html\n<script>alert(1)</script>\n```'), [
      { kind: 'code', language: 'html', code: '<script>alert(1)</script>', index: 0, closed: true },
    ]);
    assert.deepEqual(parseInline('[click](javascript:void%200)'), [{ kind: 'link', text: 'click', href: 'javascript:void%200' }]);
  });
});

describe('chat Markdown line endings', function () {
  it('parses CRLF (and lone CR) like LF, with no carriage return left in the code', function () {
    const lf = '# Title\n\npara one\nline two\n\n- a\n- b\n\n```ts\nconst x = 1;\n\nx++;\n```\n> q\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    assert.deepEqual(parseMarkdown(crlf), parseMarkdown(lf));
    assert.deepEqual(parseMarkdown(lf.replace(/\n/g, '\r')), parseMarkdown(lf));
    assert.deepEqual(codeBlockAt(crlf, 0), { language: 'ts', code: 'const x = 1;\n\nx++;' });
    // The LF result itself is right, so the equality above is not two equal mistakes.
    assert.deepEqual(parseMarkdown(lf).map((block) => block.kind), ['heading', 'paragraph', 'list', 'code', 'quote']);
  });
});
