// Entry point of the engine child process. The extension host forks this file; a native crash
// in llama.cpp then ends only this process, never the extension host.
// A namespace import: a named import of `register` would fail to link on a Node older than 20.6.
import * as nodeModule from 'node:module';
import type { EngineToHost } from '../protocol/engineApi';
import { EXTRA_BINARIES_ENV, packageLabel as label, TEST_BINARY_PINS_ENV } from '../protocol/engineProtocol';
import { binaryPins, installedPins } from './binaries/binaryPins';
import { countUnhandledRejections } from './engineHealth';
import { engineHandlers } from './engineHandlers';
import { EngineServer } from './EngineServer';
import { LlamaRuntime } from './LlamaRuntime';
import { errorMessage } from '../core/text/errorMessage';

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
  const server = new EngineServer(engineHandlers(runtime), send);
  process.on('message', (message) => server.receive(message));
  // When the host goes away there is nobody to answer: leave instead of holding the model in memory.
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready', pid: process.pid });
}

/**
 * Downloaded binary packages (CUDA's, too large for the VSIX) live outside node_modules: a resolve hook lets
 * node-llama-cpp's `import("@node-llama-cpp/...")` find them. It must be registered before getLlama runs, and only
 * for the pinned packages installed at their pinned version: with none, nothing is looked up in the folder.
 */
function useExtraBinaries(send: (message: EngineToHost) => void): void {
  const folder = process.env[EXTRA_BINARIES_ENV];
  if (!folder) return;
  try {
    const pins = binaryPins();
    if (pins.testFile) {
      send({
        kind: 'log',
        level: 'warn',
        message: `Binary packages are pinned by ${pins.testFile} (${TEST_BINARY_PINS_ENV}), not by this build.`,
      });
    }
    const packages = installedPins(folder, pins.packages);
    if (packages.length === 0) return;
    if (typeof nodeModule.register !== 'function') throw new Error(`this Node (${process.version}) has no module.register`);
    nodeModule.register('./binaryResolveHook.mjs', import.meta.url, { data: { folder, packages } });
    send({ kind: 'log', level: 'info', message: `Binary packages ${packages.map(label).join(', ')} are looked up in ${folder} first.` });
  } catch (error) {
    // Without the hook only the bundled binaries are found: CUDA then reports itself unavailable, which says enough.
    send({ kind: 'log', level: 'warn', message: `Cannot look up binary packages in ${folder}: ${errorMessage(error)}` });
  }
}

main();
