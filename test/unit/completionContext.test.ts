import { strict as assert } from 'node:assert';
import { completionContext, prefixWindowStart } from '../../src/core/completionContext';

const wide = { maxPrefixChars: 1000, maxSuffixChars: 1000 };

describe('completionContext', () => {
  it('splits the document at the cursor', () => {
    const text = 'function add(a, b) {\n  return a + b;\n}\n';
    const offset = text.indexOf('a + b');
    const ctx = completionContext(text, offset, wide);
    assert.equal(ctx.prefix, 'function add(a, b) {\n  return ');
    assert.equal(ctx.suffix, 'a + b;\n}\n');
    assert.equal(ctx.midLine, true);
  });

  it('is not mid-line when only whitespace follows the cursor on its line', () => {
    const text = 'const x = 1;   \nconst y = 2;';
    assert.equal(completionContext(text, 12, wide).midLine, false);
  });

  it('cuts a long prefix at a line start and a long suffix at its limit', () => {
    const text = 'aaaa\nbbbb\ncccc|dddd\neeee';
    const cursor = text.indexOf('|');
    // cursor 14, window 8: earliest start 6, in steps of 2 -> 6, inside "bbbb": the prefix starts at the next line.
    const ctx = completionContext(text, cursor, { maxPrefixChars: 8, maxSuffixChars: 3 });
    assert.equal(ctx.prefix, 'cccc');
    assert.equal(ctx.suffix, '|dd');
  });

  it('moves the prefix window start in steps of a quarter window, not per keystroke', () => {
    assert.equal(prefixWindowStart(50, 100), 0);
    assert.equal(prefixWindowStart(124, 100), 0);
    assert.equal(prefixWindowStart(125, 100), 25);
    assert.equal(prefixWindowStart(149, 100), 25);
    assert.equal(prefixWindowStart(150, 100), 50);
    // While 24 characters are typed at the end of a long file, the prefix keeps its first line.
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i};`).join('\n') + '\n';
    const limits = { maxPrefixChars: 100, maxSuffixChars: 10 };
    const firstLines = new Set<string>();
    for (let typed = 0; typed < 24; typed++) {
      const text = lines + 'x'.repeat(typed);
      if (prefixWindowStart(text.length, 100) !== prefixWindowStart(lines.length, 100)) break;
      firstLines.add(completionContext(text, text.length, limits).prefix.split('\n')[0] ?? '');
    }
    assert.equal(firstLines.size, 1);
  });

  it('clamps an offset outside the document', () => {
    assert.deepEqual(completionContext('abc', 99, wide), { prefix: 'abc', suffix: '', midLine: false });
    assert.deepEqual(completionContext('abc', -3, wide), { prefix: '', suffix: 'abc', midLine: true });
  });

  it('gives the same context from a window that starts at prefixWindowStart', () => {
    const text = Array.from({ length: 40 }, (_, i) => `line ${i} with some code;`).join('\n');
    const limits = { maxPrefixChars: 50, maxSuffixChars: 30 };
    for (const offset of [0, 10, 49, 50, 51, 200, 500, text.length]) {
      const start = prefixWindowStart(offset, limits.maxPrefixChars);
      const window = text.slice(start, offset + limits.maxSuffixChars);
      assert.deepEqual(completionContext(window, offset, limits, start), completionContext(text, offset, limits), `offset ${offset}`);
    }
  });
});
