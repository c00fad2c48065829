// The engine side of the wire: validates each message, runs requests one at a time on the
// runtime, streams progress and answers every request exactly once.
import {
  isHostToEngine, PARAMS_GUARDS, UNQUEUED_METHODS, type EngineMethod, type EngineMethods, type EngineToHost,
} from '../protocol/engineProtocol';
import { previewForLog } from '../protocol/guards';
import { completeFim } from './completeFim';
import { downloadModel } from './downloadModel';
import { engineHealth } from './engineHealth';
import { inspectModel, machineInfo } from './inspectModel';
import { installBinaries } from './installBinaries';
import { promptChat } from './promptChat';
import { toEngineError } from './EngineError';
import type { LlamaRuntime } from './LlamaRuntime';
import { nextTokenDistribution } from './nextTokenDistribution';
import { SerialQueue } from './SerialQueue';
import { tokenSurprisal } from './tokenSurprisal';

type Send = (message: EngineToHost) => void;

export class EngineServer {
  private readonly inFlight = new Map<number, { method: EngineMethod; controller: AbortController }>();
  private readonly queue = new SerialQueue();

  constructor(private readonly runtime: LlamaRuntime, private readonly send: Send) {}

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

  private async handle(id: number, method: EngineMethod, params: unknown): Promise<void> {
    if (!PARAMS_GUARDS[method](params)) {
      this.send({ kind: 'response', id, ok: false, error: { code: 'badRequest', message: `Invalid params for ${method}: ${previewForLog(params)}` } });
      return;
    }
    // The newest completion wins: the user has typed on, so older ones would only be thrown away.
    if (method === 'complete') {
      for (const entry of this.inFlight.values()) if (entry.method === 'complete') entry.controller.abort('superseded');
    }
    const controller = new AbortController();
    this.inFlight.set(id, { method, controller });
    try {
      const run = () => {
        // A request cancelled while it waited in the queue never touches the model.
        if (controller.signal.aborted) throw new Error(String(controller.signal.reason));
        return this.dispatch(id, method, params as EngineMethods[typeof method]['params'], controller.signal);
      };
      const result = await (UNQUEUED_METHODS.includes(method) ? run() : this.queue.run(run));
      this.send({ kind: 'response', id, ok: true, result });
    } catch (error) {
      this.send({ kind: 'response', id, ok: false, error: toEngineError(error, controller.signal.aborted) });
    } finally {
      this.inFlight.delete(id);
    }
  }

  private dispatch(id: number, method: EngineMethod, params: unknown, signal: AbortSignal): Promise<unknown> {
    const progress = (value: unknown) => this.send({ kind: 'progress', id, progress: value });
    switch (method) {
      case 'load':
        return this.runtime.load(params as EngineMethods['load']['params'], signal, (fraction) => progress({ fraction }));
      case 'complete':
        return completeFim(this.runtime, params as EngineMethods['complete']['params'], signal, (text) => progress({ text }));
      case 'distribution':
        return nextTokenDistribution(this.runtime, params as EngineMethods['distribution']['params']);
      case 'surprisal':
        return tokenSurprisal(this.runtime, params as EngineMethods['surprisal']['params'], signal, (fraction) => progress({ fraction }));
      case 'prompt':
        return promptChat(this.runtime, params as EngineMethods['prompt']['params'], signal, (text) => progress({ text }));
      case 'inspect':
        return inspectModel(this.runtime, params as EngineMethods['inspect']['params']);
      case 'machine':
        return machineInfo(this.runtime, (params as EngineMethods['machine']['params']).gpu);
      case 'download':
        return downloadModel(params as EngineMethods['download']['params'], signal, progress);
      case 'installBinaries':
        return installBinaries(params as EngineMethods['installBinaries']['params'], signal, progress);
      case 'health':
        // The health request is in inFlight itself: count the others.
        return Promise.resolve(engineHealth(this.runtime, this.inFlight.size - 1));
      default: {
        const unreachable: never = method;
        throw new Error(`Unknown method ${String(unreachable)}`);
      }
    }
  }
}
