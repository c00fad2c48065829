// npm run bench:heatmap — the surprisal heatmap over a 2,000-token file, against a plain prefill of
// the same tokens and a naive pass that evaluates one position at a time, all in the same run on
// the TinyLlama-shaped model; and the Lens's top-k query at the cursor after a keystroke.
// Options: --tokens N (default 2000), --out FILE (default bench-results/heatmap.json).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Token } from 'node-llama-cpp';
import { cpuLoad, withEngine } from './lib/bench/engineRuns';
import { median, table } from './lib/bench/summary';

const ROOT = join(__dirname, '..', '..');
const MODEL = join(ROOT, '.cache', 'models', 'tinyllama-1.1b-fim.gguf');
const SOURCES = ['src/core/postProcessCompletion.ts', 'src/engine/completeFim.ts', 'scripts/lib/gguf/GgufWriter.ts', 'src/core/ContextRing.ts'];
const RUNS = 2;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

interface RawResults {
  text: string;
  prefillMs: number[];
  naiveMs: number;
  naivePositions: number;
}

/** In-process node-llama-cpp: the file cut to exactly `tokens` tokens, its plain prefill, and the naive pass. */
async function rawBaselines(tokens: number): Promise<RawResults> {
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false, maxThreads: 0 });
  const model = await llama.loadModel({ modelPath: MODEL, gpuLayers: 0 });
  const context = await model.createContext({ contextSize: 2048, threads: llama.cpuMathCores, sequences: 1 });
  const sequence = context.getSequence();
  try {
    const source = SOURCES.map((file) => readFileSync(join(ROOT, file), 'utf8')).join('\n');
    const ids = model.tokenize(source, false, 'trimLeadingSpace').slice(0, tokens);
    const text = model.detokenize(ids);
    const all = [...(model.tokens.bos === null ? [] : [model.tokens.bos]), ...model.tokenize(text, false, 'trimLeadingSpace')];
    const prefillMs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await sequence.clearHistory();
      const started = performance.now();
      await sequence.evaluateWithoutGeneratingNewTokens(all);
      prefillMs.push(performance.now() - started);
    }
    await sequence.clearHistory();
    const started = performance.now();
    // Naive: one position per evaluation, each asking for its distribution.
    for (let index = 0; index < all.length - 1; index++) {
      const generator = sequence.evaluateWithMetadata([all[index] as Token], { probabilities: true }, { temperature: 0 });
      await generator.next();
      await generator.return();
    }
    return { text, prefillMs, naiveMs: performance.now() - started, naivePositions: all.length - 1 };
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
}

async function main(): Promise<void> {
  const tokens = Number(option('--tokens', '2000'));
  const out = option('--out', join(ROOT, 'bench-results', 'heatmap.json'));
  console.log(`raw node-llama-cpp: prefill and naive pass over ${tokens} tokens`);
  const raw = await rawBaselines(tokens);
  console.log('\nLlama Lens engine');
  const lens = await withEngine(ROOT, cpuLoad(MODEL, false), async (client) => {
    const heatmapMs: number[] = [];
    let scored = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const result = await client.request('surprisal', { text: raw.text, scoreFrom: 0, detail: 'bits' });
      heatmapMs.push(performance.now() - started);
      scored = result.tokens.length;
    }
    // Ranks and entropy (the rank and entropy views) need every position's whole distribution.
    const fullStarted = performance.now();
    await client.request('surprisal', { text: raw.text, scoreFrom: 0, detail: 'full' });
    const fullMs = performance.now() - fullStarted;
    // The Lens at the cursor, then the same after one typed character.
    const cursor = raw.text.slice(0, Math.floor(raw.text.length * 0.75));
    const query = { path: [], topK: 20, backUpToBoundary: false };
    await client.request('distribution', { ...query, text: cursor });
    const started = performance.now();
    const keystroke = await client.request('distribution', { ...query, text: `${cursor};` });
    return { heatmapMs, fullMs, scored, keystroke: { ms: performance.now() - started, evaluated: keystroke.evaluatedTokens, reused: keystroke.reusedTokens } };
  });
  const prefill = median(raw.prefillMs);
  const heatmap = median(lens.heatmapMs);
  console.log(`\n${table([
    ['pass', 'ms', 'vs one prefill'],
    ['plain prefill (raw node-llama-cpp)', prefill.toFixed(0), '1.00'],
    [`Llama Lens heatmap, bits pass (${lens.scored} tokens scored)`, heatmap.toFixed(0), (heatmap / prefill).toFixed(2)],
    ['Llama Lens full pass (ranks and entropy)', lens.fullMs.toFixed(0), (lens.fullMs / prefill).toFixed(2)],
    [`naive, one position at a time (${raw.naivePositions})`, raw.naiveMs.toFixed(0), (raw.naiveMs / prefill).toFixed(2)],
  ])}`);
  console.log(`\nLens top-k after a keystroke: ${lens.keystroke.ms.toFixed(0)} ms, ${lens.keystroke.evaluated} tokens evaluated, ${lens.keystroke.reused} reused`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), model: MODEL, tokens, raw: { ...raw, text: undefined }, lens }, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
