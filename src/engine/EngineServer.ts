// The engine side of the wire: validates each message, runs requests one at a time on the
// runtime, streams progress and answers every request exactly once.
import { ENGINE_API, isHostToEngine, type EngineMethod, type EngineToHost, type ParamsOf } from '../protocol/engineApi';
import { type Guard, previewForLog } from '../protocol/guards';
import type { EngineHandlers } from './engineHandlers';
import { toEngineError } from './EngineError';
import { SerialQueue } from './SerialQueue';

type Send = (message: EngineToHost) => void;

export class EngineServer {
  private readonly inFlight = new Map<number, { method: EngineMethod; controller: AbortController }>();
  private readonly queue = new SerialQueue();

  constructor(private readonly handlers: EngineHandlers, private readonly send: Send) {}

  receive(message: unknown): void {
    if (!isHostToEngine(message)) {
      this.send({ kind: 'log', level: 'warn', message: `Dropped a malformed message: ${previewForLog(message)}` });
      return;
    }
    switch (message.kind) {
      case 'cancel':
        this.inFlight.get(message.id)?.controller.abort('cancelled');
        return;
      case 'request':
        void this.handle(message.id, message.method, message.params);
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  private async handle<M extends EngineMethod>(id: number, method: M, params: unknown): Promise<void> {
    const isParams = ENGINE_API[method].params as Guard<ParamsOf<M>>;
    if (!isParams(params)) {
      this.send({
        kind: 'response',
        id,
        ok: false,
        error: { code: 'badRequest', message: `Invalid params for ${method}: ${previewForLog(params)}` },
      });
      return;
    }
    // The newest completion wins: the user has typed on, so older ones would only be thrown away.
    if (method === 'complete') {
      for (const entry of this.inFlight.values()) if (entry.method === 'complete') entry.controller.abort('superseded');
    }
    const controller = new AbortController();
    this.inFlight.set(id, { method, controller });
    try {
      const handler: EngineHandlers[M] = this.handlers[method];
      const run = () => {
        // A request cancelled while it waited in the queue never touches the model.
        if (controller.signal.aborted) throw new Error(String(controller.signal.reason));
        return handler(params, {
          signal: controller.signal,
          progress: (progress) => this.send({ kind: 'progress', id, progress }),
          otherRequests: () => this.inFlight.size - 1,
        });
      };
      const result = await (ENGINE_API[method].usesModel ? this.queue.run(run) : run());
      this.send({ kind: 'response', id, ok: true, result });
    } catch (error) {
      this.send({ kind: 'response', id, ok: false, error: toEngineError(error, controller.signal.aborted) });
    } finally {
      this.inFlight.delete(id);
    }
  }
}
