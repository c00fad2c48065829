// VS Code's chat sends any run of messages; the engine takes whole turns and one new message (src/core/chat/wholeTurns).
import { strict as assert } from 'node:assert';
import { toWholeTurns } from '../../src/core/chat/wholeTurns';

const user = (content: string) => ({ role: 'user' as const, content });
const assistant = (content: string) => ({ role: 'assistant' as const, content });

describe('folding VS Code chat messages into whole turns', function () {
  it('keeps alternating turns as history and the last user message as the new one', function () {
    assert.deepEqual(toWholeTurns([user('a'), assistant('b'), user('c')]), { history: [user('a'), assistant('b')], message: 'c' });
  });

  it('joins messages of the same role in a row, so the history still alternates', function () {
    assert.deepEqual(toWholeTurns([user('a'), user('b'), assistant('c'), assistant('d'), user('e'), user('f')]), {
      history: [user('a\n\nb'), assistant('c\n\nd')], message: 'e\n\nf',
    });
  });

  it('drops an answer that has no question before it, and one after the last question', function () {
    assert.deepEqual(toWholeTurns([assistant('hello'), user('a'), assistant('b'), user('c'), assistant('prefill')]), {
      history: [user('a'), assistant('b')], message: 'c',
    });
  });

  it('gives an empty message when there is no user message at all', function () {
    assert.deepEqual(toWholeTurns([]), { history: [], message: '' });
    assert.deepEqual(toWholeTurns([assistant('x')]), { history: [], message: '' });
  });
});
