// npm run bench:server — replays typing against one llama-server (built from node-llama-cpp's llama.cpp, serving the
// TinyLlama-shaped model with the Llama-2 vocabulary and CodeLlama's FIM tokens), and compares in the same run:
//   - Llama Lens's server backend: the host pipeline (typed-through, cache, prefetch) in front of /completion with a
//     suffix-first prompt of token ids and cache_prompt;
//   - the same prompt without the pipeline, to show what the prompt order alone gives;
//   - llama.vscode-style /infill requests: input_prefix, input_suffix, input_extra, the current line as `prompt`,
//     cache_prompt, on a server started with --cache-reuse 256.
// Every strategy gets the same prefix (the last PREFIX_CHARS characters before the typed span, fixed while it is typed)
// and suffix (its first SUFFIX_CHARS), greedy sampling, 16 tokens, single line, and a server of its own, started afresh,
// so that no strategy finds another's prompts in the server's prompt cache.
// Options: --quick (one short position), --out FILE (default bench-results/server.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GREEDY, isCompletionTimings, serverComplete, ServerCacheMirror, type ServedModel } from '../src/client/server/serverCompletion';
import { callJson, type ServerEndpoint } from '../src/client/server/serverHttp';
import { ServerVocabulary } from '../src/client/server/serverVocabulary';
import { hasFields, isString } from '../src/protocol/guards';
import { engineParams, pipelineStrategy, replayPositions, SETTINGS, summariseReplay, THINK_MS } from './lib/bench/completionStrategies';
import { waitForQuiet } from './lib/bench/quietMachine';
import { table } from './lib/bench/summary';
import { replay, type KeystrokeSample, type Strategy, type TypingPosition } from './lib/bench/typingReplay';
import type { CompleteParams } from '../src/protocol/engineProtocol';
import { startLlamaServer } from './lib/llamaServerProcess';

const ROOT = join(__dirname, '..', '..');
const MODEL = join(ROOT, '.cache', 'models', 'tinyllama-1.1b-fim.gguf');
const CONTEXT = 4096;
const PREFIX_CHARS = 3000;
const SUFFIX_CHARS = 1500;
/** Token budgets roomy enough that neither text is cut: the strategies then see the same code. */
const BUDGETS = { prefix: 1024, suffix: 768, extra: 0 };

const isInfillAnswer = hasFields({ content: isString, timings: isCompletionTimings });

/** The same text for every strategy; a window that slid with each keystroke would change the prompt's start. */
function trimmed(position: TypingPosition): TypingPosition {
  return { ...position, before: position.before.slice(-PREFIX_CHARS), after: position.after.slice(0, SUFFIX_CHARS) };
}

/** What llama.vscode sends: the lines before the cursor, the lines after, and the cursor's line so far as `prompt`. */
function infillStrategy(endpoint: ServerEndpoint): Strategy {
  return async (prefix, suffix) => {
    const lineStart = prefix.lastIndexOf('\n') + 1;
    const body = {
      input_prefix: prefix.slice(0, lineStart),
      prompt: prefix.slice(lineStart),
      input_suffix: suffix,
      input_extra: [],
      n_predict: SETTINGS.maxTokens,
      cache_prompt: true,
      stop: ['\n'],
      ...GREEDY,
    };
    const answer = await callJson(endpoint, 'POST', '/infill', body, isInfillAnswer);
    return { evaluatedTokens: answer.timings.prompt_n, generatedTokens: answer.timings.predicted_n, source: 'engine' };
  };
}

type StrategyFactory = (endpoint: ServerEndpoint, vocabulary: ServerVocabulary, model: ServedModel) => Strategy;

const STRATEGIES: [string, StrategyFactory][] = [
  ['Llama Lens server backend', (endpoint, vocabulary, model) =>
    pipelineStrategy(lensComplete(endpoint, vocabulary, model), MODEL, { ...SETTINGS, budgets: BUDGETS })],
  ['suffix-first ids, no pipeline', (endpoint, vocabulary, model) => {
    const complete = lensComplete(endpoint, vocabulary, model);
    return async (prefix, suffix) => {
      const result = await complete(engineParams(prefix, suffix, 'spm'));
      return { evaluatedTokens: result.evaluatedTokens, generatedTokens: result.generatedTokens, source: 'engine' };
    };
  }],
  ['llama.vscode-style /infill', (endpoint) => infillStrategy(endpoint)],
];

function lensComplete(endpoint: ServerEndpoint, vocabulary: ServerVocabulary, model: ServedModel) {
  const cache = new ServerCacheMirror();
  return (params: CompleteParams, signal?: AbortSignal) =>
    serverComplete(endpoint, vocabulary, model, { ...params, budgets: BUDGETS }, { signal }, cache);
}

/** Replays the positions on a server of the strategy's own. */
async function replayOnFreshServer(factory: StrategyFactory, positions: TypingPosition[]): Promise<KeystrokeSample[]> {
  const server = await startLlamaServer({ model: MODEL, contextSize: CONTEXT, threads: 2, args: ['--cache-reuse', '256'] });
  try {
    const endpoint: ServerEndpoint = { url: new URL(server.url) };
    const vocabulary = new ServerVocabulary(endpoint, () => ({}));
    const [bos, fim] = await Promise.all([vocabulary.bos(), vocabulary.fimTokens()]);
    if (!fim) throw new Error(`${MODEL} has no FIM tokens on the server`);
    return await replay(positions, factory(endpoint, vocabulary, { contextSize: CONTEXT, bos, fim: fim.tokens }), THINK_MS);
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex >= 0 ? (process.argv[outIndex + 1] ?? '') : join(ROOT, 'bench-results', 'server.json');
  await waitForQuiet(0.25, 5 * 60_000);
  const positions = replayPositions(ROOT, quick).map(trimmed);
  const summaries = [];
  const reports = [];
  for (const [name, factory] of STRATEGIES) {
    console.log(`\n${name}: ${positions.length} positions`);
    const samples = await replayOnFreshServer(factory, positions);
    reports.push({ name, samples });
    summaries.push({ name, ...summariseReplay({ samples, decode: [] }) });
  }
  const infill = summaries.find((s) => s.name.includes('/infill'));
  const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
  console.log(`\n${table([
    ['strategy', 'warm p50 ms', 'warm p90 ms', 'cold p50 ms', 'tokens evaluated / warm keystroke', 'server calls / warm keystroke',
      'p50 vs /infill'],
    ...summaries.map((s) => [
      s.name, fixed(s.warmP50Ms), fixed(s.warmP90Ms), fixed(s.coldP50Ms), fixed(s.warmEvaluatedMean, 1),
      fixed(s.engineCallShare, 2), fixed(s.warmP50Ms / (infill?.warmP50Ms ?? NaN), 2),
    ]),
  ])}`);
  mkdirSync(dirname(out), { recursive: true });
  const results = {
    date: new Date().toISOString(), model: MODEL, context: CONTEXT, prefixChars: PREFIX_CHARS, suffixChars: SUFFIX_CHARS,
    budgets: BUDGETS, thinkMs: THINK_MS, summaries, reports,
  };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
