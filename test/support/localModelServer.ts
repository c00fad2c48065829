// A range server standing in for Hugging Face, and an engine pointed at it, for the mocha block this is called in:
// the download tests of the engine share this setup.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine, type EngineUnderTest } from './engineHarness';
import { RangeServer } from './rangeServer';

export interface LocalModelServer {
  /** A scratch folder, made before the server starts, removed after the block. */
  root: string;
  server: RangeServer;
  engine: EngineUnderTest;
}

/**
 * `prepare` writes what the server should serve into the scratch folder and returns the files to serve.
 * `env` is added to the engine's environment.
 */
export function useLocalModelServer(
  name: string,
  prepare: (root: string) => string[],
  env: NodeJS.ProcessEnv = {},
): () => LocalModelServer {
  let state: LocalModelServer | undefined;
  let root: string | undefined;
  before(async function () {
    root = mkdtempSync(join(tmpdir(), `llama-lens-${name}-`));
    const server = await RangeServer.start(prepare(root));
    // MODEL_ENDPOINT wins over HF_ENDPOINT in node-llama-cpp: set both so nothing from the outside leaks in.
    const engine = startEngine({ HF_ENDPOINT: server.endpoint, MODEL_ENDPOINT: server.endpoint, ...env });
    state = { root, server, engine };
  });
  after(async function () {
    state?.engine.client.dispose();
    await state?.server.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });
  return () => {
    if (!state) throw new Error('the local model server has not started');
    return state;
  };
}
