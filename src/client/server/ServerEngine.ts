// The Engine interface on a llama-server: what ModelSession, completions, prompts and the Lens use, answered over HTTP.
// "Loading" probes the served model (its name, context, BOS and FIM tokens); every later request checks that the server
// still serves it. Failures become EngineRequestErrors whose codes say whether the session may try again on its own.
import type { EngineMethod, ParamsOf, ProgressOf, ResultOf } from '../../protocol/engineApi';
import type { DistributionParams, DistributionResult, ModelInfo } from '../../protocol/engineProtocol';
import { eitherSignal } from '../eitherSignal';
import { EngineRequestError, type Disposable, type Engine, type ExitListener, type RequestOptions } from '../Engine';
import { PromptTooLongError, serverChat } from './serverChat';
import { serverChatTurn } from './serverChatTurn';
import { serverComplete, ServerCacheMirror, type ServedModel } from './serverCompletion';
import { ServerRequestError, type CallOptions, type ServerEndpoint } from './serverHttp';
import { probeServedModel, type ServerProbe } from './serverProbe';
import { serverTopK, topKDistribution } from './serverTopK';
import { ServerVocabulary } from './serverVocabulary';

export interface ServerEngineOptions {
  url: URL;
  /** Read at each load, so a key set or cleared takes effect on the next one. */
  apiKey: () => PromiseLike<string | undefined>;
  /** Deadline of a probe or a Lens request, and the longest silence of a prompt's stream, in ms. */
  timeoutMs: number;
}

/** What the server told the last load: the model, and the pieces of tokens it listed (for a Lens path's text). */
interface Served {
  info: ModelInfo;
  model: ServedModel;
  vocabulary: ServerVocabulary;
  endpoint: ServerEndpoint;
  cache: ServerCacheMirror;
  pieces: Map<number, Uint8Array>;
}

/** What a server answers; the rest (model files, hardware, downloads) has no meaning there. */
const SERVED: ReadonlySet<EngineMethod> = new Set(['load', 'complete', 'distribution', 'surprisal', 'prompt', 'chat', 'countTokens']);

/** The heatmap's own sentence: llama-server returns no probabilities for the tokens of a prompt. */
export const HEATMAP_NEEDS_LOCAL =
  'The heatmap needs the probability of every token of the file, and llama-server does not return it for a prompt. '
  + 'Switch llamaLens.backend to "local" to see the heatmap.';

export class ServerEngine implements Engine {
  private served: Served | undefined;
  private loads = 0;
  private disposed = false;
  /** Aborted by stop(): every request in flight closes its connection. */
  private stopping = new AbortController();
  private readonly exitListeners = new Set<ExitListener>();

  constructor(private readonly options: ServerEngineOptions) {}

  /** Increments on each stop: a new generation must probe the model again. */
  get generation(): number {
    return this.loads;
  }

  onExit(listener: ExitListener): Disposable {
    this.exitListeners.add(listener);
    return { dispose: () => this.exitListeners.delete(listener) };
  }

  stop(): void {
    this.served = undefined;
    this.loads++;
    this.stopping.abort();
    this.stopping = new AbortController();
    for (const listener of this.exitListeners) listener('Stopped.', true);
  }

  dispose(): void {
    if (this.disposed) return;
    this.stop();
    this.disposed = true;
    this.exitListeners.clear();
  }

  async request<M extends EngineMethod>(method: M, params: ParamsOf<M>, options: RequestOptions<M> = {}): Promise<ResultOf<M>> {
    if (this.disposed) throw new EngineRequestError('disposed', 'The server backend was switched off.');
    if (!SERVED.has(method)) throw new EngineRequestError('unsupported', `"${method}" needs the local engine.`);
    const { signal, release } = eitherSignal(options.signal, this.stopping.signal);
    try {
      return await this.dispatch(method, params, { ...options, signal });
    } catch (error) {
      throw engineError(error, this.options.url);
    } finally {
      release();
    }
  }

  private async dispatch<M extends EngineMethod>(method: M, params: ParamsOf<M>, options: RequestOptions<M>): Promise<ResultOf<M>> {
    const call: CallOptions = { signal: options.signal, timeoutMs: this.options.timeoutMs };
    // The local engine's load settings (GPU, threads, context) are the server's own business.
    if (method === 'load') return (await this.load(call)) as ResultOf<M>;
    const served = this.served;
    if (!served) throw new EngineRequestError('noModel', 'The server\'s model has not been probed yet.');
    const { endpoint, vocabulary, model } = served;
    switch (method) {
      case 'complete': {
        const complete = params as ParamsOf<'complete'>;
        // The server's own time limit covers generation; the request's deadline adds the prompt's and some slack.
        const budget = complete.maxPromptMs && complete.maxGenerationMs ? complete.maxPromptMs + complete.maxGenerationMs + 2000 : 0;
        // Without budgets, a server that goes silent still fails after the setting's timeout rather than never.
        const limits = { ...call, timeoutMs: budget, idleTimeoutMs: this.options.timeoutMs };
        const result = await serverComplete(endpoint, vocabulary, model, complete, limits, served.cache);
        return result as ResultOf<M>;
      }
      case 'distribution':
        return (await this.distribution(served, params as DistributionParams, call)) as ResultOf<M>;
      case 'prompt': {
        const onText = (text: string) => (options.onProgress as ((progress: ProgressOf<'prompt'>) => void) | undefined)?.({ text });
        const stream: CallOptions = { signal: options.signal, idleTimeoutMs: this.options.timeoutMs };
        return (await serverChat(endpoint, vocabulary, model.contextSize, params as ParamsOf<'prompt'>, stream, onText)) as ResultOf<M>;
      }
      case 'chat': {
        const onText = (text: string) => (options.onProgress as ((progress: ProgressOf<'chat'>) => void) | undefined)?.({ text });
        const stream: CallOptions = { signal: options.signal, idleTimeoutMs: this.options.timeoutMs };
        return (await serverChatTurn(endpoint, vocabulary, model.contextSize, params as ParamsOf<'chat'>, stream, onText)) as ResultOf<M>;
      }
      case 'countTokens': {
        const { texts } = params as ParamsOf<'countTokens'>;
        const counts = await Promise.all(texts.map(async (text) => (await vocabulary.continuation(text, call)).length));
        return { counts, contextSize: model.contextSize } as ResultOf<M>;
      }
      case 'surprisal':
        throw new EngineRequestError('unsupported', HEATMAP_NEEDS_LOCAL);
      default:
        throw new EngineRequestError('unsupported', `"${method}" needs the local engine.`);
    }
  }

  private async load(call: CallOptions): Promise<ModelInfo> {
    this.served = undefined;
    const generation = this.loads;
    const endpoint: ServerEndpoint = { url: this.options.url, apiKey: (await this.options.apiKey()) || undefined };
    const vocabulary = new ServerVocabulary(endpoint, () => ({ timeoutMs: this.options.timeoutMs }));
    const probe: ServerProbe = await probeServedModel(endpoint, vocabulary, call);
    if (generation !== this.loads) throw new EngineRequestError('cancelled', 'The server backend was stopped.');
    this.served = { ...probe, vocabulary, endpoint, cache: new ServerCacheMirror(), pieces: new Map() };
    return probe.info;
  }

  private async distribution(served: Served, params: DistributionParams, call: CallOptions): Promise<DistributionResult> {
    const { endpoint, vocabulary, model, pieces } = served;
    const unknown = params.path.find((id) => !pieces.has(id));
    if (unknown !== undefined) throw new EngineRequestError('badRequest', `Token ${unknown} is not one the server listed.`);
    const result = await serverTopK(endpoint, vocabulary, model, { text: params.text, path: params.path, topK: params.topK }, call);
    for (const token of result.top) pieces.set(token.id, token.pieceBytes);
    const pathText = Buffer.concat(params.path.map((id) => pieces.get(id) ?? new Uint8Array())).toString('utf8');
    return topKDistribution(result, pathText);
  }
}

/** A server failure as the session sees it: transient codes make it try again with backoff; the others wait for the user. */
function engineError(error: unknown, url: URL): unknown {
  if (error instanceof PromptTooLongError) return new EngineRequestError('contextFull', error.message);
  if (!(error instanceof ServerRequestError)) return error;
  const where = `The llama-server at ${url.origin}`;
  switch (error.code) {
    case 'cancelled':
      return new EngineRequestError('cancelled', error.message);
    case 'unreachable':
      return new EngineRequestError('unreachable', `${where} cannot be reached (${error.message}).`);
    case 'untrusted':
      return new EngineRequestError('loadFailed', `${where} sent a certificate that is not trusted (${error.message}). `
        + 'Add its certificate authority to your system\'s trusted ones (VS Code\'s http.systemCertificates uses them).');
    case 'timeout':
      return new EngineRequestError('timeout', `${where} is too slow: ${error.message}.`);
    case 'unauthorized':
      return new EngineRequestError('unauthorized', `${where} refused the API key. Run "Llama Lens: Set Server API Key".`);
    case 'modelChanged':
      return new EngineRequestError('modelChanged', `${where} changed its model: ${error.message}.`);
    case 'badResponse':
      return new EngineRequestError('serverError', `${where} sent an answer Llama Lens cannot read: ${error.message}.`);
    case 'httpError':
      // 5xx: the server is up but failing (overloaded, loading); 4xx: this is not a llama-server, or not a compatible one.
      return (error.status ?? 500) >= 500
        ? new EngineRequestError('serverError', `${where} failed: ${error.message}.`)
        : new EngineRequestError('loadFailed', `${where} refused the request: ${error.message}. Is it a llama.cpp llama-server?`);
    default: {
      const unreachable: never = error.code;
      return unreachable;
    }
  }
}
