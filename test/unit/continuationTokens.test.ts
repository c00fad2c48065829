// The continuation rule on hand-made token lists: an anchor is needed exactly when the tokenizer adds a dummy space.
import { strict as assert } from 'node:assert';
import { continuationAnchor, dropAnchor } from '../../src/core/text/continuationTokens';

describe('continuation tokens', function () {
  it('needs the anchor when "x" alone differs from "x" after it (SentencePiece\'s dummy space)', function () {
    // SentencePiece: "\n" → ▁ <0x0A>; "x" → ▁x; "\nx" → ▁ <0x0A> x.
    assert.deepEqual(continuationAnchor([29871, 13], [921], [29871, 13, 29916]), [29871, 13]);
  });

  it('needs no anchor when the tokenizer adds nothing before a text', function () {
    assert.equal(continuationAnchor([13], [120], [13, 120]), null);
  });

  it('drops the anchor, and gives undefined when the text merged into it', function () {
    assert.deepEqual(dropAnchor([29871, 13, 5, 6], [29871, 13]), [5, 6]);
    assert.equal(dropAnchor([29871, 7, 6], [29871, 13]), undefined);
    assert.equal(dropAnchor([29871], [29871, 13]), undefined);
  });
});
