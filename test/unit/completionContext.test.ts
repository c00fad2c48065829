import { strict as assert } from 'node:assert';
import { completionContext } from '../../src/core/completionContext';

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
    const ctx = completionContext(text, cursor, { maxPrefixChars: 7, maxSuffixChars: 3 });
    assert.equal(ctx.prefix, 'cccc');
    assert.equal(ctx.suffix, '|dd');
  });

  it('clamps an offset outside the document', () => {
    assert.deepEqual(completionContext('abc', 99, wide), { prefix: 'abc', suffix: '', midLine: false });
    assert.deepEqual(completionContext('abc', -3, wide), { prefix: '', suffix: 'abc', midLine: true });
  });

  it('gives the same context from a window one character wider than the prefix limit', () => {
    const text = Array.from({ length: 40 }, (_, i) => `line ${i} with some code;`).join('\n');
    const limits = { maxPrefixChars: 50, maxSuffixChars: 30 };
    for (const offset of [0, 10, 49, 50, 51, 200, 500, text.length]) {
      const start = Math.max(0, offset - limits.maxPrefixChars - 1);
      const window = text.slice(start, offset + limits.maxSuffixChars);
      assert.deepEqual(completionContext(window, offset - start, limits), completionContext(text, offset, limits), `offset ${offset}`);
    }
  });
});
