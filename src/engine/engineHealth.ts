// The engine's own health: its memory, the loaded context's sequences, the requests it holds and the unhandled
// rejections it has seen. The soak run (scripts/soak.ts) reads it to find leaks that only show after thousands of
// requests.
import type { LlamaContext } from 'node-llama-cpp';
import type { EngineHealth } from '../protocol/engineProtocol';
import type { LlamaRuntime } from './LlamaRuntime';

let unhandledRejections = 0;
let installed = false;

/**
 * Counts unhandled rejections, then lets them end the process as before. Node ends a process on an unhandled
 * rejection only while nothing listens for them, so listening would otherwise keep a process alive in a state no
 * one understands; the host already turns an engine's death into clean rejections and a restart. So this listener
 * rethrows unless a later one is there to decide: ipull's (ipullWriteErrors.ts) claims its write errors and
 * rethrows the rest. Install it first, before any other listener.
 */
export function countUnhandledRejections(): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    unhandledRejections++;
    if (process.listenerCount('unhandledRejection') === 1) throw reason;
  });
}

/** `otherRequests`: the requests the server holds besides the health request itself. */
export function engineHealth(runtime: LlamaRuntime, otherRequests: number): EngineHealth {
  // Only a process started with --expose-gc has it (the soak run's engine, never the extension's): there RSS then
  // shows what is retained, not garbage that happens not to be collected yet.
  const collect = globalThis.gc;
  collect?.();
  const context = loadedContext(runtime);
  const total = context?.totalSequences ?? 0;
  const memory = process.memoryUsage();
  return {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    sequencesInUse: context ? total - context.sequencesLeft : 0,
    sequencesTotal: total,
    inFlightRequests: otherRequests,
    unhandledRejections,
    collectedGarbage: collect !== undefined,
  };
}

/** The context, or undefined when no model is loaded (or one is being loaded). */
function loadedContext(runtime: LlamaRuntime): LlamaContext | undefined {
  try {
    return runtime.current.context;
  } catch {
    return undefined;
  }
}
