// Starts the real engine child process for a test, with its log kept for failure messages.
import { strict as assert } from 'node:assert';
import { EngineClient } from '../../src/client/EngineClient';
import { EngineRequestError, type LogLevel } from '../../src/client/Engine';
import type { CompleteParams, LoadParams } from '../../src/protocol/engineProtocol';
import { generatedModelPath } from './oracle';
import { ENGINE_ENTRY } from './repoPaths';

export interface EngineUnderTest {
  client: EngineClient;
  logs: string[];
}

/** `env` is added to the engine process's environment. */
export function startEngine(env?: NodeJS.ProcessEnv): EngineUnderTest {
  const logs: string[] = [];
  const client = new EngineClient({
    enginePath: ENGINE_ENTRY,
    env,
    log: (level: LogLevel, message: string) => logs.push(`[${level}] ${message}`),
  });
  return { client, logs };
}

export function cpuLoadParams(modelPath: string): LoadParams {
  return { modelPath, gpu: 'cpu', gpuLayers: 0, threads: 0, contextSize: 4096, promptLookup: false, allowOversize: false };
}

/** Resolves when `predicate` holds, polling on the event loop; rejects with `message` at the deadline. */
export async function waitUntil(predicate: () => boolean, timeoutMs: number, message: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${message()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** For assert.rejects: a 'downloadFailed' engine error whose message matches `pattern`. */
export function isDownloadFailure(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof EngineRequestError, `not an engine error: ${String(error)}`);
    assert.equal(error.code, 'downloadFailed', error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

/** Completion params with test defaults: single line, 12 tokens, suffix-first, no time limits. */
export function fimParams(prefix: string, suffix: string, extra: Partial<CompleteParams> = {}): CompleteParams {
  return {
    prefix, suffix, extraContext: '', budgets: { prefix: 1024, suffix: 256, extra: 512 }, maxTokens: 12, stopAtNewline: true, layout: 'spm',
    maxPromptMs: 0, maxGenerationMs: 0, alternatives: 1, trace: false, ...extra,
  };
}

/** One engine with an oracle model loaded, for the mocha block this is called in; stopped after it. */
export function useOracleEngine(file = 'oracle.gguf', load: Partial<LoadParams> = {}): () => EngineUnderTest {
  let engine: EngineUnderTest | undefined;
  before(async function () {
    engine = startEngine();
    await engine.client.request('load', { ...cpuLoadParams(generatedModelPath(file)), ...load });
  });
  after(() => engine?.client.dispose());
  return () => {
    if (!engine) throw new Error('the oracle engine has not started');
    return engine;
  };
}
