// npm run bench:heatmap — the surprisal heatmap over a 2,000-token file, against a plain prefill of
// the same tokens and a naive pass that evaluates one position at a time, all in the same run on
// the TinyLlama-shaped model; and the Lens's top-k query at the cursor after a keystroke.
// Options: --tokens N (default 2000), --out FILE (default bench-results/heatmap.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cpuLoad, withEngine } from './lib/bench/engineRuns';
import { engineHeatmap, rawHeatmapBaselines } from './lib/bench/heatmapPasses';
import { median, table } from './lib/bench/summary';

const ROOT = join(__dirname, '..', '..');
const MODEL = join(ROOT, '.cache', 'models', 'tinyllama-1.1b-fim.gguf');
const RUNS = 2;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

async function main(): Promise<void> {
  const tokens = Number(option('--tokens', '2000'));
  const out = option('--out', join(ROOT, 'bench-results', 'heatmap.json'));
  console.log(`raw node-llama-cpp: prefill and naive pass over ${tokens} tokens`);
  const raw = await rawHeatmapBaselines(ROOT, MODEL, 'cpu', tokens, RUNS, true);
  const naive = raw.naive ?? { ms: NaN, positions: 0 };
  console.log('\nLlama Lens engine');
  const lens = await withEngine(ROOT, cpuLoad(MODEL, false), async (client) => {
    const { heatmapMs, scored } = await engineHeatmap(client, raw.text, RUNS);
    // Ranks and entropy (the rank and entropy views) need every position's whole distribution.
    const [fullMs = NaN] = (await engineHeatmap(client, raw.text, 1, 'full')).heatmapMs;
    // The Lens at the cursor, then the same after one typed character.
    const cursor = raw.text.slice(0, Math.floor(raw.text.length * 0.75));
    const query = { path: [], topK: 20, backUpToBoundary: false };
    await client.request('distribution', { ...query, text: cursor });
    const started = performance.now();
    const keystroke = await client.request('distribution', { ...query, text: `${cursor};` });
    return {
      heatmapMs,
      fullMs,
      scored,
      keystroke: { ms: performance.now() - started, evaluated: keystroke.evaluatedTokens, reused: keystroke.reusedTokens },
    };
  });
  const prefill = median(raw.prefillMs);
  const heatmap = median(lens.heatmapMs);
  console.log(`\n${table([
    ['pass', 'ms', 'vs one prefill'],
    ['plain prefill (raw node-llama-cpp)', prefill.toFixed(0), '1.00'],
    [`Llama Lens heatmap, bits pass (${lens.scored} tokens scored)`, heatmap.toFixed(0), (heatmap / prefill).toFixed(2)],
    ['Llama Lens full pass (ranks and entropy)', lens.fullMs.toFixed(0), (lens.fullMs / prefill).toFixed(2)],
    [`naive, one position at a time (${naive.positions})`, naive.ms.toFixed(0), (naive.ms / prefill).toFixed(2)],
  ])}`);
  console.log(
    `\nLens top-k after a keystroke: ${lens.keystroke.ms.toFixed(0)} ms, ${lens.keystroke.evaluated} tokens evaluated, ${lens.keystroke.reused} reused`,
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), model: MODEL, tokens, raw: { ...raw, text: undefined }, lens }, null, 2)}\n`,
  );
  console.log(`\nwrote ${out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
