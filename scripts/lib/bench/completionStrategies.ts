// The completion strategies bench:completion replays typing against, the settings they share, and the summary of
// a replay (warm keystroke latency, tokens evaluated per keystroke). The GPU check replays the Llama Lens strategy
// on CUDA with the same pieces.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineClient } from '../../../src/client/EngineClient';
import { CompletionPipeline, type PipelineSettings } from '../../../src/core/completion/CompletionPipeline';
import { realClock } from '../../../src/core/completion/realClock';
import type { CompleteParams, CompleteResult } from '../../../src/protocol/engineProtocol';
import type { DecodeRun } from './engineRuns';
import { mean, median, percentile } from './summary';
import { typingPositions, type KeystrokeSample, type Strategy, type TypingPosition } from './typingReplay';

/** Source files whose lines are typed again (repository-relative; the GPU kit carries them). */
export const TYPING_SOURCES = [
  'src/core/postProcessCompletion.ts',
  'src/engine/inference/completeFim.ts',
  'scripts/lib/gguf/GgufWriter.ts',
];

/** Where typing is replayed: two positions in each source file, 10 characters each; quick: one position, 4 characters. */
export function replayPositions(root: string, quick: boolean): TypingPosition[] {
  const files = quick ? TYPING_SOURCES.slice(0, 1) : TYPING_SOURCES;
  return files.flatMap((file) => typingPositions(file, readFileSync(join(root, file), 'utf8'), quick ? [0.5] : [0.3, 0.7], quick ? 4 : 10));
}

export const SETTINGS: PipelineSettings = {
  maxTokens: 16,
  budgets: { prefix: 1024, suffix: 256, extra: 0 },
  layout: 'spm',
  // No time budgets: every strategy does its whole work, so latencies compare like for like.
  maxPromptMs: 0,
  maxGenerationMs: 0,
  alternatives: 1,
  debounce: 0,
  prefetch: true,
  trace: false,
};

/** The simulated typist's pause after each answer, in which background work (prefetch) may run. */
export const THINK_MS = 120;

export function engineParams(prefix: string, suffix: string, layout: 'spm' | 'psm', stopAtNewline = true): CompleteParams {
  const { budgets, maxTokens, maxPromptMs, maxGenerationMs } = SETTINGS;
  return {
    prefix,
    suffix,
    extraContext: '',
    budgets,
    maxTokens,
    stopAtNewline,
    layout,
    maxPromptMs,
    maxGenerationMs,
    alternatives: 1,
    trace: false,
  };
}

/** Decode speed is measured on 64 generated tokens after the first 1,500 characters of a source file, median of 3. */
export const DECODE = { tokens: 64, runs: 3 };

export function decodePrompt(root: string): string {
  return readFileSync(join(root, TYPING_SOURCES[0] ?? ''), 'utf8').slice(0, 1500);
}

export function decodeParams(root: string): CompleteParams {
  return { ...engineParams(decodePrompt(root), '', 'spm', false), maxTokens: DECODE.tokens };
}

/** The host pipeline and the engine as the extension uses them: KV reuse, memory of suggestions, prefetch. */
export function lensStrategy(client: EngineClient, modelPath: string): Strategy {
  return pipelineStrategy((params, signal) => client.request('complete', params, { signal }), modelPath);
}

/** The host pipeline in front of any way to complete: the local engine, or a llama-server. */
export function pipelineStrategy(
  complete: (params: CompleteParams, signal: AbortSignal) => Promise<CompleteResult>,
  modelKey: string,
  settings: PipelineSettings = SETTINGS,
): Strategy {
  const pipeline = new CompletionPipeline(complete, realClock, () => settings, () => modelKey);
  return async (prefix, suffix) => {
    const answer = await pipeline.complete(
      { prefix, suffix, extraContext: '', singleLine: true, maxLines: 1, manual: false },
      new AbortController().signal,
    );
    return {
      evaluatedTokens: answer?.result?.evaluatedTokens ?? 0,
      generatedTokens: answer?.result?.generatedTokens ?? 0,
      source: answer?.source ?? 'none',
    };
  };
}

/** Like llama.cpp's /infill: a prefix-first prompt per keystroke, no memory of suggestions. */
export function naiveStrategy(client: EngineClient): Strategy {
  return async (prefix, suffix) => {
    const result = await client.request('complete', engineParams(prefix, suffix, 'psm'));
    return { evaluatedTokens: result.evaluatedTokens, generatedTokens: result.generatedTokens, source: 'engine' };
  };
}

export interface StrategyReport {
  name: string;
  samples: KeystrokeSample[];
  decode: DecodeRun[];
}

export interface ReplaySummary {
  keystrokes: number;
  warmP50Ms: number;
  warmP90Ms: number;
  coldP50Ms: number;
  warmEvaluatedMean: number;
  engineCallShare: number;
  decodeTokensPerSecond: number;
}

/** Warm keystrokes are every one but the first at a position (a cold prompt for every strategy). */
export function summariseReplay(report: Omit<StrategyReport, 'name'>): ReplaySummary {
  const warm = report.samples.filter((sample) => sample.index > 0);
  const cold = report.samples.filter((sample) => sample.index === 0);
  return {
    keystrokes: report.samples.length,
    warmP50Ms: median(warm.map((s) => s.latencyMs)),
    warmP90Ms: percentile(warm.map((s) => s.latencyMs), 90),
    coldP50Ms: median(cold.map((s) => s.latencyMs)),
    warmEvaluatedMean: mean(warm.map((s) => s.evaluatedTokens)),
    engineCallShare: warm.filter((s) => s.source === 'engine').length / Math.max(1, warm.length),
    decodeTokensPerSecond: median(report.decode.map((run) => run.tokensPerSecond)),
  };
}
