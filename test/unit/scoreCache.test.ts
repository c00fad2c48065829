import { strict as assert } from 'node:assert';
import { ScoreCache } from '../../src/core/lens/ScoreCache';
import type { TokenSurprisal } from '../../src/protocol/engineProtocol';

const token = (start: number, end: number, rank: number | null = null, entropyBits: number | null = null): TokenSurprisal =>
  ({ start, end, id: start, bits: 1, rank, entropyBits });

describe('heatmap score cache', () => {
  it('serves surprisal from a current bits or full pass, and rank or entropy from a current full pass only', () => {
    const cache = new ScoreCache();
    cache.store('bits', 'ab', [token(0, 1, 1), token(1, 2)]);
    assert.equal(cache.current('surprisal', 'ab')?.length, 2);
    assert.equal(cache.current('rank', 'ab'), undefined);
    assert.equal(cache.current('surprisal', 'abc'), undefined, 'another text');
    cache.store('full', 'ab', [token(0, 1, 1, 0.5), token(1, 2, 4, 2)]);
    assert.equal(cache.current('entropy', 'ab')?.[1]?.rank, 4);
    assert.equal(cache.best('ab')?.[1]?.rank, 4, 'the summary prefers the ranks');
  });

  it('keeps each detail with its own text, so switching back needs no pass', () => {
    const cache = new ScoreCache();
    cache.store('bits', 'ab', [token(0, 2)]);
    cache.store('full', 'abc', [token(0, 3, 1, 1)]);
    assert.equal(cache.current('surprisal', 'ab')?.[0]?.end, 2);
    assert.equal(cache.current('surprisal', 'abc')?.[0]?.end, 3, 'a full pass serves surprisal too');
    assert.equal(cache.latest('rank')[0]?.end, 3);
    assert.equal(cache.latest('surprisal')[0]?.end, 2);
  });

  it('re-scores a detail from where the text departs from the text it was scored on, never past the last character', () => {
    const cache = new ScoreCache();
    assert.equal(cache.scoreFrom('bits', 'hello'), 0);
    cache.store('bits', 'hello world', [token(0, 5), token(5, 11)]);
    assert.equal(cache.scoreFrom('bits', 'hello there'), 6);
    assert.equal(cache.scoreFrom('bits', 'hello'), 4, 'a deletion at the end re-scores the last token');
    assert.equal(cache.scoreFrom('full', 'hello there'), 0, 'the other detail has no scores yet');
    cache.store('bits', 'hello there', [token(5, 11)]);
    assert.deepEqual(cache.current('surprisal', 'hello there')?.map((t) => t.start), [0, 5]);
  });
});
