// Starts the real engine child process for a test, with its log kept for failure messages.
import { EngineClient, type LogLevel } from '../../src/client/EngineClient';
import type { LoadParams } from '../../src/protocol/engineProtocol';
import { ENGINE_ENTRY } from './repoPaths';

export interface EngineUnderTest {
  client: EngineClient;
  logs: string[];
}

export function startEngine(): EngineUnderTest {
  const logs: string[] = [];
  const client = new EngineClient({ enginePath: ENGINE_ENTRY, log: (level: LogLevel, message: string) => logs.push(`[${level}] ${message}`) });
  return { client, logs };
}

export function cpuLoadParams(modelPath: string): LoadParams {
  return { modelPath, gpu: 'cpu', gpuLayers: 0, threads: 0, contextSize: 4096 };
}

/** Resolves when `predicate` holds, polling on the event loop; rejects with `message` at the deadline. */
export async function waitUntil(predicate: () => boolean, timeoutMs: number, message: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${message()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
