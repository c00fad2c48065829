import { strict as assert } from 'node:assert';
import { cleanCompletion } from '../../src/core/cleanCompletion';

describe('cleanCompletion', () => {
  it('keeps only the first line for a single-line suggestion', () => {
    assert.equal(cleanCompletion('a + b;\n}\n', { singleLine: true, maxLines: 4 }), 'a + b;');
  });

  it('caps the number of lines', () => {
    assert.equal(cleanCompletion('one\ntwo\nthree\nfour', { singleLine: false, maxLines: 2 }), 'one\ntwo');
  });

  it('removes trailing whitespace on every line and trailing blank lines', () => {
    assert.equal(cleanCompletion('x = 1;  \n  y = 2;\t\n\n', { singleLine: false, maxLines: 10 }), 'x = 1;\n  y = 2;');
  });

  it('keeps leading indentation, which is part of the suggestion', () => {
    assert.equal(cleanCompletion('\n    return x;', { singleLine: false, maxLines: 3 }), '\n    return x;');
  });
});
