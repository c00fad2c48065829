// npm run bench:completion — replays typing over real source files on a TinyLlama-shaped model
// with the Llama-2 vocabulary (plus CodeLlama's FIM tokens), and compares in the same run:
//   - Llama Lens: the host pipeline and the engine process as the extension uses them;
//   - a naive baseline like llama.cpp's /infill: a prefix-first prompt per keystroke, no memory
//     of suggestions (it still reuses the KV state of the prompt's unchanged start, as /infill does);
//   - raw node-llama-cpp greedy decoding, for the engine's decode speed.
// Options: --quick (one short position, for a smoke run), --out FILE (JSON; default bench-results/completion.json).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EngineClient } from '../src/client/EngineClient';
import { CompletionPipeline, type PipelineSettings } from '../src/core/completion/CompletionPipeline';
import { realClock } from '../src/core/completion/realClock';
import type { CompleteParams, LoadParams } from '../src/protocol/engineProtocol';
import { rawDecodeSpeed } from './lib/bench/rawDecode';
import { mean, median, percentile, table } from './lib/bench/summary';
import { replay, typingPositions, type KeystrokeSample, type Strategy, type TypingPosition } from './lib/bench/typingReplay';

const ROOT = join(__dirname, '..', '..');
const MODEL = join(ROOT, '.cache', 'models', 'tinyllama-1.1b-fim.gguf');
const FILES = ['src/core/postProcessCompletion.ts', 'src/engine/completeFim.ts', 'scripts/lib/gguf/GgufWriter.ts'];
const SETTINGS: PipelineSettings = {
  maxTokens: 16,
  budgets: { prefix: 1024, suffix: 256, extra: 0 },
  layout: 'spm',
  // No time budgets: every strategy does its whole work, so latencies compare like for like.
  maxPromptMs: 0,
  maxGenerationMs: 0,
  alternatives: 1,
  debounce: 0,
  prefetch: true,
};
const THINK_MS = 120;
const DECODE = { tokens: 64, runs: 3 };

interface Options {
  quick: boolean;
  out: string;
}

function parseOptions(argv: string[]): Options {
  const outIndex = argv.indexOf('--out');
  return { quick: argv.includes('--quick'), out: outIndex >= 0 ? argv[outIndex + 1] ?? '' : join(ROOT, 'bench-results', 'completion.json') };
}

function loadParams(promptLookup: boolean): LoadParams {
  return { modelPath: MODEL, gpu: 'cpu', gpuLayers: 0, threads: 0, contextSize: 2048, promptLookup };
}

function engineParams(prefix: string, suffix: string, layout: 'spm' | 'psm', stopAtNewline = true): CompleteParams {
  const { budgets, maxTokens, maxPromptMs, maxGenerationMs } = SETTINGS;
  return { prefix, suffix, extraContext: '', budgets, maxTokens, stopAtNewline, layout, maxPromptMs, maxGenerationMs, alternatives: 1 };
}

async function withEngine<T>(promptLookup: boolean, use: (client: EngineClient) => Promise<T>): Promise<T> {
  const client = new EngineClient({ enginePath: join(ROOT, 'dist', 'engine.mjs'), log: (level, message) => level !== 'info' && console.error(`[engine ${level}] ${message}`) });
  try {
    const info = await client.request('load', loadParams(promptLookup));
    console.log(`  engine: ${info.name}, ${info.threads} threads, FIM ${info.hasFim ? info.fimLayout : 'none'}, prompt lookup ${promptLookup ? 'on' : 'off'}`);
    return await use(client);
  } finally {
    client.dispose();
  }
}

function lensStrategy(client: EngineClient): Strategy {
  const pipeline = new CompletionPipeline((params, signal) => client.request('complete', params, { signal }), realClock, () => SETTINGS, () => MODEL);
  return async (prefix, suffix) => {
    const answer = await pipeline.complete({ prefix, suffix, extraContext: '', singleLine: true, maxLines: 1, manual: false }, new AbortController().signal);
    return { evaluatedTokens: answer?.result?.evaluatedTokens ?? 0, generatedTokens: answer?.result?.generatedTokens ?? 0, source: answer?.source ?? 'none' };
  };
}

function naiveStrategy(client: EngineClient): Strategy {
  return async (prefix, suffix) => {
    const result = await client.request('complete', engineParams(prefix, suffix, 'psm'));
    return { evaluatedTokens: result.evaluatedTokens, generatedTokens: result.generatedTokens, source: 'engine' };
  };
}

async function engineDecode(client: EngineClient, prompt: string): Promise<number[]> {
  const rates: number[] = [];
  for (let run = 0; run < DECODE.runs; run++) {
    const result = await client.request('complete', { ...engineParams(prompt, '', 'spm', false), maxTokens: DECODE.tokens });
    rates.push((result.generatedTokens * 1000) / result.generationMs);
  }
  return rates;
}

interface StrategyReport {
  name: string;
  samples: KeystrokeSample[];
  decodeTokensPerSecond: number[];
}

interface Summary {
  keystrokes: number;
  warmP50Ms: number;
  warmP90Ms: number;
  coldP50Ms: number;
  warmEvaluatedMean: number;
  engineCallShare: number;
  decodeTokensPerSecond: number;
}

function summarise(report: StrategyReport): Summary {
  const warm = report.samples.filter((sample) => sample.index > 0);
  const cold = report.samples.filter((sample) => sample.index === 0);
  return {
    keystrokes: report.samples.length,
    warmP50Ms: median(warm.map((s) => s.latencyMs)),
    warmP90Ms: percentile(warm.map((s) => s.latencyMs), 90),
    coldP50Ms: median(cold.map((s) => s.latencyMs)),
    warmEvaluatedMean: mean(warm.map((s) => s.evaluatedTokens)),
    engineCallShare: warm.filter((s) => s.source === 'engine').length / Math.max(1, warm.length),
    decodeTokensPerSecond: median(report.decodeTokensPerSecond),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const files = options.quick ? FILES.slice(0, 1) : FILES;
  const positions: TypingPosition[] = files.flatMap((file) =>
    typingPositions(file, readFileSync(join(ROOT, file), 'utf8'), options.quick ? [0.5] : [0.3, 0.7], options.quick ? 4 : 10));
  const decodePrompt = readFileSync(join(ROOT, FILES[0] ?? ''), 'utf8').slice(0, 1500);
  console.log(`Replaying ${positions.reduce((n, p) => n + p.typed.length, 0)} keystrokes at ${positions.length} positions in ${files.join(', ')}`);

  const reports: StrategyReport[] = [];
  for (const [name, promptLookup, strategyOf] of [
    ['Llama Lens (SPM, KV reuse, memory, prefetch)', false, lensStrategy],
    ['Llama Lens + prompt lookup', true, lensStrategy],
    ['naive /infill-like (PSM per keystroke)', false, naiveStrategy],
  ] as const) {
    console.log(`\n${name}`);
    reports.push(await withEngine(promptLookup, async (client) => ({
      name,
      samples: await replay(positions, strategyOf(client), THINK_MS),
      decodeTokensPerSecond: strategyOf === naiveStrategy ? [] : await engineDecode(client, decodePrompt),
    })));
  }
  console.log('\nraw node-llama-cpp decode');
  const raw = (await rawDecodeSpeed(MODEL, decodePrompt, DECODE.tokens, DECODE.runs)).map((run) => run.tokensPerSecond);

  const summaries = reports.map((report) => ({ name: report.name, ...summarise(report) }));
  const naive = summaries[2];
  const rawRate = median(raw);
  const fixed = (value: number | undefined, digits = 0) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));
  console.log(`\n${table([
    ['strategy', 'warm p50 ms', 'warm p90 ms', 'cold p50 ms', 'tokens evaluated / warm keystroke', 'engine calls / warm keystroke', 'p50 vs naive', 'decode tok/s', 'decode vs raw'],
    ...summaries.map((s) => [
      s.name, fixed(s.warmP50Ms), fixed(s.warmP90Ms), fixed(s.coldP50Ms), fixed(s.warmEvaluatedMean, 1), fixed(s.engineCallShare, 2),
      fixed(s.warmP50Ms / (naive?.warmP50Ms ?? NaN), 2), fixed(s.decodeTokensPerSecond, 1), fixed(s.decodeTokensPerSecond / rawRate, 3),
    ]),
    ['raw node-llama-cpp', '', '', '', '', '', '', fixed(rawRate, 1), '1.000'],
  ])}`);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify({ date: new Date().toISOString(), model: MODEL, settings: SETTINGS, thinkMs: THINK_MS, summaries, rawDecodeTokensPerSecond: raw, reports }, null, 2)}\n`);
  console.log(`\nwrote ${options.out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
