// A real llama.cpp llama-server on 127.0.0.1, for tests and bench:server: the binary scripts/buildLlamaServer.ts built
// from the llama.cpp that node-llama-cpp ships, serving a generated model. Ready means /health answers 200.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { llamaServerPointer } from './llamaServerBuild';
import { killProcessTree, OutputTail } from './processes';

export interface LlamaServerOptions {
  model: string;
  contextSize?: number;
  apiKey?: string;
  threads?: number;
  /** Further command-line arguments. */
  args?: readonly string[];
}

export interface RunningLlamaServer {
  url: string;
  port: number;
  process: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;

export function llamaServerBinary(): string {
  const pointer = llamaServerPointer();
  const missing = `llama-server is not built: run node out/scripts/buildLlamaServer.js (npm test does) to build ${pointer}`;
  if (!existsSync(pointer)) throw new Error(missing);
  const { binary } = JSON.parse(readFileSync(pointer, 'utf8')) as { binary: string };
  if (!existsSync(binary)) throw new Error(`${missing}; ${binary} is gone`);
  return binary;
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startLlamaServer(options: LlamaServerOptions, port?: number): Promise<RunningLlamaServer> {
  const chosen = port ?? (await freePort());
  const args = [
    '--host', '127.0.0.1', '--port', String(chosen), '--model', options.model,
    '--ctx-size', String(options.contextSize ?? 2048), '--parallel', '1', '--threads', String(options.threads ?? 2), '--no-warmup',
    ...(options.apiKey ? ['--api-key', options.apiKey] : []),
    ...(options.args ?? []),
  ];
  const tail = new OutputTail(16_000);
  const child = spawn(llamaServerBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
  const url = `http://127.0.0.1:${chosen}`;
  const server: RunningLlamaServer = {
    url,
    port: chosen,
    process: child,
    log: () => tail.toString(),
    stop: () => killProcessTree(child, 3000),
  };
  try {
    await waitForHealth(server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitForHealth(server: RunningLlamaServer): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (server.process.exitCode !== null || server.process.signalCode !== null) {
      throw new Error(`llama-server exited before it was ready (${server.process.exitCode ?? server.process.signalCode}):\n${server.log()}`);
    }
    try {
      const response = await fetch(`${server.url}/health`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`llama-server did not answer /health within ${READY_TIMEOUT_MS} ms:\n${server.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
