// The chat's fitting rule (core/chat/fitConversation) with a tokenizer of one token per character, so every expected
// size is counted by hand: oldest whole turns first, then attachments from their end, the last first; else refused.
import { strict as assert } from 'node:assert';
import { chatMessageContent } from '../../src/core/chat/chatContent';
import { ConversationTooLongError, fitConversation, type ConversationMeasure } from '../../src/core/chat/fitConversation';
import type { ChatAttachment, ChatMessage } from '../../src/protocol/chatProtocol';

/** A template of 10 tokens per message around its text. */
const PER_MESSAGE = 10;
const measure: ConversationMeasure = {
  render: async (history, content) => [...history.map((m) => m.content), content].reduce((sum, text) => sum + text.length + PER_MESSAGE, 0),
  count: async (text) => text.length,
  start: async (text, keep) => text.slice(0, keep),
};

function turns(n: number, size: number): ChatMessage[] {
  return Array.from({ length: n }, (_, i) => [
    { role: 'user' as const, content: `${i}`.padEnd(size, 'q') },
    { role: 'assistant' as const, content: `${i}`.padEnd(size, 'a') },
  ]).flat();
}

describe('chat message content', function () {
  it('writes each attachment after the message, named and fenced with its language', function () {
    const attachments: ChatAttachment[] = [
      { name: 'src/a.ts', language: 'typescript', text: 'let a = 1;' },
      { name: 'the selection', language: 'python', text: 'x = "```"\n' },
    ];
    assert.equal(
      chatMessageContent('  Why?  ', attachments),
      'Why?\n\nsrc/a.ts:\n```typescript\nlet a = 1;\n```\n\nthe selection:\n````python\nx = "```"\n````',
    );
    assert.equal(chatMessageContent('Just text', []), 'Just text');
  });
});

describe('fitting a conversation to the context', function () {
  it('keeps everything that fits', async function () {
    const request = { history: turns(3, 20), message: 'hello', attachments: [], contextSize: 1000, maxTokens: 100 };
    const fitted = await fitConversation(request, measure);
    assert.deepEqual([fitted.droppedMessages, fitted.history.length, fitted.promptTokens, fitted.cuts], [0, 6, 6 * 30 + 15, []]);
  });

  it('drops the fewest oldest whole turns that make it fit', async function () {
    // Each turn is 60 tokens; the message 15; room is 300 - 100 = 200: three turns (180) + 15 = 195 fit, four do not.
    const history = turns(8, 20);
    const fitted = await fitConversation({ history, message: 'hello', attachments: [], contextSize: 300, maxTokens: 100 }, measure);
    assert.equal(fitted.droppedMessages, 10);
    assert.deepEqual(fitted.history, history.slice(10));
    assert.equal(fitted.promptTokens, 195);
  });

  it('drops every turn, then cuts the attachments from the end, the last first, and says how much', async function () {
    const attachments: ChatAttachment[] = [
      { name: 'first', language: '', text: 'A'.repeat(50) },
      { name: 'second', language: '', text: 'B'.repeat(200) },
    ];
    const fitted = await fitConversation({ history: turns(2, 20), message: 'hi', attachments, contextSize: 300, maxTokens: 100 }, measure);
    assert.equal(fitted.droppedMessages, 4);
    assert.ok(fitted.promptTokens <= 200, `${fitted.promptTokens}`);
    assert.equal(fitted.cuts.length, 1);
    const [cut] = fitted.cuts;
    assert.equal(cut?.name, 'second');
    assert.equal((cut?.keptTokens ?? 0) + (cut?.cutTokens ?? 0), 200);
    assert.ok(fitted.content.includes('A'.repeat(50)), 'the first attachment is whole');
    assert.ok(fitted.content.includes(`${'B'.repeat(cut?.keptTokens ?? 0)}\n`), 'the second keeps its start');
    assert.equal(fitted.promptTokens, fitted.content.length + PER_MESSAGE);
  });

  it('refuses a message that does not fit alone, with the context and answer sizes', async function () {
    const input = { history: [], message: 'x'.repeat(500), attachments: [], contextSize: 300, maxTokens: 100 };
    await assert.rejects(fitConversation(input, measure), (error: unknown) =>
      error instanceof ConversationTooLongError && /context of 300 tokens with 100 kept for the answer/.test(error.message));
  });
});
