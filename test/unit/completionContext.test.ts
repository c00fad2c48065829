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
});
