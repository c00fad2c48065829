// The chat on the oracle-chat model (Llama-2 format, one token per character): the engine keeps the conversation in
// its own sequence, so a follow-up evaluates only the new message and the template's tokens around it. Expected
// token counts are written out from Meta's Llama-2 chat format and counted with the test's own oracle tokenizer.
import { strict as assert } from 'node:assert';
import { EngineRequestError } from '../../src/client/Engine';
import type { ChatMessage, ChatParams, ChatResult } from '../../src/protocol/engineProtocol';
import { fimParams, useOracleEngine, type EngineUnderTest } from '../support/engineHarness';
import { greedyContinuation, lastOracleToken, loadOracleTable, oracleTokenWithText, tokenizeLikeOracle } from '../support/oracle';

const CONTEXT_SIZE = 512;
const ANSWER_TOKENS = 16;
const SYSTEM = 'You are terse.';

function chat(message: string, history: ChatMessage[] = [], extra: Partial<ChatParams> = {}): ChatParams {
  return { system: SYSTEM, history, message, attachments: [], temperature: 0, maxTokens: ANSWER_TOKENS, ...extra };
}

/** The history of the next turn: this one's message as sent and its answer. */
function after(history: ChatMessage[], turn: ChatResult): ChatMessage[] {
  return [...history, { role: 'user', content: turn.content }, { role: 'assistant', content: turn.text }];
}

describe('Chat with a kept conversation (oracle-chat)', function () {
  const table = loadOracleTable();
  const count = (text: string) => tokenizeLikeOracle(table, text).length;
  /** The bigram model's answer continues from the prompt's last token: the space after [/INST]. */
  const greedyAnswer = greedyContinuation(table, oracleTokenWithText(table, ' '), { maxTokens: ANSWER_TOKENS, stopAtNewline: false });
  /** A follow-up's own tokens: EOS after the last answer, BOS, and [INST] message [/INST] with its spaces. */
  const followUpTokens = (message: string) => 2 + count(`[INST] ${message} [/INST] `);
  /**
   * What a follow-up evaluates after an answer cut at maxTokens: its own tokens, and the answer's last token, which
   * was sampled but never fed back (nothing needed its output then).
   */
  const followUpEvaluated = (message: string) => 1 + followUpTokens(message);
  const oracleEngine = useOracleEngine('oracle-chat.gguf', { contextSize: CONTEXT_SIZE });
  let engine: EngineUnderTest;
  beforeEach(() => {
    engine = oracleEngine();
  });

  it('evaluates the whole first turn, then only the new message and its template tokens for each follow-up', async function () {
    // A different system prompt than any other test's, so that nothing of this conversation is in the sequence yet.
    const system = 'Answer in one word.';
    const first = await engine.client.request('chat', chat('What is x?', [], { system }));
    const firstPrompt = 1 + count(`[INST] <<SYS>>\n${system}\n<</SYS>>\n\nWhat is x? [/INST] `);
    assert.equal(first.promptTokens, firstPrompt, 'BOS and the Llama-2 rendering of the first message');
    assert.deepEqual([first.evaluatedTokens, first.reusedTokens], [firstPrompt, 0]);
    assert.equal(first.text, greedyAnswer);
    assert.equal(first.content, 'What is x?');

    const turns = [first];
    let history = after([], first);
    for (const message of ['And y?', 'Why is y 2?', 'Thanks.']) {
      const turn = await engine.client.request('chat', chat(message, history, { system }));
      const previous = turns.at(-1)!;
      assert.equal(turn.promptTokens, previous.promptTokens + count(previous.text) + followUpTokens(message));
      assert.equal(turn.evaluatedTokens, followUpEvaluated(message), `turn ${turns.length + 1}: ${JSON.stringify(turn)}`);
      assert.equal(turn.reusedTokens, turn.promptTokens - turn.evaluatedTokens);
      assert.equal(turn.droppedMessages, 0);
      turns.push(turn);
      history = after(history, turn);
    }
    console.log(`      tokens evaluated per turn: ${turns.map((turn) => `${turn.evaluatedTokens} of ${turn.promptTokens}`).join(', ')}`);
  });

  it('regenerates an answer by evaluating one token: the conversation before it is all in the sequence', async function () {
    const first = await engine.client.request('chat', chat('Regenerate me.'));
    const again = await engine.client.request('chat', chat('Regenerate me.'));
    assert.equal(again.promptTokens, first.promptTokens);
    assert.equal(again.evaluatedTokens, 1, 'only the last prompt token, whose output the answer is sampled from');
    assert.equal(again.text, first.text);
  });

  it('keeps the chat and completions apart: neither re-evaluates after the other ran', async function () {
    const prefix = 'function add(a, b) {\n  return a';
    const complete = () => engine.client.request('complete', fimParams(prefix, '', { stopAtNewline: true }));
    const completion = await complete();
    // A repeat with nothing between: what a completion costs when its whole prompt is in the sequence.
    const repeat = await complete();
    const first = await engine.client.request('chat', chat('Switch test.'));
    const again = await complete();
    assert.equal(again.text, completion.text);
    assert.deepEqual(
      [again.evaluatedTokens, again.reusedTokens],
      [repeat.evaluatedTokens, repeat.reusedTokens],
      `a chat turn between costs the completion nothing: ${JSON.stringify(again)}`,
    );
    const followUp = await engine.client.request('chat', chat('Next.', after([], first)));
    assert.equal(followUp.evaluatedTokens, followUpEvaluated('Next.'), 'the chat was still in its sequence');
    console.log(`      after a switch: completion evaluated ${again.evaluatedTokens} of ${again.evaluatedTokens + again.reusedTokens}, ` +
      `chat follow-up ${followUp.evaluatedTokens} of ${followUp.promptTokens}`);
    assert.equal(
      completion.text,
      greedyContinuation(table, lastOracleToken(table, prefix), { maxTokens: 12, stopAtNewline: true }),
    );
  });

  it('drops the oldest whole turns when the conversation outgrows the context, and says how many', async function () {
    let history: ChatMessage[] = [];
    for (let i = 0; i < 12; i++) {
      history = [...history, { role: 'user', content: `Question ${i}: ${'x'.repeat(40)}` }, { role: 'assistant', content: `Answer ${i}.` }];
    }
    const turn = await engine.client.request('chat', chat('Last question?', history));
    assert.ok(turn.droppedMessages > 0 && turn.droppedMessages % 2 === 0, `dropped ${turn.droppedMessages}`);
    assert.ok(turn.promptTokens + ANSWER_TOKENS <= CONTEXT_SIZE, `${turn.promptTokens} + ${ANSWER_TOKENS} fit ${CONTEXT_SIZE}`);
    // The kept turns, rendered by the format, fill the prompt exactly: the newest turns were kept, the oldest dropped.
    const kept = history.slice(turn.droppedMessages);
    const pairs = kept.length / 2;
    const rendered = 1 + count(`[INST] <<SYS>>\n${SYSTEM}\n<</SYS>>\n\n${kept[0]?.content} [/INST] ${kept[1]?.content}`) + 1 +
      kept.slice(2).reduce((sum, { role, content }) =>
        sum + (role === 'user' ? 1 + count(`[INST] ${content} [/INST] `) : count(content) + 1), 0) +
      1 + count('[INST] Last question? [/INST] ');
    assert.equal(turn.promptTokens, rendered, `${pairs} kept turns`);
    // One more turn would not have fitted.
    const oneMore = history.slice(turn.droppedMessages - 2, turn.droppedMessages);
    assert.ok(rendered + 1 + count(`[INST] ${oneMore[0]?.content} [/INST] ${oneMore[1]?.content}`) + 1 + ANSWER_TOKENS > CONTEXT_SIZE);
  });

  it('cuts an attachment that does not fit from its end, names it, and sends the message whole', async function () {
    const text = Array.from({ length: 300 }, (_, i) => `let v${i} = ${i};`).join('\n');
    const turn = await engine.client.request('chat', chat('What does this do?', [], {
      attachments: [{ name: 'src/values.ts', language: 'typescript', text }],
    }));
    assert.equal(turn.cuts.length, 1);
    const [cut] = turn.cuts;
    assert.equal(cut?.name, 'src/values.ts');
    assert.equal((cut?.keptTokens ?? 0) + (cut?.cutTokens ?? 0), count(text));
    assert.ok(turn.content.startsWith('What does this do?\n\nsrc/values.ts:\n```typescript\nlet v0 = 0;\n'), turn.content.slice(0, 80));
    assert.ok(!turn.content.includes('let v299'), 'the end was cut');
    assert.ok(turn.promptTokens + ANSWER_TOKENS <= CONTEXT_SIZE);
    assert.equal(turn.promptTokens, 1 + count(`[INST] <<SYS>>\n${SYSTEM}\n<</SYS>>\n\n${turn.content} [/INST] `));
  });

  it('refuses a message that cannot fit even alone, with the reason, and keeps working', async function () {
    await assert.rejects(engine.client.request('chat', chat('y'.repeat(600))), (error: unknown) => {
      assert.ok(error instanceof EngineRequestError);
      assert.equal(error.code, 'contextFull');
      assert.match(error.message, /too long for the model's context of 512 tokens/);
      return true;
    });
    const turn = await engine.client.request('chat', chat('Still there?'));
    assert.equal(turn.text, greedyAnswer);
  });

  it('stops when cancelled, and the next turn answers in full', async function () {
    const controller = new AbortController();
    const request = engine.client.request('chat', chat('Long answer, please.', [], { maxTokens: 400 }), {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await assert.rejects(request, (error: unknown) => error instanceof EngineRequestError && error.code === 'cancelled');
    const turn = await engine.client.request('chat', chat('Long answer, please.'));
    assert.deepEqual([turn.stopReason, turn.text], ['maxTokens', greedyAnswer]);
  });

  it('refuses a history that is not whole turns', async function () {
    const broken = chat('Hi', [{ role: 'assistant', content: 'I spoke first.' }]);
    const isBadRequest = (error: unknown) => error instanceof EngineRequestError && error.code === 'badRequest';
    await assert.rejects(engine.client.request('chat', broken), isBadRequest);
  });

  it('counts tokens as a message continues them', async function () {
    const result = await engine.client.request('countTokens', { texts: ['let x = 1;', '', ' two words'] });
    assert.deepEqual(result.counts, [count('let x = 1;'), 0, count(' two words')]);
    assert.equal(result.contextSize, CONTEXT_SIZE);
  });
});
