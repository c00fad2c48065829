// One random-weight shape model on the backend under test, measured the way the benches measure it: layers
// offloaded, prefill and decode speed, warm keystroke latency (bench:completion's replay of the Llama Lens
// strategy) and the heatmap's cost against a plain prefill (bench:heatmap's passes).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { GpuSetting } from '../../../src/protocol/engineProtocol';
import {
  DECODE,
  decodeParams,
  lensStrategy,
  replayPositions,
  type ReplaySummary,
  summariseReplay,
  THINK_MS,
} from '../bench/completionStrategies';
import { backendLoad, engineDecode, withEngine } from '../bench/engineRuns';
import { engineHeatmap, rawHeatmapBaselines } from '../bench/heatmapPasses';
import { median } from '../bench/summary';
import { replay } from '../bench/typingReplay';
import { SHAPE_MODELS, type ShapeModelName } from '../models/shapeModels';

/** Timed passes per measurement, as bench:heatmap takes; the median is reported. */
const RUNS = 2;

export interface ShapeCheck {
  model: ShapeModelName;
  sizeBytes: number;
  backend: string;
  /** Layers node-llama-cpp put on the GPU, of the model's blocks plus its output layer. */
  gpuLayers: number;
  totalLayers: number;
  prefill: { tokens: number; ms: number; tokensPerSecond: number };
  decodeTokensPerSecond: number;
  keystrokes: ReplaySummary;
  heatmap: { scored: number; ms: number; prefillMs: number; ratio: number };
}

export interface ShapeCheckOptions {
  /** Tokens of the heatmap's text (and of the timed prefill). */
  tokens: number;
  /** bench:completion's --quick replay: one position, 4 keystrokes. */
  quick: boolean;
}

export async function checkShapeModel(
  root: string,
  name: ShapeModelName,
  gpu: GpuSetting,
  options: ShapeCheckOptions,
): Promise<ShapeCheck> {
  const modelPath = join(root, '.cache', 'models', `${name}.gguf`);
  console.log(`  raw node-llama-cpp prefill of ${options.tokens} tokens`);
  const raw = await rawHeatmapBaselines(root, modelPath, gpu, options.tokens, RUNS, false);
  const prefillMs = median(raw.prefillMs);
  const lens = await withEngine(root, backendLoad(modelPath, gpu, false), async (client, info) => {
    console.log('  heatmap pass');
    const heatmap = await engineHeatmap(client, raw.text, RUNS);
    console.log('  typing replay');
    const samples = await replay(replayPositions(root, options.quick), lensStrategy(client, modelPath), THINK_MS);
    console.log('  decode');
    const decode = await engineDecode(client, decodeParams(root), DECODE.runs);
    return { info, heatmap, keystrokes: summariseReplay({ samples, decode }) };
  });
  const heatmapMs = median(lens.heatmap.heatmapMs);
  return {
    model: name,
    sizeBytes: statSync(modelPath).size,
    backend: lens.info.backend,
    gpuLayers: lens.info.gpuLayers,
    totalLayers: SHAPE_MODELS[name].nLayer + 1,
    prefill: { tokens: raw.evaluatedTokens, ms: prefillMs, tokensPerSecond: (raw.evaluatedTokens * 1000) / prefillMs },
    decodeTokensPerSecond: lens.keystrokes.decodeTokensPerSecond,
    keystrokes: lens.keystrokes,
    heatmap: { scored: lens.heatmap.scored, ms: heatmapMs, prefillMs, ratio: heatmapMs / prefillMs },
  };
}
