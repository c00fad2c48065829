// Bad model files through the real engine process: each is refused with 'loadFailed' and a message naming the
// problem, the engine process survives (same pid), and the oracle model then loads and completes as before. The bad
// files are copies of the generated oracle model with one field corrupted (test/support/ggufLayout.ts finds it).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { EngineRequestError } from '../../src/client/Engine';
import { cpuLoadParams, fimParams, startEngine, waitUntil, type EngineUnderTest } from '../support/engineHarness';
import { entryNamed, ggufLayout, withLastValuesRemoved, withShortScores, withU32, withU64 } from '../support/ggufLayout';
import { splitGguf } from '../support/ggufSplit';
import { generatedModelPath, greedyContinuation, lastOracleToken, loadOracleTable } from '../support/oracle';

/** Far longer than any of these requests takes on the oracle model; reaching it means a hang. */
const DEADLINE_MS = 60_000;
const PREFIX = 'function total(items) {\n  let sum = 0;\n  for (const item of items) {\n    sum += item.pri';
const SUFFIX = '\n  }\n  return sum;\n}\n';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: EngineRequestError };

/** The request's outcome, or a test failure if it neither answers nor fails within the deadline. */
async function outcome<T>(promise: Promise<T>): Promise<Outcome<T>> {
  let settled: Outcome<T> | { ok: false; error: unknown } | undefined;
  promise.then(
    (value) => (settled = { ok: true, value }),
    (error: unknown) => (settled = { ok: false, error }),
  );
  await waitUntil(() => settled !== undefined, DEADLINE_MS, () => 'the request neither answered nor failed');
  const result = settled as Outcome<T> | { ok: false; error: unknown };
  if (!result.ok) assert.ok(result.error instanceof EngineRequestError, `expected an engine error, got ${String(result.error)}`);
  return result as Outcome<T>;
}

async function rejection(promise: Promise<unknown>): Promise<EngineRequestError> {
  const result = await outcome(promise);
  assert.ok(!result.ok, 'expected the request to fail');
  return result.error;
}

describe('bad model files (engine)', function () {
  const oraclePath = generatedModelPath('oracle.gguf');
  const oracle = readFileSync(oraclePath);
  const layout = ggufLayout(oracle);
  const table = loadOracleTable();
  const expectedText = greedyContinuation(table, lastOracleToken(table, PREFIX), { maxTokens: 12, stopAtNewline: true });
  let engine: EngineUnderTest;
  let dir: string;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'llama-lens-bad-models-'));
    engine = startEngine();
    await engine.client.request('load', cpuLoadParams(oraclePath));
  });
  after(() => {
    engine.client.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const complete = () => engine.client.request('complete', fimParams(PREFIX, SUFFIX));

  function write(name: string, bytes: Uint8Array | string): string {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  }

  /** The oracle model loads again and completes exactly as its closed form says. */
  async function assertStillWorks(): Promise<void> {
    await engine.client.request('load', cpuLoadParams(oraclePath));
    assert.equal((await complete()).text, expectedText);
  }

  /** Loading `path` fails with 'loadFailed' naming the file and matching `message`, in the same engine process. */
  async function assertRefused(path: string, message: RegExp): Promise<void> {
    const pid = engine.client.pid;
    const generation = engine.client.generation;
    assert.ok(pid !== undefined, 'the engine is running');
    const error = await rejection(engine.client.request('load', cpuLoadParams(path)));
    assert.equal(error.code, 'loadFailed', error.message);
    assert.match(error.message, message);
    assert.ok(error.message.includes(path), `the message names the file: ${error.message}`);
    assert.deepEqual(
      [engine.client.pid, engine.client.generation],
      [pid, generation],
      `the engine process survived:\n${engine.logs.slice(-5).join('\n')}`,
    );
    await assertStillWorks();
  }

  const last = layout.tensors[layout.tensors.length - 1];
  /** The oracle's own value of a u32 metadata entry, and a copy of the oracle with it set to `value`. */
  const u32Of = (key: string) => oracle.readUInt32LE(entryNamed(layout, key).valueAt);
  const withFact = (key: string, value: number) => () => withU32(oracle, entryNamed(layout, key).valueAt, value);
  const vocab = entryNamed(layout, 'tokenizer.ggml.tokens').count ?? 0;
  const embedding = u32Of('llama.embedding_length');
  const heads = u32Of('llama.attention.head_count');
  assert.ok(embedding % 5 !== 0 && heads % 4 !== 0, 'the oracle has a shape the cases below can break');
  const dataMiddle = layout.dataStart + Math.floor((oracle.length - layout.dataStart) / 2);
  const cases: [string, () => Uint8Array | string, RegExp][] = [
    ['an empty file', () => new Uint8Array(0), /: the file is empty \(0 bytes\), so it is not a GGUF model file\./],
    [
      'a text file named .gguf',
      () => 'just some notes, not a model\n'.repeat(20),
      /: it is not a GGUF model file \(it does not start with "GGUF"\)\./,
    ],
    [
      'a file cut off in its header',
      () => oracle.subarray(0, 5000),
      /: the file ends inside its header \(at byte 5000\), so its header cannot be read\./,
    ],
    [
      'a file cut off in its tensor data',
      () => oracle.subarray(0, dataMiddle),
      new RegExp(
        `: the file is incomplete: its tensor data should run to byte ${oracle.length}, but the file ends at byte ${dataMiddle} \\(50% of it is there\\)`,
      ),
    ],
    [
      'wrong magic',
      () => Buffer.concat([Buffer.from('GGML'), oracle.subarray(4)]),
      /: it is not a GGUF model file \(it does not start with "GGUF"\)\./,
    ],
    ['GGUF version 1', () => withU32(oracle, 4, 1), /: it is a GGUF version 1 file, which llama.cpp no longer reads\./],
    ['an unknown GGUF version', () => withU32(oracle, 4, 99), /: its GGUF version is 99, but llama.cpp reads only versions 2 and 3\./],
    [
      'an absurd tensor count',
      () => withU64(oracle, 8, 2n ** 40n),
      /: its header declares 1099511627776 tensors, far more than any model has/,
    ],
    [
      'an absurd metadata count',
      () => withU64(oracle, 16, 2n ** 40n),
      /: its header declares 1099511627776 metadata entries, far more than any model has/,
    ],
    [
      'a string length larger than the file',
      () => withU64(oracle, entryNamed(layout, 'general.name').valueAt, 2n ** 40n),
      /: metadata entry 3 \("general.name"\) claims a string of 1099511627776 bytes, more than the \d+ bytes left in the file\./,
    ],
    [
      'a tensor offset beyond the end of the file',
      () => withU64(oracle, last?.offsetAt ?? 0, 2n ** 33n),
      new RegExp(
        `: tensor ${layout.tensors.length} \\("output.weight"\\) points at byte ${layout.dataStart + 2 ** 33}, beyond the end of the file \\(${oracle.length} bytes\\)\\.`,
      ),
    ],
    [
      'a vocabulary whose arrays disagree in length',
      () => withShortScores(oracle),
      /: its vocabulary's arrays disagree in length \(tokenizer.ggml.tokens has 358 entries, tokenizer.ggml.scores has 357 entries, tokenizer.ggml.token_type has 358 entries\)\./,
    ],
    // Header facts that contradict each other or the tensors. Before they were checked, the first made the memory
    // estimate walk four billion layers (minutes; llama.cpp then aborts), the second and third aborted llama.cpp,
    // and the others failed with only "Failed to load model", if at all.
    [
      'a block count of four billion',
      withFact('llama.block_count', 4_000_000_000),
      /: its llama\.block_count is 4000000000, but it has no tensors for block 1 \(blk\.1\.\*\), so it holds fewer blocks than it says\./,
    ],
    ['a block count of 0', withFact('llama.block_count', 0), /: its llama\.block_count is 0; a model needs at least one block \(layer\)\./],
    [
      'a head count of 0',
      withFact('llama.attention.head_count', 0),
      /: its llama\.attention\.head_count is 0, but blk\.0\.attn_q\.weight is an attention weight; a model with attention needs at least one attention head\./,
    ],
    [
      'a head count that does not divide the embedding length',
      withFact('llama.attention.head_count', 5),
      new RegExp(
        `: its llama\\.attention\\.head_count is 5, which does not divide its llama\\.embedding_length \\(${embedding}\\) into whole heads\\.`,
      ),
    ],
    [
      'a key/value head count of 0',
      withFact('llama.attention.head_count_kv', 0),
      /: its llama\.attention\.head_count_kv is 0, but blk\.0\.attn_q\.weight is an attention weight; attention needs at least one key\/value head\./,
    ],
    [
      'a key/value head count that does not divide the head count',
      withFact('llama.attention.head_count_kv', 4),
      new RegExp(
        `: its llama\\.attention\\.head_count_kv is 4, which does not divide its llama\\.attention\\.head_count \\(${heads}\\): each key/value head`,
      ),
    ],
    [
      'a context length of 0',
      withFact('llama.context_length', 0),
      /: its llama\.context_length is 0; a model needs a context of at least one token\./,
    ],
    [
      'a vocabulary one token shorter than its embeddings',
      () => withLastValuesRemoved(oracle, ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type']),
      new RegExp(
        `: its tokenizer\\.ggml\\.tokens lists ${vocab - 1} tokens, but token_embd\\.weight has ${vocab} rows \\(one per token\\); the two must agree\\.`,
      ),
    ],
    [
      'a vocab_size that is not the number of embedding rows',
      withFact('llama.vocab_size', vocab + 1),
      new RegExp(`: its llama\\.vocab_size is ${vocab + 1}, but token_embd\\.weight has ${vocab} rows \\(one per token\\)`),
    ],
  ];
  for (const [name, bytes, message] of cases) {
    it(`refuses ${name}, and keeps working`, async function () {
      await assertRefused(write(`${name.replace(/\W+/g, '-')}.gguf`, bytes()), message);
    });
  }

  it('never loads a download in progress: a .ipull or .part file, or a complete-looking file beside its marker', async function () {
    // ipull writes its temp file at full size, so a copy of a whole model shows that the name alone refuses it.
    await assertRefused(write('model.gguf.ipull', oracle), /is an unfinished download \(\.ipull\)/);
    await assertRefused(write('model.gguf.part', oracle), /is an unfinished download \(\.part\)/);
    const checking = write('checking.gguf', oracle);
    write('checking.gguf.unverified', '');
    await assertRefused(checking, /is still being downloaded or checked \(.*checking\.gguf\.unverified exists\)/);
  });

  /** The oracle split in two; part 1 holds token_embd only, so block 0's tensors are all in part 2. */
  function writeSplit(name: string): [string, string] {
    assert.equal(layout.tensors[0]?.name, 'token_embd.weight');
    const [one, two] = splitGguf(oracle, 1);
    return [write(`${name}-00001-of-00002.gguf`, one), write(`${name}-00002-of-00002.gguf`, two)];
  }
  const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('loads a model split into two files, judging its shape by the tensors of both, and completes as the whole one does', async function () {
    const [first, second] = writeSplit('split');
    const info = await engine.client.request('load', cpuLoadParams(first));
    assert.equal(info.sizeBytes, statSync(first).size + statSync(second).size);
    assert.equal((await complete()).text, expectedText);
  });

  it('refuses a split model whose part 2 is missing, naming that part, and keeps working', async function () {
    const [first, second] = writeSplit('missing');
    unlinkSync(second);
    await assertRefused(
      first,
      new RegExp(
        `is part 1 of a model split into 2 files, and part 2 cannot be used: Cannot open model file ${literally(second)}: the file does not exist\\.`,
      ),
    );
  });

  it('refuses a split model whose part 2 is cut short, naming that part, and keeps working', async function () {
    const [first, second] = writeSplit('cut');
    const whole = readFileSync(second);
    writeFileSync(second, whole.subarray(0, whole.length - 64));
    await assertRefused(
      first,
      new RegExp(
        `and part 2 cannot be used: Cannot load ${literally(second)}: the file is incomplete: its tensor data should run to byte ${whole.length}, but the file ends at byte ${whole.length - 64}`,
      ),
    );
  });

  it('refuses a split model whose part 2 is another copy of part 1, naming it, and keeps working', async function () {
    const [first, second] = writeSplit('twice');
    copyFileSync(first, second);
    await assertRefused(first, new RegExp(`: part 2 of 2, ${literally(basename(second))}, says it is part 1 of 2\\.`));
  });

  it('refuses a folder given as the model path, and keeps working', async function () {
    const folder = join(dir, 'folder.gguf');
    mkdirSync(folder);
    await assertRefused(folder, /is a folder, not a GGUF model file\./);
  });

  it('refuses a model file it is not allowed to read (permission denied), and keeps working', async function () {
    // chmod cannot stop root, which runs these tests in CI. Linux's write-only sysctl files refuse a read to
    // everyone, root included (sysctl_perm checks the owner bits): a link named like a model points at one.
    const unreadable = join(dir, 'unreadable.gguf');
    symlinkSync('/proc/sys/vm/drop_caches', unreadable);
    await assertRefused(unreadable, /Cannot open model file .*unreadable\.gguf: permission denied\./);
  });

  it('refuses a path that runs through a regular file (ENOTDIR), and keeps working', async function () {
    const file = write('plain.gguf', 'x');
    await assertRefused(
      join(file, 'model.gguf'),
      /: a part of the path before the file name is a file, not a folder, so the file does not exist\./,
    );
  });

  it('refuses a named pipe without opening it (an open would wait for a writer forever), and keeps working', async function () {
    const fifo = join(dir, 'pipe.gguf');
    execFileSync('mkfifo', [fifo]);
    await assertRefused(fifo, /is not a regular file \(it is a named pipe\)/);
  });

  it('keeps completing from a model file deleted while loaded, and names it missing on reload', async function () {
    const copy = join(dir, 'deleted.gguf');
    copyFileSync(oraclePath, copy);
    await engine.client.request('load', cpuLoadParams(copy));
    unlinkSync(copy);
    // The mapping keeps the deleted file's pages alive until the model is unloaded.
    assert.equal((await complete()).text, expectedText);
    await assertRefused(copy, /: the file does not exist\./);
  });

  it('survives a model file overwritten in place while loaded: a clear error or a fresh engine, never a hang', async function () {
    const copy = join(dir, 'replaced.gguf');
    copyFileSync(oraclePath, copy);
    await engine.client.request('load', cpuLoadParams(copy));
    const generation = engine.client.generation;
    writeFileSync(copy, 'garbage, not a model\n'.repeat(100)); // truncates, then writes 2,100 bytes
    // The mapped weights are gone past the new end: touching them is SIGBUS, which kills only the engine process.
    const first = await outcome(complete());
    assert.ok(
      first.ok || first.error.code === 'engineDied',
      `first request: ${first.ok ? '' : `${first.error.code}: ${first.error.message}`}`,
    );
    const second = await outcome(complete());
    const said = second.ok ? 'answered' : `${second.error.code}: ${second.error.message}`;
    if (first.ok) {
      // Where the pages outlived the truncation, the weights are whatever the file now holds, or they die later.
      assert.ok(second.ok || second.error.code === 'engineDied', `second request: ${said}`);
    } else {
      // A fresh engine answers at once, and has no model.
      assert.ok(engine.client.generation > generation, 'a fresh engine process');
      assert.equal(said, 'noModel: No model is loaded in the engine.');
    }
    await assertRefused(copy, /: it is not a GGUF model file \(it does not start with "GGUF"\)\./);
  });
});
