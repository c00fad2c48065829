// npm run bench:completion — replays typing over real source files on a TinyLlama-shaped model
// with the Llama-2 vocabulary (plus CodeLlama's FIM tokens), and compares in the same run:
//   - Llama Lens: the host pipeline and the engine process as the extension uses them;
//   - a naive baseline like llama.cpp's /infill: a prefix-first prompt per keystroke, no memory
//     of suggestions (it still reuses the KV state of the prompt's unchanged start, as /infill does);
//   - raw node-llama-cpp greedy decoding, for the engine's decode speed.
// Options: --quick (one short position, for a smoke run), --out FILE (JSON; default bench-results/completion.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EngineClient } from '../src/client/EngineClient';
import {
  DECODE,
  decodeParams,
  decodePrompt,
  engineParams,
  lensStrategy,
  naiveStrategy,
  replayPositions,
  SETTINGS,
  type StrategyReport,
  summariseReplay,
  THINK_MS,
} from './lib/bench/completionStrategies';
import { cpuLoad, engineDecode, withEngine, type DecodeRun } from './lib/bench/engineRuns';
import { rawDecodeSpeed } from './lib/bench/rawDecode';
import { median, table } from './lib/bench/summary';
import { replay } from './lib/bench/typingReplay';

const ROOT = join(__dirname, '..', '..');
const MODEL = join(ROOT, '.cache', 'models', 'tinyllama-1.1b-fim.gguf');
const ORACLE = join(ROOT, '.cache', 'models', 'oracle.gguf');

interface Options {
  quick: boolean;
  out: string;
}

function parseOptions(argv: string[]): Options {
  const outIndex = argv.indexOf('--out');
  return {
    quick: argv.includes('--quick'),
    out: outIndex >= 0 ? (argv[outIndex + 1] ?? '') : join(ROOT, 'bench-results', 'completion.json'),
  };
}

const REPETITION_TOKENS = 200;

/**
 * The best case for prompt lookup: text whose continuation is already in the prompt. The oracle's
 * greedy output settles into a run of spaces; a prompt that contains such a run lets the
 * predictor draft it. Random-weight models never repeat their input, so the replay above is the worst case.
 */
async function lookupOnRepetition(): Promise<{ promptLookup: boolean; runs: DecodeRun[] }[]> {
  const prompt = `const x = 1;${' '.repeat(400)}\nlet y = x`;
  const params = { ...engineParams(prompt, '', 'spm', false), maxTokens: REPETITION_TOKENS };
  const results = [];
  for (const promptLookup of [false, true]) {
    console.log(`\noracle, prompt lookup ${promptLookup ? 'on' : 'off'}`);
    results.push({
      promptLookup,
      runs: await withEngine(ROOT, { ...cpuLoad(ORACLE, promptLookup), contextSize: 4096 }, (client) =>
        engineDecode(client, params, DECODE.runs),
      ),
    });
  }
  return results;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const positions = replayPositions(ROOT, options.quick);
  const keystrokes = positions.reduce((n, p) => n + p.typed.length, 0);
  const files = [...new Set(positions.map((p) => p.file))].join(', ');
  console.log(`Replaying ${keystrokes} keystrokes at ${positions.length} positions in ${files}`);

  const reports: StrategyReport[] = [];
  for (const [name, promptLookup, strategyOf] of [
    ['Llama Lens (SPM, KV reuse, memory, prefetch)', false, (client: EngineClient) => lensStrategy(client, MODEL)],
    ['Llama Lens + prompt lookup', true, (client: EngineClient) => lensStrategy(client, MODEL)],
    ['naive /infill-like (PSM per keystroke)', false, naiveStrategy],
  ] as const) {
    console.log(`\n${name}`);
    reports.push(await withEngine(ROOT, cpuLoad(MODEL, promptLookup), async (client) => ({
      name,
      samples: await replay(positions, strategyOf(client), THINK_MS),
      decode: strategyOf === naiveStrategy ? [] : await engineDecode(client, decodeParams(ROOT), DECODE.runs),
    })));
  }
  const repetition = await lookupOnRepetition();
  console.log('\nraw node-llama-cpp decode');
  const raw = (await rawDecodeSpeed(MODEL, decodePrompt(ROOT), DECODE.tokens, DECODE.runs)).map((run) => run.tokensPerSecond);

  const summaries = reports.map((report) => ({ name: report.name, ...summariseReplay(report) }));
  const naive = summaries[2];
  const rawRate = median(raw);
  const fixed = (value: number | undefined, digits = 0) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));
  console.log(
    `\n${table([
      [
        'strategy',
        'warm p50 ms',
        'warm p90 ms',
        'cold p50 ms',
        'tokens evaluated / warm keystroke',
        'engine calls / warm keystroke',
        'p50 vs naive',
        'decode tok/s',
        'decode vs raw',
      ],
      ...summaries.map((s) => [
        s.name,
        fixed(s.warmP50Ms),
        fixed(s.warmP90Ms),
        fixed(s.coldP50Ms),
        fixed(s.warmEvaluatedMean, 1),
        fixed(s.engineCallShare, 2),
        fixed(s.warmP50Ms / (naive?.warmP50Ms ?? NaN), 2),
        fixed(s.decodeTokensPerSecond, 1),
        fixed(s.decodeTokensPerSecond / rawRate, 3),
      ]),
      ['raw node-llama-cpp', '', '', '', '', '', '', fixed(rawRate, 1), '1.000'],
    ])}`,
  );
  console.log(`\nPrompt lookup where the output repeats the prompt (oracle model, ${REPETITION_TOKENS} tokens):`);
  console.log(
    table([
      ['prompt lookup', 'decode tok/s', 'drafts confirmed', 'drafts refuted'],
      ...repetition.map((r) => [
        r.promptLookup ? 'on' : 'off',
        fixed(median(r.runs.map((run) => run.tokensPerSecond)), 1),
        String(r.runs[0]?.validated ?? 0),
        String(r.runs[0]?.refuted ?? 0),
      ]),
    ]),
  );
  mkdirSync(dirname(options.out), { recursive: true });
  const results = {
    date: new Date().toISOString(),
    model: MODEL,
    settings: SETTINGS,
    thinkMs: THINK_MS,
    summaries,
    rawDecodeTokensPerSecond: raw,
    repetition,
    reports,
  };
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${options.out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
