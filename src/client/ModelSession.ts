// Keeps the configured model loaded in the engine: loads it on first use, reloads it after the
// engine restarted or the settings changed, and publishes the state the status bar shows.
import { RestartBackoff, RETRY_FOREVER } from '../core/RestartBackoff';
import { eitherSignal } from './eitherSignal';
import type { EngineState } from './engineState';
import type { EngineMethod, ParamsOf, ResultOf } from '../protocol/engineApi';
import type { LoadParams, ModelInfo } from '../protocol/engineProtocol';
import { EngineRequestError, isTransient, type Disposable, type Engine, type RequestOptions } from './Engine';

/** Resolves after `ms`, or at once when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

interface Loaded {
  params: LoadParams;
  generation: number;
  info: ModelInfo;
}

const defaultSleep: Sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(done, ms);
  signal?.addEventListener('abort', done, { once: true });
  function done() {
    clearTimeout(timer);
    signal?.removeEventListener('abort', done);
    resolve();
  }
});

export class ModelSession implements Disposable {
  private params: LoadParams | undefined;
  private loaded: Loaded | undefined;
  private loading: { params: LoadParams; promise: Promise<ModelInfo> } | undefined;
  /** A failed load is not retried on every keystroke; a settings change or a restart retries it. */
  private failedLoad: { params: LoadParams; error: EngineRequestError } | undefined;
  /** Counts restarts: a load begun before the last one (on the engine it killed) no longer sets the state. */
  private restarts = 0;
  private currentState: EngineState = { kind: 'noModel' };
  private readonly listeners = new Set<(state: EngineState) => void>();
  /**
   * A server's transient failure (unreachable, too slow, failing, model swapped): requests fail fast with it until the
   * retry that a timer makes, with backoff and without giving up. The local engine never fails this way.
   */
  private pendingRetry: EngineRequestError | undefined;
  /** Aborted when the model changes: work for the old model is cancelled, not left to finish. */
  private epoch = new AbortController();
  private readonly exitSubscription: Disposable;

  constructor(
    private readonly engine: Engine,
    private readonly sleep: Sleep = defaultSleep,
    private readonly backoff = new RestartBackoff(),
    private readonly retries = new RestartBackoff(RETRY_FOREVER),
  ) {
    this.exitSubscription = engine.onExit((reason, expected) => {
      // A deliberate stop is followed by a fresh start, whose new generation already forces a reload.
      if (expected) return;
      this.loaded = undefined;
      this.backoff.recordCrash();
      if (!this.params) return;
      this.setState({ kind: 'error', message: this.backoff.gaveUp ? gaveUpMessage(reason) : `${reason} It restarts on the next request.` });
    });
  }

  get state(): EngineState {
    return this.currentState;
  }

  onDidChangeState(listener: (state: EngineState) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Cancels work for the model and stops listening; the engine itself belongs to whoever created it. */
  dispose(): void {
    this.epoch.abort();
    this.exitSubscription.dispose();
    this.listeners.clear();
  }

  /** Sets the model to use; undefined means none is configured. Loading waits for the first use. */
  configure(params: LoadParams | undefined): void {
    if (sameParams(params, this.params)) return;
    const previous = this.params;
    this.params = params;
    // New settings are the user's fix for whatever made the engine crash: restarts are allowed again.
    this.backoff.reset();
    this.forgetRetry();
    this.epoch.abort();
    this.epoch = new AbortController();
    // A llama.cpp backend (CUDA, Vulkan, Metal, CPU) is chosen once per process: another one needs a fresh engine.
    if (previous && params && previous.gpu !== params.gpu) {
      this.loaded = undefined;
      this.engine.stop();
    }
    this.failedLoad = undefined;
    this.setState(params ? { kind: 'idle', modelPath: params.modelPath } : { kind: 'noModel' });
  }

  /** Forgets a failed load and loads again, for "Restart Engine". */
  async restart(): Promise<ModelInfo | undefined> {
    this.backoff.reset();
    this.forgetRetry();
    this.failedLoad = undefined;
    this.loaded = undefined;
    // A load in flight dies with this engine: the next one goes to the fresh engine, not back to that failure.
    this.loading = undefined;
    this.restarts++;
    this.engine.stop();
    return this.params ? this.ensureLoaded() : undefined;
  }

  async ensureLoaded(): Promise<ModelInfo> {
    const params = this.params;
    if (!params) {
      throw new EngineRequestError('noModel', 'No model is configured. Run "Llama Lens: Select Model File" or set llamaLens.modelPath.');
    }
    if (this.loaded && sameParams(this.loaded.params, params) && this.loaded.generation === this.engine.generation) return this.loaded.info;
    if (this.loading && sameParams(this.loading.params, params)) return this.loading.promise;
    if (this.failedLoad && sameParams(this.failedLoad.params, params)) throw this.failedLoad.error;
    if (this.pendingRetry) throw this.pendingRetry;
    if (this.backoff.gaveUp) throw new EngineRequestError('engineDied', gaveUpMessage('The engine stopped.'));
    const promise = this.load(params);
    this.loading = { params, promise };
    try {
      return await promise;
    } finally {
      if (this.loading?.promise === promise) this.loading = undefined;
    }
  }

  async request<M extends EngineMethod>(method: M, params: ParamsOf<M>, options: RequestOptions<M> = {}): Promise<ResultOf<M>> {
    const epoch = this.epoch.signal;
    await this.ensureLoaded();
    const { signal, release } = eitherSignal(options.signal, epoch);
    try {
      const result = await this.engine.request(method, params, { ...options, signal });
      this.backoff.recordSuccess();
      return result;
    } catch (error) {
      // The server went away or changed under a loaded model: probe it again, on a timer.
      if (isTransient(error) && this.loaded) {
        this.loaded = undefined;
        this.scheduleRetry(error);
      }
      throw error;
    } finally {
      release();
    }
  }

  /** For methods that need no loaded model (inspect, machine, download): straight to the engine. */
  async direct<M extends EngineMethod>(method: M, params: ParamsOf<M>, options: RequestOptions<M> = {}): Promise<ResultOf<M>> {
    return this.engine.request(method, params, options);
  }

  private async load(params: LoadParams): Promise<ModelInfo> {
    const restarts = this.restarts;
    const current = () => restarts === this.restarts && sameParams(this.params, params);
    await this.sleep(this.backoff.delayMs);
    this.setState({ kind: 'loading', modelPath: params.modelPath, fraction: 0 });
    try {
      const info = await this.engine.request('load', params, {
        signal: this.epoch.signal,
        onProgress: ({ fraction }) => {
          if (current()) this.setState({ kind: 'loading', modelPath: params.modelPath, fraction });
        },
      });
      const generation = this.engine.generation;
      if (current()) {
        this.loaded = { params, generation, info };
        this.retries.recordSuccess();
        this.setState({ kind: 'ready', info });
      }
      return info;
    } catch (error) {
      const failure = error instanceof EngineRequestError ? error : new EngineRequestError('loadFailed', String(error));
      if (current() && isTransient(failure)) this.scheduleRetry(failure);
      else if (current()) {
        this.failedLoad = { params, error: failure };
        this.setState({ kind: 'error', message: `Could not load the model: ${failure.message}` });
      }
      throw failure;
    }
  }

  /** Says what failed and when the next try is, then makes it: a failed try schedules the next, later one. */
  private scheduleRetry(error: EngineRequestError): void {
    this.retries.recordCrash();
    const delay = this.retries.delayMs;
    this.pendingRetry = error;
    const when = delay === 0 ? 'Trying again now.' : `Trying again in ${Math.round(delay / 1000)} s.`;
    this.setState({ kind: 'error', message: `${error.message} ${when}` });
    const epoch = this.epoch.signal;
    void this.sleep(delay, epoch).then(() => {
      if (epoch.aborted || this.pendingRetry !== error) return;
      this.pendingRetry = undefined;
      this.ensureLoaded().catch(() => undefined);
    });
  }

  private forgetRetry(): void {
    this.pendingRetry = undefined;
    this.retries.reset();
  }

  private setState(state: EngineState): void {
    this.currentState = state;
    for (const listener of this.listeners) listener(state);
  }
}

function gaveUpMessage(reason: string): string {
  return `${reason} It stopped 3 times within a minute, so Llama Lens no longer restarts it on its own. `
    + 'Check the model file and the settings, then run "Llama Lens: Restart Engine".';
}

function sameParams(a: LoadParams | undefined, b: LoadParams | undefined): boolean {
  if (!a || !b) return a === b;
  return a.modelPath === b.modelPath && a.gpu === b.gpu && a.gpuLayers === b.gpuLayers && a.threads === b.threads
    && a.contextSize === b.contextSize && a.promptLookup === b.promptLookup && a.allowOversize === b.allowOversize;
}
