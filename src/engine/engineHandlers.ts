// One handler per engine method, typed by the method's declaration in engineApi.ts: the compiler checks each
// handler's params, result and progress.
import type { EngineMethod, ParamsOf, ProgressOf, ResultOf } from '../protocol/engineApi';
import { completeFim } from './inference/completeFim';
import { downloadModel } from './models/downloadModel';
import { engineHealth } from './engineHealth';
import { inspectModel, machineInfo } from './models/inspectModel';
import { installBinaries } from './binaries/installBinaries';
import type { LlamaRuntime } from './LlamaRuntime';
import { nextTokenDistribution } from './inference/nextTokenDistribution';
import { promptChat } from './inference/promptChat';
import { chatTurn } from './inference/chatTurn';
import { tokenizeContinuation } from './inference/textTokens';
import { tokenSurprisal } from './inference/tokenSurprisal';

export interface HandlerContext<M extends EngineMethod> {
  signal: AbortSignal;
  progress: (value: ProgressOf<M>) => void;
  /** Requests in flight besides this one. */
  otherRequests: () => number;
}

export type Handler<M extends EngineMethod> = (params: ParamsOf<M>, context: HandlerContext<M>) => Promise<ResultOf<M>>;
export type EngineHandlers = { [M in EngineMethod]: Handler<M> };

export function engineHandlers(runtime: LlamaRuntime): EngineHandlers {
  return {
    load: (params, { signal, progress }) => runtime.load(params, signal, (fraction) => progress({ fraction })),
    complete: (params, { signal, progress }) => completeFim(runtime, params, signal, (text) => progress({ text })),
    distribution: (params) => nextTokenDistribution(runtime, params),
    surprisal: (params, { signal, progress }) => tokenSurprisal(runtime, params, signal, (fraction) => progress({ fraction })),
    prompt: (params, { signal, progress }) => promptChat(runtime, params, signal, (text) => progress({ text })),
    chat: (params, { signal, progress }) => chatTurn(runtime, params, signal, (text) => progress({ text })),
    countTokens: async ({ texts }) => {
      const { model, info } = runtime.current;
      return { counts: texts.map((text) => tokenizeContinuation(model, text).length), contextSize: info.contextSize };
    },
    inspect: (params) => inspectModel(runtime, params),
    machine: (params) => machineInfo(runtime, params.gpu),
    download: (params, { signal, progress }) => downloadModel(params, signal, progress),
    installBinaries: (params, { signal, progress }) => installBinaries(params, signal, progress),
    health: async (_params, { otherRequests }) => engineHealth(runtime, otherRequests()),
  };
}
