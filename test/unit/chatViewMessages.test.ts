// The chat webview's wire (protocol/chatViewProtocol) and the host's gate for webview messages (protocol/webviewGate).
// The webview shows model output, so it is not trusted: whatever it sends must be dropped with exactly one warning
// unless it is well-formed, and nothing it sends may make the gate throw.
import { strict as assert } from 'node:assert';
import { seededRandom } from '../../scripts/lib/seededRandom';
import {
  admitChatMessage, isChatToHost, isConversation, isHostToChat, MAX_CHAT_MESSAGE_CHARS, MAX_STORED_TURNS,
  type ChatToHost, type ChatTurn, type HostToChat,
} from '../../src/protocol/chatViewProtocol';
import { admitWebviewMessage } from '../../src/protocol/webviewGate';

const DROPPED = /^Chat: dropped a malformed message/;
const GOOD: ChatToHost[] = [
  { kind: 'ready' }, { kind: 'stop' }, { kind: 'regenerate' }, { kind: 'newChat' },
  { kind: 'send', text: 'Why does this fail?' }, { kind: 'send', text: ` ${'x'.repeat(MAX_CHAT_MESSAGE_CHARS - 2)} ` },
  { kind: 'addContext', source: 'selection' }, { kind: 'addContext', source: 'file' }, { kind: 'addContext', source: 'pick' },
  { kind: 'removeContext', id: 'file-3' }, { kind: 'removeContext', id: 'a'.repeat(40) },
  { kind: 'code', action: 'copy', turn: 0, block: null }, { kind: 'code', action: 'insert', turn: 2, block: 0 },
  { kind: 'code', action: 'apply', turn: 7, block: 3 }, { kind: 'code', action: 'copy', turn: 1, block: 1 },
  { kind: 'log', level: 'error', message: 'x'.repeat(2000) },
];
const KINDS = ['ready', 'send', 'stop', 'regenerate', 'newChat', 'addContext', 'removeContext', 'code', 'log', '', 'SEND', '__proto__'];

function validTurn(change: Partial<ChatTurn> = {}): ChatTurn {
  return { message: 'm', attachments: ['src/a.ts'], content: 'm + a', answer: 'a', state: 'done', notes: [], ...change };
}

function admit(raw: unknown): { message: ChatToHost | undefined; warnings: string[] } {
  const warnings: string[] = [];
  const message = admitChatMessage(raw, (warning) => warnings.push(warning));
  return { message, warnings };
}

function assertDropped(raw: unknown, label: string): void {
  let outcome: ReturnType<typeof admit> | undefined;
  assert.doesNotThrow(() => { outcome = admit(raw); }, label);
  assert.equal(outcome?.message, undefined, label);
  assert.equal(outcome?.warnings.length, 1, label);
  assert.match(outcome?.warnings[0] ?? '', DROPPED, label);
  assert.ok((outcome?.warnings[0] ?? '').length < 400, `${label}: the warning quotes a short preview, not the payload`);
}

function randomValue(random: () => number, depth = 0): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  switch (Math.floor(random() * 13)) {
    case 0: return pick([undefined, null, true, false, NaN, Infinity, -1, 1.5, 0, 2 ** 53]);
    case 1: return pick(['', ' ', '\n\t', 'x', '<img src=x onerror=alert(1)>', 'ready', 'copy', 'apply']);
    case 2: return depth > 3 ? [] : Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    case 3: return BigInt(7);
    case 4: return Symbol('s');
    case 5: return () => 1;
    case 6: return { kind: pick(KINDS) };
    case 7: return { kind: 'send', text: depth > 3 ? 'x' : randomValue(random, depth + 1) };
    case 8:
      return {
        kind: 'code', action: pick(['copy', 'insert', 'apply', 'paste', 7]),
        turn: pick([0, 1, -1, 1.5, '1', null, NaN]), block: pick([null, 0, 2, -1, 0.5, undefined, '0']),
      };
    case 9:
      return { kind: pick(['addContext', 'removeContext']), source: pick(['file', 'web', '']), id: pick(['a-1', 'A', '', '../x', 'a b']) };
    case 10: return { kind: 'log', level: pick(['info', 'warn', 'error', 'debug', 'fatal']), message: pick(['hi', 42, 'x'.repeat(2001)]) };
    case 11: return depth > 3 ? {} : { kind: pick(KINDS), text: randomValue(random, depth + 1), turn: randomValue(random, depth + 1) };
    default: return Math.floor(random() * 1000);
  }
}

describe('chat webview messages to the host', function () {
  it('admits every well-formed message unchanged, without a warning', function () {
    for (const message of GOOD) {
      assert.equal(isChatToHost(message), true, JSON.stringify(message).slice(0, 80));
      const { message: admitted, warnings } = admit(message);
      assert.equal(admitted, message);
      assert.deepEqual(warnings, []);
    }
  });

  it('drops wrong kinds, wrong types and missing fields', function () {
    const bad: unknown[] = [
      null, undefined, 0, 'ready', [], [{ kind: 'ready' }], {}, { kind: 'READY' }, { kind: 'explode' }, { kind: '__proto__' },
      { kind: 'send' }, { kind: 'send', text: 42 }, { kind: 'send', text: ['hi'] },
      { kind: 'addContext' }, { kind: 'addContext', source: 'web' }, { kind: 'addContext', source: 'FILE' },
      { kind: 'code', action: 'copy', turn: 0 }, { kind: 'code', action: 'paste', turn: 0, block: 0 },
      { kind: 'code', action: 'insert', turn: '0', block: 0 }, { kind: 'code', action: 'insert', turn: 0, block: '0' },
      { kind: 'log', level: 'debug', message: 'x' }, { kind: 'log', level: 'info' },
      { kind: 'log', level: 'info', message: 'x'.repeat(2001) },
    ];
    for (const raw of bad) {
      assert.equal(isChatToHost(raw), false, JSON.stringify(raw));
      assertDropped(raw, JSON.stringify(raw));
    }
  });

  it('drops empty, blank and over-long messages to send', function () {
    for (const text of ['', ' ', '\n\t  \n', '\u00a0']) assertDropped({ kind: 'send', text }, JSON.stringify(text));
    assertDropped({ kind: 'send', text: 'x'.repeat(MAX_CHAT_MESSAGE_CHARS + 1) }, 'one character too long');
    assert.equal(admit({ kind: 'send', text: 'x'.repeat(MAX_CHAT_MESSAGE_CHARS) }).message?.kind, 'send', 'the longest allowed');
  });

  it('drops a code action on a whole answer (block null) other than Copy', function () {
    // Insert and Apply act on one code block; only Copy may take the whole answer.
    assertDropped({ kind: 'code', action: 'apply', turn: 0, block: null }, 'apply null');
    assertDropped({ kind: 'code', action: 'insert', turn: 0, block: null }, 'insert null');
  });

  it('drops negative, fractional and unsafe turn and block numbers', function () {
    for (const turn of [-1, 1.5, NaN, Infinity, 2 ** 53, -0.5]) {
      assertDropped({ kind: 'code', action: 'copy', turn, block: null }, `turn ${turn}`);
      assertDropped({ kind: 'code', action: 'insert', turn: 0, block: turn }, `block ${turn}`);
    }
  });

  it('drops chip ids that are not short lowercase names', function () {
    for (const id of ['', 'A', 'file 1', '../etc', 'a_b', 'a'.repeat(41), 'é', 7, null, '<img>']) {
      assertDropped({ kind: 'removeContext', id }, JSON.stringify(id));
    }
  });

  it('survives cycles, BigInts, throwing getters and revoked proxies, with one warning each', function () {
    const cyclic: Record<string, unknown> = { kind: 'send' };
    cyclic.text = cyclic;
    const throwing = Object.defineProperty({ kind: 'send' }, 'text', { get: () => { throw new Error('boom'); }, enumerable: true });
    // Reads well once (while the gate measures it), then throws when the guard looks.
    let reads = 0;
    const flaky = Object.defineProperty({}, 'kind', {
      get: () => {
        reads++;
        if (reads > 1) throw new Error('second read');
        return 'ready';
      },
      enumerable: true,
    });
    const { proxy, revoke } = Proxy.revocable({ kind: 'ready' }, {});
    revoke();
    const cases: [string, unknown][] = [
      ['cycle', cyclic], ['BigInt', { kind: 'code', action: 'copy', turn: BigInt(0), block: null }], ['BigInt alone', BigInt(1)],
      ['throwing getter', throwing], ['getter that throws on its second read', flaky], ['revoked proxy', proxy],
    ];
    for (const [label, raw] of cases) assertDropped(raw, label);
    assert.match(admit(cyclic).warnings[0] ?? '', /not serialisable/);
  });

  it('drops a huge payload, even when its shape is right', function () {
    const { warnings } = admit({ kind: 'ready', padding: 'x'.repeat(MAX_CHAT_MESSAGE_CHARS * 10) });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^Chat: dropped a malformed message \(\d+ chars\)/);
    assertDropped({ kind: 'stop', junk: Array.from({ length: 50_000 }, (_, i) => i) }, 'a long array');
  });

  it('drops 20,000 random values with exactly one warning each, admitting only well-formed ones, and never throws', function () {
    const random = seededRandom(20260705);
    let admitted = 0;
    for (let i = 0; i < 20_000; i++) {
      const raw = randomValue(random);
      let outcome: ReturnType<typeof admit> | undefined;
      assert.doesNotThrow(() => { outcome = admit(raw); }, `value #${i}`);
      if (outcome?.message) {
        admitted++;
        assert.deepEqual(outcome.warnings, []);
        assert.equal(isChatToHost(outcome.message), true, `value #${i}`);
      } else {
        assert.equal(outcome?.warnings.length, 1, `one warning for value #${i} (${typeof raw})`);
        assert.match(outcome?.warnings[0] ?? '', DROPPED);
      }
    }
    assert.ok(admitted > 0 && admitted < 20_000, `${admitted} admitted: some random values are well-formed, most not`);
  });
});

describe('the webview gate', function () {
  it('drops a message whose guard throws, naming the view, and never throws itself', function () {
    const warnings: string[] = [];
    const guard = (value: unknown): value is object => { throw new Error(`no ${String(value)}`); };
    assert.equal(admitWebviewMessage({ kind: 'x' }, guard, 100, 'Test view', (w) => warnings.push(w)), undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^Test view: dropped a malformed message \(\d+ chars\)/);
  });

  it('measures the message as JSON against its limit, inclusively', function () {
    const guard = (value: unknown): value is object => typeof value === 'object';
    const message = { a: 'xyz' };
    const size = JSON.stringify(message).length;
    assert.deepEqual(admitWebviewMessage(message, guard, size, 'V', () => assert.fail('no warning')), message);
    const warnings: string[] = [];
    assert.equal(admitWebviewMessage(message, guard, size - 1, 'V', (w) => warnings.push(w)), undefined);
    assert.equal(warnings.length, 1);
  });
});

describe('host messages to the chat webview', function () {
  it('accepts every well-formed message', function () {
    const good: HostToChat[] = [
      { kind: 'conversation', turns: [], busy: false },
      { kind: 'conversation', turns: [validTurn(), validTurn({ state: 'streaming', answer: '' })], busy: true },
      { kind: 'answer', turn: 0, text: '' }, { kind: 'answer', turn: 3, text: '<script>alert(1)</script>' },
      { kind: 'context', chips: [], budget: null },
      { kind: 'context', chips: [{ id: 'sel-1', label: 'the selection', tokens: null }, { id: 'f', label: 'a.ts', tokens: 12 }],
        budget: { used: 100, contextSize: 4096, answer: 512 } },
      { kind: 'status', message: 'Loading the model' },
    ];
    for (const message of good) assert.equal(isHostToChat(message), true, JSON.stringify(message));
  });

  it('rejects broken ones', function () {
    const bad: unknown[] = [
      null, [], { kind: 'ready' }, { kind: 'conversation', turns: [] }, { kind: 'conversation', turns: [], busy: 'no' },
      { kind: 'conversation', turns: [validTurn({ state: 'thinking' as ChatTurn['state'] })], busy: false },
      { kind: 'answer', turn: -1, text: 'x' }, { kind: 'answer', turn: 0.5, text: 'x' }, { kind: 'answer', turn: 0, text: null },
      { kind: 'context', chips: [], budget: undefined }, { kind: 'context', chips: [{ id: 'BAD', label: 'x', tokens: 1 }], budget: null },
      { kind: 'context', chips: [{ id: 'f', label: 'x', tokens: -1 }], budget: null },
      { kind: 'context', chips: [], budget: { used: 1, contextSize: 2 } }, { kind: 'status', message: 3 },
    ];
    for (const message of bad) assert.equal(isHostToChat(message), false, JSON.stringify(message));
  });
});

describe('a stored conversation', function () {
  it('is accepted when every turn is well-formed, up to the stored limit', function () {
    assert.equal(isConversation({ turns: [] }), true);
    assert.equal(isConversation({ turns: [validTurn(), validTurn({ state: 'error', notes: ['Failed'] })] }), true);
    assert.equal(isConversation({ turns: Array.from({ length: MAX_STORED_TURNS }, () => validTurn()) }), true);
  });

  it('is rejected for a bad turn state, a missing or mistyped field, or too many turns, notes or attachments', function () {
    const { notes: _, ...withoutNotes } = validTurn();
    const bad: [string, unknown][] = [
      ['a state it does not know', { turns: [validTurn({ state: 'pending' as ChatTurn['state'] })] }],
      ['a state of the wrong type', { turns: [validTurn({ state: 1 as unknown as ChatTurn['state'] })] }],
      ['no notes', { turns: [withoutNotes] }],
      ['a note that is no string', { turns: [validTurn({ notes: [5 as unknown as string] })] }],
      ['an answer that is no string', { turns: [validTurn({ answer: null as unknown as string })] }],
      ['too many turns', { turns: Array.from({ length: MAX_STORED_TURNS + 1 }, () => validTurn()) }],
      ['too many notes', { turns: [validTurn({ notes: Array.from({ length: 17 }, () => 'n') })] }],
      ['too many attachments', { turns: [validTurn({ attachments: Array.from({ length: 65 }, () => 'a') })] }],
      ['turns not a list', { turns: { 0: validTurn() } }],
      ['no object', 'turns'],
    ];
    for (const [label, value] of bad) assert.equal(isConversation(value), false, label);
  });
});
