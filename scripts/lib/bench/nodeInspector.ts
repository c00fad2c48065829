// Opens the inspector of a running Node process from outside (SIGUSR1, as `kill -USR1` does) and talks to it over the
// Chrome DevTools Protocol: a full garbage collection and the JS heap after it, which tells memory a process keeps
// from memory it has not yet given back. Needs a global WebSocket (Node 22+, or Node 20 with --experimental-websocket).
import { waitFor } from '../../../test/support/workbench';

/** Node's default inspector port, which SIGUSR1 opens on 127.0.0.1. */
const INSPECTOR_PORT = 9229;

interface CdpReply {
  id?: number;
  result?: unknown;
  error?: { message: string };
}

export interface NodeInspector {
  /** A full GC, then the used JS heap in MiB. */
  heapUsedAfterGcMiB(): Promise<number>;
  /** The value of a JS expression in the process's main context (JSON-serialisable values only). */
  evaluate<T>(expression: string): Promise<T>;
  /** Closes the connection and the process's inspector (its port is free again). */
  close(): Promise<void>;
}

export async function openNodeInspector(pid: number): Promise<NodeInspector> {
  if (typeof WebSocket !== 'function') {
    throw new Error('No global WebSocket: run this script with Node 22+, or Node 20 with --experimental-websocket.');
  }
  const busy = await debuggerUrl().catch(() => undefined);
  if (busy) throw new Error(`Port ${INSPECTOR_PORT} already has an inspector (${busy}): close it first.`);
  process.kill(pid, 'SIGUSR1');
  const url = await waitFor(() => debuggerUrl().catch(() => undefined), {
    timeoutMs: 10_000,
    message: `process ${pid}'s inspector on port ${INSPECTOR_PORT} (after SIGUSR1)`,
  });
  const socket = new WebSocket(url!);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`Cannot connect to ${url}`)), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  socket.addEventListener('message', (event) => {
    const reply = JSON.parse(String(event.data)) as CdpReply;
    const waiter = reply.id === undefined ? undefined : pending.get(reply.id);
    if (!waiter || reply.id === undefined) return;
    pending.delete(reply.id);
    if (reply.error) waiter.reject(new Error(reply.error.message));
    else waiter.resolve(reply.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}): Promise<unknown> => {
    const id = nextId++;
    socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      setTimeout(() => {
        if (pending.delete(id)) reject(new Error(`${method} got no answer from process ${pid} within 60 s`));
      }, 60_000).unref();
    });
  };
  return {
    async heapUsedAfterGcMiB() {
      await send('HeapProfiler.collectGarbage');
      const { usedSize } = (await send('Runtime.getHeapUsage')) as { usedSize: number };
      return usedSize / 1024 / 1024;
    },
    async evaluate<T>(expression: string) {
      const { result, exceptionDetails } = (await send('Runtime.evaluate', { expression, returnByValue: true })) as {
        result: { value: T };
        exceptionDetails?: { text: string };
      };
      if (exceptionDetails) throw new Error(`${expression} threw in process ${pid}: ${exceptionDetails.text}`);
      return result.value;
    },
    async close() {
      // The extension host runs Node 22+, which has process.getBuiltinModule even in ESM.
      await send('Runtime.evaluate', { expression: "process.getBuiltinModule('node:inspector').close()" }).catch(() => undefined);
      socket.close();
    },
  };
}

async function debuggerUrl(): Promise<string | undefined> {
  const response = await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json/list`, { signal: AbortSignal.timeout(2000) });
  const targets = (await response.json()) as { webSocketDebuggerUrl?: string }[];
  return targets[0]?.webSocketDebuggerUrl;
}
