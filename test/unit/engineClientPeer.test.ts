// EngineClient against a broken peer: a stand-in engine, written here, that answers every request with a response
// the wire's guards refuse. The real engine cannot be made to send one, and the client must not trust it to.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../../src/client/EngineClient';
import { EngineRequestError } from '../../src/client/Engine';
import { waitUntil } from '../support/engineHarness';

/** Per method, a response to request `id` that is malformed in one way. */
const BROKEN_PEER = `
const answers = {
  inspect: (id) => ({ kind: 'response', id, ok: 'yes', result: {} }),
  machine: (id) => ({ kind: 'response', id, ok: false, error: { code: 'explode', message: 'no such code' } }),
  load: (id) => ({ kind: 'response', id, ok: true }),
  health: (id) => ({ kind: 'response', id, ok: true, result: { nonsense: 1 } }),
};
process.on('message', (message) => {
  if (message.kind === 'request') process.send(answers[message.method](message.id));
});
process.send({ kind: 'ready', pid: process.pid });
`;

/** The request's error, or a test failure if it is still pending at the deadline (a hang). */
async function rejection(promise: Promise<unknown>): Promise<EngineRequestError> {
  let settled: { error: unknown } | undefined;
  promise.then(() => (settled = { error: new Error('the request succeeded') }), (error: unknown) => (settled = { error }));
  await waitUntil(() => settled !== undefined, 10_000, () => 'the request was left pending');
  const error = settled?.error;
  assert.ok(error instanceof EngineRequestError, String(error));
  return error;
}

describe('EngineClient with an engine that sends malformed responses', function () {
  this.timeout(20_000);
  let dir: string;
  let client: EngineClient;
  const warnings: string[] = [];
  const pids: (number | undefined)[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'llama-lens-peer-'));
    writeFileSync(join(dir, 'brokenEngine.js'), BROKEN_PEER);
    client = new EngineClient({
      enginePath: join(dir, 'brokenEngine.js'),
      log: (level, message) => level === 'warn' && warnings.push(message),
    });
  });
  after(() => {
    client.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, () => Promise<unknown>][] = [
    [
      'ok that is neither true nor false',
      () => client.request('inspect', { modelPath: '/m.gguf', gpu: 'cpu', gpuLayers: 0, contextSize: 0 }),
    ],
    ['an error code the wire does not have', () => client.request('machine', { gpu: 'cpu' })],
    [
      'a success with no result',
      () =>
        client.request('load', {
          modelPath: '/m.gguf',
          gpu: 'cpu',
          gpuLayers: 0,
          threads: 0,
          contextSize: 0,
          promptLookup: false,
          allowOversize: false,
        }),
    ],
    ['a result of the wrong shape', () => client.request('health', {})],
  ];
  for (const [what, request] of cases) {
    it(`rejects the request with 'internal' at once for ${what}, from the same process`, async function () {
      const error = await rejection(request());
      assert.equal(error.code, 'internal');
      assert.match(error.message, /^The engine sent a malformed (inspect|machine|load|health) response\.$/);
      pids.push(client.pid);
    });
  }

  it('logs each dropped message, and kept the one engine process throughout', () => {
    assert.ok(pids[0] !== undefined && pids.every((pid) => pid === pids[0]), `pids ${pids.join(', ')}`);
    assert.equal(warnings.filter((w) => w.startsWith('Dropped a malformed message from the engine')).length, 3);
  });
});
