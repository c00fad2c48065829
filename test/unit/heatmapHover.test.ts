import { strict as assert } from 'node:assert';
import { formatProbability, hoverMarkdown } from '../../src/core/lens/hoverMarkdown';
import { markdownCodeSpan } from '../../src/core/lens/markdownCode';
import { hoverContextStart, tokensAt } from '../../src/core/lens/tokenAt';

describe('heatmap hover', () => {
  const tokens = [{ start: 0, end: 3 }, { start: 3, end: 4 }, { start: 4, end: 5 }, { start: 4, end: 5 }, { start: 5, end: 9 }];

  it('finds the token under an offset, or every byte token of a character spelled in several', () => {
    assert.deepEqual(tokensAt(tokens, 0), [0]);
    assert.deepEqual(tokensAt(tokens, 2), [0]);
    assert.deepEqual(tokensAt(tokens, 3), [1]);
    assert.deepEqual(tokensAt(tokens, 4), [2, 3]);
    assert.deepEqual(tokensAt(tokens, 8), [4]);
    assert.deepEqual(tokensAt(tokens, 9), []);
    assert.deepEqual(tokensAt([], 0), []);
  });

  it('starts the text before a token where the pass\'s window started: the file\'s start while it fits the context', () => {
    const many = Array.from({ length: 30 }, (_, index) => ({ start: index * 2, end: index * 2 + 2 }));
    assert.equal(hoverContextStart(many, 5, 16), 0);
    assert.equal(hoverContextStart(many, 14, 16), 0, 'scored token 14 is the grid\'s token 15, in the first window');
    // Windows of 16 with BOS and an overlap of 4: the second starts at grid token 12 (scored token 11) and scores from 16.
    assert.equal(hoverContextStart(many, 15, 16), many[11]?.start);
    assert.equal(hoverContextStart(many, 25, 16), many[11]?.start);
    // The third starts at grid token 23 (scored token 22) and scores from grid token 27 (scored token 26).
    assert.equal(hoverContextStart(many, 26, 16), many[22]?.start, 'the third window');
  });

  it('shows any token text literally in a code span: markup, Markdown syntax and backticks', () => {
    assert.equal(markdownCodeSpan('<script>alert(1)</script>'), '`<script>alert(1)</script>`');
    assert.equal(markdownCodeSpan('**[x](javascript:alert(1))**'), '`**[x](javascript:alert(1))**`');
    assert.equal(markdownCodeSpan('a`b'), '``a`b``');
    assert.equal(markdownCodeSpan('`'), '`` ` ``');
    assert.equal(markdownCodeSpan('``x'), '``` ``x ```');
    assert.equal(markdownCodeSpan(' \n'), '`·↵`', 'whitespace made visible');
    assert.equal(markdownCodeSpan('\u202Eevil'), '`\\u202Eevil`', 'a bidi override escaped');
  });

  it('writes the probability, rank, entropy and alternatives, marking the token in the file', () => {
    const text = hoverMarkdown({
      tokens: [{ text: 'x', bits: 1, rank: 3, entropyBits: 2.5 }],
      alternatives: [{ text: '<b>', probability: 0.6, actual: false }, { text: 'x', probability: 0.5, actual: true }],
    });
    assert.match(text, /`x` probability \*\*50\.00%\*\* \(1\.000 bits\) · rank \*\*3\*\* \(top 10\) · entropy here 2\.500 bits/);
    assert.match(text, /^1\. `<b>` 60\.00%$/m);
    assert.match(text, /^2\. `x` 50\.00% ← this token$/m);
  });

  it('says what it does not know, and writes small probabilities to three significant digits', () => {
    const text = hoverMarkdown({ tokens: [{ text: 'q', bits: 16, rank: null, entropyBits: null }], alternatives: null });
    assert.match(text, /probability \*\*0\.00153%\*\*/);
    assert.deepEqual([0.5, 0.01, 0.000946, 1e-9, 0].map(formatProbability), ['50.00%', '1.00%', '0.0946%', '1.00e-7%', '0.00%']);
    assert.match(text, /rank unknown/);
    assert.match(text, /could not be computed/);
    assert.doesNotMatch(text, /entropy/);
  });
});
