// Fuzzes the host's gate for webview messages (admitLensMessage) with malformed input: wrong types,
// missing fields, huge payloads, unknown kinds, cycles, BigInts, throwing getters. Every one must be
// dropped with one warning and nothing may throw; well-formed messages pass unchanged.
import { strict as assert } from 'node:assert';
import { seededRandom } from '../../scripts/lib/seededRandom';
import { admitLensMessage, MAX_PATH_TOKENS, MAX_WEBVIEW_MESSAGE_CHARS, type LensToHost } from '../../src/protocol/lensProtocol';


const KINDS = ['ready', 'expand', 'insertPath', 'revealLine', 'log', 'cursor', 'children', '', 'EXPAND', '__proto__', 'constructor'];

function randomValue(random: () => number, depth = 0): unknown {
  const choice = Math.floor(random() * 14);
  switch (choice) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return random() < 0.5;
    case 3:
      return [NaN, Infinity, -1, 1.5, 2 ** 53, -0, 7][Math.floor(random() * 7)];
    case 4:
      return 'x'.repeat(Math.floor(random() * 40));
    case 5:
      return '<img src=x onerror=alert(1)>\u202e';
    case 6:
      return depth > 3 ? [] : Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random, depth + 1));
    case 7:
      return Array.from({ length: Math.floor(random() * (MAX_PATH_TOKENS + 5)) }, () => Math.floor(random() * 400) - 10);
    case 8:
      return depth > 3
        ? {}
        : { kind: KINDS[Math.floor(random() * KINDS.length)], path: randomValue(random, depth + 1), line: randomValue(random, depth + 1) };
    case 9:
      return BigInt(7);
    case 10:
      return Symbol('s');
    case 11:
      return () => 1;
    case 12:
      return Math.floor(random() * 1000);
    default:
      return { kind: 'log', level: ['info', 'warn', 'error', 'debug'][Math.floor(random() * 4)], message: randomValue(random, depth + 1) };
  }
}

function admit(raw: unknown): { message: LensToHost | undefined; warnings: string[] } {
  const warnings: string[] = [];
  const message = admitLensMessage(raw, (warning) => warnings.push(warning));
  return { message, warnings };
}

describe('admitLensMessage (the host gate for webview messages)', function () {
  it('passes well-formed messages through unchanged, without warnings', function () {
    const good: LensToHost[] = [
      { kind: 'ready' }, { kind: 'expand', path: [1, 2] }, { kind: 'insertPath', path: [3] }, { kind: 'revealLine', line: 4 },
      { kind: 'log', level: 'warn', message: 'hello' },
    ];
    for (const message of good) assert.deepEqual(admit(message), { message, warnings: [] });
  });

  it('drops 20,000 random malformed values with exactly one warning each, and never throws', function () {
    const random = seededRandom(20261128);
    let admitted = 0;
    for (let i = 0; i < 20_000; i++) {
      const raw = randomValue(random);
      const { message, warnings } = admit(raw);
      if (message) {
        admitted++;
        assert.equal(warnings.length, 0);
        assert.ok(['ready', 'expand', 'insertPath', 'revealLine', 'log'].includes(message.kind), `admitted ${String(message.kind)}`);
      } else {
        assert.equal(warnings.length, 1, `one warning for value #${i} (${typeof raw})`);
        assert.match(warnings[0] ?? '', /^Lens: dropped a malformed message/);
        assert.ok((warnings[0] ?? '').length < 400, 'the warning quotes a short preview, not the payload');
      }
    }
    assert.ok(admitted < 20_000, 'most random values are malformed');
  });

  it('drops a huge payload unread, even when its shape is right', function () {
    const huge = { kind: 'log', level: 'info', message: 'x'.repeat(MAX_WEBVIEW_MESSAGE_CHARS * 100) };
    const { message, warnings } = admit(huge);
    assert.equal(message, undefined);
    assert.match(warnings[0] ?? '', /\d+ chars/);
    assert.equal(
      admit({ kind: 'expand', path: Array.from({ length: MAX_PATH_TOKENS + 1 }, () => 1) }).message,
      undefined,
      'a path deeper than the limit',
    );
  });

  it('survives cycles, BigInts and getters that throw', function () {
    const cyclic: Record<string, unknown> = { kind: 'expand' };
    cyclic.path = cyclic;
    const hostile = Object.defineProperty({ kind: 'revealLine' }, 'line', { get: () => { throw new Error('boom'); }, enumerable: true });
    for (const raw of [cyclic, { kind: 'revealLine', line: BigInt(3) }, hostile]) {
      const { message, warnings } = admit(raw);
      assert.equal(message, undefined);
      assert.equal(warnings.length, 1);
    }
  });
});
