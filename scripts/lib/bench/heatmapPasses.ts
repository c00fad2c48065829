// The heatmap's cost against a plain prefill of the same tokens: what bench:heatmap reports and the GPU check repeats
// on CUDA. The file is cut to exactly N tokens, its plain prefill is timed in raw node-llama-cpp, and the engine's
// surprisal pass (every token scored) is timed on the same text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Token } from 'node-llama-cpp';
import type { EngineClient } from '../../../src/client/EngineClient';
import type { GpuSetting, SurprisalDetail } from '../../../src/protocol/engineProtocol';
import { withRawSequence } from './rawLlama';

/** Source files joined into the scored text (repository-relative; the GPU kit carries them). */
export const HEATMAP_SOURCES = [
  'src/core/postProcessCompletion.ts',
  'src/engine/inference/completeFim.ts',
  'scripts/lib/gguf/GgufWriter.ts',
  'src/core/ContextRing.ts',
];

export interface RawHeatmapBaselines {
  /** The sources cut to `tokens` tokens, decoded back to text. */
  text: string;
  /** BOS and the text's tokens: what one prefill evaluates. */
  evaluatedTokens: number;
  prefillMs: number[];
  /** The naive pass, one position per evaluation, when it was asked for. */
  naive?: { ms: number; positions: number };
}

export async function rawHeatmapBaselines(
  root: string, modelPath: string, gpu: GpuSetting, tokens: number, runs: number, withNaive: boolean,
): Promise<RawHeatmapBaselines> {
  return withRawSequence(modelPath, gpu, async ({ model, sequence, promptTokens }) => {
    const source = HEATMAP_SOURCES.map((file) => readFileSync(join(root, file), 'utf8')).join('\n');
    const text = model.detokenize(model.tokenize(source, false, 'trimLeadingSpace').slice(0, tokens));
    const all = promptTokens(text);
    const prefillMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      await sequence.clearHistory();
      const started = performance.now();
      await sequence.evaluateWithoutGeneratingNewTokens(all);
      prefillMs.push(performance.now() - started);
    }
    if (!withNaive) return { text, evaluatedTokens: all.length, prefillMs };
    await sequence.clearHistory();
    const started = performance.now();
    // Naive: one position per evaluation, each asking for its distribution.
    for (let index = 0; index < all.length - 1; index++) {
      const generator = sequence.evaluateWithMetadata([all[index] as Token], { probabilities: true }, { temperature: 0 });
      await generator.next();
      await generator.return();
    }
    return { text, evaluatedTokens: all.length, prefillMs, naive: { ms: performance.now() - started, positions: all.length - 1 } };
  });
}

export interface EngineHeatmap {
  heatmapMs: number[];
  /** Tokens the last pass scored. */
  scored: number;
}

/** The engine's whole-file surprisal pass at `detail`, `runs` times from scratch (scoreFrom 0). */
export async function engineHeatmap(
  client: EngineClient,
  text: string,
  runs: number,
  detail: SurprisalDetail = 'bits',
): Promise<EngineHeatmap> {
  const heatmapMs: number[] = [];
  let scored = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const result = await client.request('surprisal', { text, scoreFrom: 0, detail });
    heatmapMs.push(performance.now() - started);
    scored = result.tokens.length;
  }
  return { heatmapMs, scored };
}
