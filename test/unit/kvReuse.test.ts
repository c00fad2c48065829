import { strict as assert } from 'node:assert';
import { mostReusable, planKvReuse } from '../../src/core/kvReuse';

describe('planKvReuse', () => {
  it('reuses the common prefix and evaluates the rest', () => {
    assert.deepEqual(planKvReuse([1, 2, 3, 4], [1, 2, 9, 9, 9]), { reuse: 2, evaluate: 3 });
  });

  it('always evaluates the last prompt token again, even when all of it is cached', () => {
    assert.deepEqual(planKvReuse([1, 2, 3], [1, 2, 3]), { reuse: 2, evaluate: 1 });
    assert.deepEqual(planKvReuse([1, 2, 3, 4, 5], [1, 2, 3]), { reuse: 2, evaluate: 1 });
  });

  it('evaluates everything when nothing matches or nothing is cached', () => {
    assert.deepEqual(planKvReuse([7, 8], [1, 2]), { reuse: 0, evaluate: 2 });
    assert.deepEqual(planKvReuse([], [1, 2]), { reuse: 0, evaluate: 2 });
  });

  it('costs one token for a one-token keystroke at the end of an SPM prompt', () => {
    const before = [1, 900, 901, 20, 21, 902, 10, 11];
    const after = [...before, 12];
    assert.deepEqual(planKvReuse(before, after), { reuse: 8, evaluate: 1 });
  });
});

describe('mostReusable', () => {
  it('picks the prompt whose start the KV state holds the most of', () => {
    const cached = [1, 5, 6, 7, 8];
    const choice = mostReusable(cached, [[1, 6, 7, 8, 9], [1, 5, 6, 7, 8, 9]]);
    assert.equal(choice.index, 1);
    assert.deepEqual(choice.plan, { reuse: 5, evaluate: 1 });
  });

  it('prefers the first prompt on a tie', () => {
    assert.equal(mostReusable([1, 2], [[1, 3, 4], [1, 4, 4, 4]]).index, 0);
  });
});
