// Entry point of the engine child process. The extension host forks this file; a native crash
// in llama.cpp then ends only this process, never the extension host.
// A namespace import: a named import of `register` would fail to link on a Node older than 20.6.
import * as nodeModule from 'node:module';
import { EXTRA_BINARIES_ENV, type EngineToHost } from '../protocol/engineProtocol';
import { countUnhandledRejections } from './engineHealth';
import { EngineServer } from './EngineServer';
import { LlamaRuntime } from './LlamaRuntime';

function main(): void {
  // First, so that it sees every unhandled rejection before any other listener decides about it.
  countUnhandledRejections();
  const sendToHost = process.send?.bind(process);
  if (!sendToHost) {
    process.stderr.write('The Llama Lens engine must be started by the extension host over IPC.\n');
    process.exit(2);
  }
  const send = (message: EngineToHost) => {
    if (process.connected) sendToHost(message);
  };
  useExtraBinaries(send);
  const runtime = new LlamaRuntime((level, message) => send({ kind: 'log', level, message }));
  const server = new EngineServer(runtime, send);
  process.on('message', (message) => server.receive(message));
  // When the host goes away there is nobody to answer: leave instead of holding the model in memory.
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready', pid: process.pid });
}

/**
 * Downloaded binary packages (CUDA's, too large for the VSIX) live outside node_modules: a resolve hook lets
 * node-llama-cpp's `import("@node-llama-cpp/...")` find them. It must be registered before getLlama runs.
 */
function useExtraBinaries(send: (message: EngineToHost) => void): void {
  const folder = process.env[EXTRA_BINARIES_ENV];
  if (!folder) return;
  try {
    if (typeof nodeModule.register !== 'function') throw new Error(`this Node (${process.version}) has no module.register`);
    nodeModule.register('./binaryResolveHook.mjs', import.meta.url, { data: { folder } });
    send({ kind: 'log', level: 'info', message: `Binary packages are looked up in ${folder} first.` });
  } catch (error) {
    // Without the hook only the bundled binaries are found: CUDA then reports itself unavailable, which says enough.
    send({ kind: 'log', level: 'warn', message: `Cannot look up binary packages in ${folder}: ${error instanceof Error ? error.message : String(error)}` });
  }
}

main();
