// The chat's conversation rules (core/chat/conversation) and what the user is told about a turn (core/chat/turnNotes):
// what a follow-up sends as history, what Regenerate and a reload do, and each sentence about a shortened turn.
import { strict as assert } from 'node:assert';
import {
  historyBefore, reopenLastTurn, settled, startTurn, updateLastTurn, type ChatTurn, type Conversation,
} from '../../src/core/chat/conversation';
import { turnNotes } from '../../src/core/chat/turnNotes';
import type { ChatResult } from '../../src/protocol/chatProtocol';
import { MAX_STORED_TURNS } from '../../src/protocol/chatViewProtocol';

function turn(name: string, change: Partial<ChatTurn> = {}): ChatTurn {
  // content differs from message, as it does when something was attached, so a test sees which one is sent.
  const content = `${name} + attachments`;
  return { message: name, attachments: [], content, answer: `answer to ${name}`, state: 'done', notes: [], ...change };
}

function result(change: Partial<ChatResult> = {}): ChatResult {
  return {
    text: 'ok', content: 'q', chatWrapper: 'Llama2Chat', promptTokens: 10, evaluatedTokens: 10, reusedTokens: 0,
    droppedMessages: 0, cuts: [], contextSize: 4096, generatedTokens: 2, stopReason: 'endOfText', durationMs: 5, ...change,
  };
}

describe('chat history for a follow-up', function () {
  it('sends each earlier turn as a user and assistant pair, with the content the model saw', function () {
    const conversation: Conversation = { turns: [turn('a'), turn('b')] };
    assert.deepEqual(historyBefore(conversation), [
      { role: 'user', content: 'a + attachments' }, { role: 'assistant', content: 'answer to a' },
      { role: 'user', content: 'b + attachments' }, { role: 'assistant', content: 'answer to b' },
    ]);
  });

  it('skips turns that failed or have no answer, and keeps a stopped turn that has one', function () {
    const conversation: Conversation = {
      turns: [
        turn('a'),
        turn('failed', { state: 'error', answer: 'partial before the error' }),
        turn('empty', { answer: '' }),
        turn('stopped', { state: 'stopped', answer: 'half' }),
        turn('stopped early', { state: 'stopped', answer: '' }),
      ],
    };
    assert.deepEqual(historyBefore(conversation), [
      { role: 'user', content: 'a + attachments' }, { role: 'assistant', content: 'answer to a' },
      { role: 'user', content: 'stopped + attachments' }, { role: 'assistant', content: 'half' },
    ]);
  });

  it('gives only the turns before the one asked for', function () {
    const conversation: Conversation = { turns: [turn('a'), turn('b'), turn('c')] };
    assert.deepEqual(historyBefore(conversation, 1), [
      { role: 'user', content: 'a + attachments' }, { role: 'assistant', content: 'answer to a' },
    ]);
    assert.deepEqual(historyBefore(conversation, 0), []);
    assert.deepEqual(historyBefore({ turns: [] }), []);
  });
});

describe('chat turns', function () {
  it('starts a streaming turn with no answer or notes, leaving the old conversation as it was', function () {
    const before: Conversation = { turns: [turn('a')] };
    const after = startTurn(before, 'why?', ['src/a.ts'], 'why?\n\nsrc/a.ts: ...');
    assert.deepEqual(after.turns, [
      turn('a'),
      { message: 'why?', attachments: ['src/a.ts'], content: 'why?\n\nsrc/a.ts: ...', answer: '', state: 'streaming', notes: [] },
    ]);
    assert.deepEqual(before.turns, [turn('a')]);
  });

  it('keeps at most MAX_STORED_TURNS turns, forgetting the oldest', function () {
    const full: Conversation = { turns: Array.from({ length: MAX_STORED_TURNS }, (_, i) => turn(`t${i}`)) };
    const after = startTurn(full, 'new', [], 'new');
    assert.equal(after.turns.length, MAX_STORED_TURNS);
    assert.equal(after.turns[0]?.message, 't1');
    assert.equal(after.turns.at(-1)?.message, 'new');
    assert.equal(startTurn({ turns: [] }, 'first', [], 'first').turns.length, 1);
  });

  it('reopens the last turn for Regenerate: the same question, its answer and notes gone', function () {
    const last = turn('b', { attachments: ['sel'], notes: ['cut'], state: 'stopped' });
    const reopened = reopenLastTurn({ turns: [turn('a'), last] });
    assert.deepEqual(reopened, { turns: [turn('a'), { ...last, answer: '', notes: [], state: 'streaming' }] });
    // A failed turn may be asked again too.
    assert.equal(reopenLastTurn({ turns: [turn('x', { state: 'error', notes: ['boom'] })] })?.turns[0]?.state, 'streaming');
  });

  it('refuses to reopen while the last turn streams, or when there is no turn', function () {
    assert.equal(reopenLastTurn({ turns: [turn('a'), turn('b', { state: 'streaming', answer: 'so far' })] }), undefined);
    assert.equal(reopenLastTurn({ turns: [] }), undefined);
  });

  it('updates only the last turn, and nothing when there is none', function () {
    const updated = updateLastTurn({ turns: [turn('a'), turn('b', { state: 'streaming' })] }, { answer: 'done now', state: 'done' });
    assert.deepEqual(updated.turns, [turn('a'), turn('b', { answer: 'done now', state: 'done' })]);
    const empty: Conversation = { turns: [] };
    assert.equal(updateLastTurn(empty, { answer: 'x' }), empty);
  });

  it('marks a turn that was streaming when the window went as stopped, and leaves the others', function () {
    const conversation: Conversation = {
      turns: [turn('a', { state: 'error' }), turn('b', { state: 'stopped' }), turn('c'), turn('d', { state: 'streaming', answer: 'par' })],
    };
    assert.deepEqual(settled(conversation).turns.map((t) => [t.state, t.answer]), [
      ['error', 'answer to a'], ['stopped', 'answer to b'], ['done', 'answer to c'], ['stopped', 'par'],
    ]);
  });
});

describe('chat turn notes', function () {
  it('says nothing about a turn that fitted and ended by itself, or was stopped by the user', function () {
    assert.deepEqual(turnNotes(result(), 512), []);
    assert.deepEqual(turnNotes(result({ stopReason: 'cancelled' }), 512), []);
  });

  it('names one dropped turn in the singular, with the context and answer sizes', function () {
    assert.deepEqual(turnNotes(result({ droppedMessages: 2 }), 512), [
      "The oldest turn was left out so that the conversation fits the model's context (4096 tokens, 512 kept for the answer).",
    ]);
  });

  it('counts several dropped turns (two messages each) in the plural', function () {
    assert.deepEqual(turnNotes(result({ droppedMessages: 6, contextSize: 2048 }), 256), [
      "The oldest 3 turns were left out so that the conversation fits the model's context (2048 tokens, 256 kept for the answer).",
    ]);
  });

  it('says how much of a cut attachment was left out, and when one was left out entirely', function () {
    const cuts = [
      { name: 'src/a.ts', keptTokens: 300, cutTokens: 700 },
      { name: 'the selection', keptTokens: 0, cutTokens: 250 },
    ];
    assert.deepEqual(turnNotes(result({ cuts }), 512), [
      'src/a.ts was cut to fit the context: its last 700 of 1000 tokens were left out.',
      'the selection was left out: it did not fit the context (250 tokens).',
    ]);
  });

  it('says the answer stopped at the token limit, naming the setting', function () {
    assert.deepEqual(turnNotes(result({ stopReason: 'maxTokens' }), 512), [
      'The answer stopped at llamaLens.prompts.maxTokens (512 tokens).',
    ]);
  });

  it('gives every note in order: dropped turns, then cuts, then the token limit', function () {
    const cuts = [{ name: 'f', keptTokens: 1, cutTokens: 1 }];
    const notes = turnNotes(result({ droppedMessages: 4, cuts, stopReason: 'maxTokens' }), 64);
    assert.equal(notes.length, 3);
    assert.match(notes[0] ?? '', /^The oldest 2 turns were left out/);
    assert.match(notes[1] ?? '', /^f was cut to fit the context: its last 1 of 2 tokens/);
    assert.match(notes[2] ?? '', /maxTokens \(64 tokens\)/);
  });
});
