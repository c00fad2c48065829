// Runs work on a fresh engine process, as the extension does, and measures its decode speed.
import { join } from 'node:path';
import { EngineClient } from '../../../src/client/EngineClient';
import type { CompleteParams, GpuSetting, LoadParams, ModelInfo } from '../../../src/protocol/engineProtocol';

/** The engine's load on a backend: on a GPU every layer that fits is offloaded, as the extension's default does. */
export function backendLoad(modelPath: string, gpu: GpuSetting, promptLookup: boolean): LoadParams {
  return { modelPath, gpu, gpuLayers: gpu === 'cpu' ? 0 : 'auto', threads: 0, contextSize: 2048, promptLookup, allowOversize: false };
}

export function cpuLoad(modelPath: string, promptLookup: boolean): LoadParams {
  return backendLoad(modelPath, 'cpu', promptLookup);
}

/** The built engine process, its warnings and errors on stderr. The caller disposes it. */
export function startEngine(root: string): EngineClient {
  return new EngineClient({
    enginePath: join(root, 'dist', 'engine.mjs'),
    log: (level, message) => level !== 'info' && console.error(`[engine ${level}] ${message}`),
  });
}

export async function withEngine<T>(
  root: string,
  load: LoadParams,
  use: (client: EngineClient, info: ModelInfo) => Promise<T>,
): Promise<T> {
  const client = startEngine(root);
  try {
    const info = await client.request('load', load);
    const offload = info.backend === 'cpu' ? '' : `, ${info.gpuLayers} layers on ${info.backend}`;
    console.log(
      `  engine: ${info.name}, ${info.threads} threads${offload}, FIM ${info.hasFim ? info.fimLayout : 'none'}, prompt lookup ${load.promptLookup ? 'on' : 'off'}`,
    );
    return await use(client, info);
  } finally {
    client.dispose();
  }
}

export interface DecodeRun {
  tokensPerSecond: number;
  validated: number;
  refuted: number;
}

/** Generation speed of the engine: generated tokens over the time from the last prompt token to the last token out. */
export async function engineDecode(client: EngineClient, params: CompleteParams, runs: number): Promise<DecodeRun[]> {
  const results: DecodeRun[] = [];
  for (let run = 0; run < runs; run++) {
    const result = await client.request('complete', params);
    results.push({ tokensPerSecond: (result.generatedTokens * 1000) / result.generationMs, ...result.predictedTokens });
  }
  return results;
}
