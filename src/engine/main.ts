// Entry point of the engine child process. The extension host forks this file; a native crash
// in llama.cpp then ends only this process, never the extension host.
import type { EngineToHost } from '../protocol/engineProtocol';
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
  const runtime = new LlamaRuntime((level, message) => send({ kind: 'log', level, message }));
  const server = new EngineServer(runtime, send);
  process.on('message', (message) => server.receive(message));
  // When the host goes away there is nobody to answer: leave instead of holding the model in memory.
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready', pid: process.pid });
}

main();
