// `inspect` and the memory-fit refusal, through the real engine process. Every expected fact comes from how the
// generator wrote the file (scripts/lib/models), not from a run of the engine: the oracle's shape from its table and
// oracleModel.ts's constants, the shape models' from SHAPE_MODELS, and an oversize model written here.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { SHAPE_MODELS, type ShapeModelSpec } from '../../scripts/lib/models/shapeModels';
import { EngineRequestError } from '../../src/client/Engine';
import { memoryFit } from '../../src/core/models/memoryFit';
import { formatBytes } from '../../src/core/text/formatBytes';
import type { InspectParams, ModelFacts } from '../../src/protocol/engineProtocol';
import { cpuLoadParams, fimParams, startEngine, type EngineUnderTest } from '../support/engineHarness';
import { generatedModelPath, generatedModelsDir, greedyContinuation, lastOracleToken, loadOracleTable } from '../support/oracle';
import { llamaParameters, writeOversizeHeader } from '../support/oversizeModel';
import { REPO_ROOT } from '../support/repoPaths';

const GiB = 1024 ** 3;
/** oracleModel.ts: FEED_FORWARD_LENGTH, CONTEXT_LENGTH; one block; general.file_type 0 (all F32). */
const ORACLE_FFN = 64;
const ORACLE_CONTEXT = 4096;
/** The Llama-2 SentencePiece vocabulary the shape models copy; the FIM variant pads it to CodeLlama's 32016. */
const LLAMA2_VOCAB = 32000;
const CODELLAMA_VOCAB = 32016;
const F16_BYTES = 2;
/** Loaded into the engine with --require: os reports LLAMA_LENS_TEST_RAM_BYTES of RAM, all of it free. */
const SMALL_MACHINE_PRELOAD = `
const os = require('node:os');
const bytes = Number(process.env.LLAMA_LENS_TEST_RAM_BYTES);
os.totalmem = () => bytes;
os.freemem = () => bytes;
require('node:module').syncBuiltinESMExports();
`;

/** An f16 K and V cache row per layer and position. */
function kvCacheBytes(layers: number, contextSize: number, nEmbdKv: number): number {
  return 2 * layers * contextSize * nEmbdKv * F16_BYTES;
}

function shapeFacts(spec: ShapeModelSpec) {
  const vocab = spec.codeLlamaFim ? CODELLAMA_VOCAB : LLAMA2_VOCAB;
  const nEmbdKv = (spec.nEmbd / spec.nHead) * spec.nHeadKv;
  const parameters = llamaParameters(vocab, spec.nEmbd, nEmbdKv, spec.nFf, spec.nLayer);
  const normValues = (2 * spec.nLayer + 1) * spec.nEmbd; // F32; every matrix is Q4_0, 18 bytes per 32 values
  return { parameters, nEmbdKv, weightBytes: ((parameters - normValues) * 18) / 32 + normValues * 4 };
}

async function rejection(promise: Promise<unknown>): Promise<EngineRequestError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EngineRequestError, `expected an engine error, got ${String(error)}`);
    return error;
  }
  throw new Error('expected the request to fail');
}

describe('model inspection and the memory-fit refusal (engine)', function () {
  let engine: EngineUnderTest;
  let dir: string;
  const inspect = (modelPath: string, extra: Partial<InspectParams> = {}): Promise<ModelFacts> =>
    engine.client.request('inspect', { modelPath, gpu: 'cpu', gpuLayers: 0, contextSize: 0, ...extra });

  before(function () {
    // The shape models are not part of the default generation; make the two used here (skipped when present).
    if (
      !existsSync(join(generatedModelsDir(), 'tinyllama-1.1b.gguf')) ||
      !existsSync(join(generatedModelsDir(), 'tinyllama-1.1b-fim.gguf'))
    ) {
      execFileSync(
        process.execPath,
        [join(REPO_ROOT, 'out', 'scripts', 'generateModels.js'), '--shapes', 'tinyllama-1.1b,tinyllama-1.1b-fim'],
        { stdio: 'ignore', timeout: 100_000 },
      );
    }
    dir = mkdtempSync(join(tmpdir(), 'llama-lens-inspect-'));
    engine = startEngine();
  });
  after(() => {
    engine.client.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads the oracle model's facts from its header, as the generator wrote them", async function () {
    // The table the generator wrote beside the model holds the vocabulary and n_embd it built the GGUF from.
    const table = JSON.parse(readFileSync(generatedModelPath('oracle.table.json'), 'utf8')) as { vocab: unknown[]; nEmbd: number };
    const path = generatedModelPath('oracle.gguf');
    const facts = await inspect(path);
    const parameters = llamaParameters(table.vocab.length, table.nEmbd, table.nEmbd, ORACLE_FFN, 1);
    assert.equal(facts.name, 'Llama Lens oracle (demo bigram model, not a language model)');
    assert.equal(facts.architecture, 'llama');
    assert.equal(facts.parameterCount, parameters);
    assert.equal(facts.quantisation, 'F32');
    assert.equal(facts.trainContextLength, ORACLE_CONTEXT);
    assert.equal(facts.hasFim, true);
    assert.equal(facts.sizeBytes, statSync(path).size);
    assert.deepEqual({ ...facts.estimate, ramBytes: 0 }, { ramBytes: 0, vramBytes: 0, contextSize: ORACLE_CONTEXT, gpuLayers: 0 });
    // At least the F32 weights and the cache at the training context; compute buffers add well under a GiB.
    const floor = parameters * 4 + kvCacheBytes(1, ORACLE_CONTEXT, table.nEmbd);
    assert.ok(
      facts.estimate.ramBytes >= floor && facts.estimate.ramBytes < floor + GiB,
      `RAM estimate ${facts.estimate.ramBytes}, floor ${floor}`,
    );
    assert.equal(facts.machine.backend, 'cpu');
    assert.equal(facts.machine.ramTotalBytes, totalmem());
    assert.deepEqual([facts.machine.vramTotalBytes, facts.machine.vramFreeBytes], [0, 0]);
    assert.equal(facts.fits, true);
    assert.match(facts.fitNote, /^Needs [\d.]+ [KMG]?B of RAM and 0 B of VRAM; /);
  });

  it('estimates at the asked context size, capped at the training context', async function () {
    const path = generatedModelPath('oracle.gguf');
    const [small, full, over] = await Promise.all([512, 0, 100_000].map((contextSize) => inspect(path, { contextSize })));
    assert.deepEqual(
      [small?.estimate.contextSize, full?.estimate.contextSize, over?.estimate.contextSize],
      [512, ORACLE_CONTEXT, ORACLE_CONTEXT],
    );
    assert.ok((small?.estimate.ramBytes ?? Infinity) < (full?.estimate.ramBytes ?? 0), 'a smaller context needs less');
  });

  it("reports oracle-chat's template and oracle-nofim's missing FIM tokens, as load does", async function () {
    const chat = await inspect(generatedModelPath('oracle-chat.gguf'));
    assert.deepEqual([chat.chatWrapper, chat.chatWrapperSource, chat.hasFim], ['Llama2Chat', 'template', true]);
    const nofim = await inspect(generatedModelPath('oracle-nofim.gguf'));
    assert.deepEqual([nofim.hasFim, nofim.chatWrapperSource === 'template'], [false, false]);
    for (const file of ['oracle.gguf', 'oracle-nofim.gguf', 'oracle-chat.gguf']) {
      const facts = await inspect(generatedModelPath(file));
      const info = await engine.client.request('load', cpuLoadParams(generatedModelPath(file)));
      assert.deepEqual(
        [facts.name, facts.architecture, facts.trainContextLength, facts.hasFim, facts.chatWrapper, facts.chatWrapperSource],
        [info.name, info.architecture, info.trainContextLength, info.hasFim, info.chatWrapper, info.chatWrapperSource],
        file,
      );
    }
  });

  for (const name of ['tinyllama-1.1b', 'tinyllama-1.1b-fim'] as const) {
    it(`reads the ${name} shape model: 1.1B parameters, Q4_0, context 2048, FIM ${SHAPE_MODELS[name].codeLlamaFim}`, async function () {
      const spec = SHAPE_MODELS[name];
      const expected = shapeFacts(spec);
      const facts = await inspect(generatedModelPath(`${name}.gguf`), { contextSize: 2048 });
      assert.deepEqual(
        [facts.architecture, facts.parameterCount, facts.quantisation, facts.trainContextLength, facts.hasFim],
        ['llama', expected.parameters, 'Q4_0', spec.contextLength, spec.codeLlamaFim],
      );
      assert.ok(Math.abs(facts.parameterCount - 1.1e9) < 0.01e9, `${facts.parameterCount} parameters`);
      const floor = expected.weightBytes + kvCacheBytes(spec.nLayer, 2048, expected.nEmbdKv);
      assert.ok(
        facts.estimate.ramBytes >= floor && facts.estimate.ramBytes < floor + GiB,
        `RAM estimate ${facts.estimate.ramBytes}, floor ${floor}`,
      );
      // Never refused on a small CI machine: 8 GB in all, 2 GB of it free.
      assert.equal(memoryFit(facts.estimate, { ...facts.machine, ramTotalBytes: 8 * GiB, ramFreeBytes: 2 * GiB }).fits, true);
    });
  }

  it('names a missing file, a text file, a folder and a cut-short GGUF clearly, and keeps working', async function () {
    const text = join(dir, 'notes.gguf');
    writeFileSync(text, 'just some text, not a model\n');
    const folder = join(dir, 'folder.gguf');
    mkdirSync(folder);
    const cut = join(dir, 'cut.gguf');
    writeFileSync(cut, Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0, 9, 0, 0])]));
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.gguf'), /does not exist/],
      [text, /not a GGUF model file/],
      [folder, /is a folder, not a GGUF model file/],
      [cut, /header cannot be read/],
    ];
    for (const [path, message] of cases) {
      const error = await rejection(inspect(path));
      assert.equal(error.code, 'loadFailed', path);
      assert.match(error.message, message);
      assert.ok(error.message.includes(path), `the message names the file: ${error.message}`);
    }
    assert.equal((await inspect(generatedModelPath('oracle.gguf'))).fits, true);
  });

  it("refuses a model larger than the machine with 'tooLarge'", async function () {
    // The same header twice: cut short after it, and extended to its declared size as a sparse file (no disk used).
    const cut = join(dir, 'oversize-cut.gguf');
    const declared = writeOversizeHeader(cut);
    const sparse = join(dir, 'oversize.gguf');
    copyFileSync(cut, sparse);
    truncateSync(sparse, declared.fullSize);
    assert.ok(statSync(cut).size < 1024 ** 2 && declared.fullSize > 2 * totalmem() - 1, 'a small header declaring twice the RAM');

    const facts = await inspect(sparse, { contextSize: 512 });
    assert.equal(facts.parameterCount, declared.parameters);
    assert.ok(facts.estimate.ramBytes >= declared.weightBytes, `RAM estimate ${facts.estimate.ramBytes}`);
    assert.equal(facts.fits, false);
    assert.match(facts.fitNote, new RegExp(`this machine has ${formatBytes(totalmem()).replace('.', '\\.')} of RAM in all\\.$`));
    const incomplete = await rejection(inspect(cut));
    assert.deepEqual([incomplete.code, /is incomplete/.test(incomplete.message)], ['loadFailed', true], incomplete.message);

    const refused = await rejection(engine.client.request('load', { ...cpuLoadParams(sparse), contextSize: 512 }));
    assert.equal(refused.code, 'tooLarge');
    assert.match(refused.message, /^oversize\.gguf is too large for this machine at context 512 with 0 GPU layers\. Needs /);
    assert.match(refused.message, /loading this one anyway may make the machine swap heavily\.$/);

    const info = await engine.client.request('load', cpuLoadParams(generatedModelPath('oracle.gguf')));
    assert.equal(info.architecture, 'llama');
    const next = await engine.client.request('distribution', { text: 'return x', path: [], topK: 3, backUpToBoundary: false });
    assert.equal(next.top.length, 3);
  });

  it('loads a complete model judged too large for the machine when allowOversize says so, and only then', async function () {
    // The engine is told the machine has half the oracle's F32 weights in RAM, so any estimate of it is too large.
    const table = JSON.parse(readFileSync(generatedModelPath('oracle.table.json'), 'utf8')) as { vocab: unknown[]; nEmbd: number };
    const ramBytes = Math.floor((llamaParameters(table.vocab.length, table.nEmbd, table.nEmbd, ORACLE_FFN, 1) * 4) / 2);
    const preload = join(dir, 'smallMachine.cjs');
    writeFileSync(preload, SMALL_MACHINE_PRELOAD);
    const small = startEngine({ NODE_OPTIONS: `--require ${preload}`, LLAMA_LENS_TEST_RAM_BYTES: String(ramBytes) });
    try {
      const oracle = generatedModelPath('oracle.gguf');
      const facts = await small.client.request('inspect', { modelPath: oracle, gpu: 'cpu', gpuLayers: 0, contextSize: 512 });
      assert.deepEqual([facts.machine.ramTotalBytes, facts.fits], [ramBytes, false], 'the engine sees the small machine');
      const refused = await rejection(small.client.request('load', { ...cpuLoadParams(oracle), contextSize: 512 }));
      assert.equal(refused.code, 'tooLarge', refused.message);
      const info = await small.client.request('load', { ...cpuLoadParams(oracle), contextSize: 512, allowOversize: true });
      assert.equal(info.filePath, oracle);
      const prefix = 'return x';
      const completion = await small.client.request('complete', fimParams(prefix, ''));
      const oracleTable = loadOracleTable();
      assert.equal(
        completion.text,
        greedyContinuation(oracleTable, lastOracleToken(oracleTable, prefix), { maxTokens: 12, stopAtNewline: true }),
      );
    } finally {
      small.client.dispose();
    }
  });
});

