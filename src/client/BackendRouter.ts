// One Engine for the session, whichever backend answers: the local engine process, or a llama-server. Switching
// backends needs no reload: the router points the model's requests at the other engine and stops the local one (its
// model would hold memory for nothing). Model files, hardware and downloads are always the local engine's business.
import type { EngineMethod, ParamsOf, ResultOf } from '../protocol/engineApi';
import type { Disposable, Engine, ExitListener, RequestOptions } from './Engine';

const LOCAL_ONLY: ReadonlySet<EngineMethod> = new Set(['inspect', 'machine', 'download', 'installBinaries', 'health']);

export class BackendRouter implements Engine {
  private active: Engine;
  /** Added to the active engine's generation so that every switch moves past all earlier values: a model loaded on
   *  one backend is never taken for loaded on the other. */
  private offset = 0;
  private remote: Engine | undefined;
  private readonly exitListeners = new Set<ExitListener>();
  private readonly localExits: Disposable;
  private remoteExits: Disposable | undefined;

  constructor(private readonly local: Engine) {
    this.active = local;
    this.localExits = this.forwardExits(local);
  }

  get generation(): number {
    return this.offset + this.active.generation;
  }

  /** The server engine to use, or undefined for the local engine. The previous server engine is disposed. */
  use(remote: Engine | undefined): void {
    if (remote === this.remote) return;
    const previous = this.remote;
    const before = this.generation;
    this.remote = remote;
    this.active = remote ?? this.local;
    this.offset = before + 1 - this.active.generation;
    this.remoteExits?.dispose();
    this.remoteExits = remote ? this.forwardExits(remote) : undefined;
    if (remote) this.local.stop();
    previous?.dispose();
  }

  onExit(listener: ExitListener): Disposable {
    this.exitListeners.add(listener);
    return { dispose: () => this.exitListeners.delete(listener) };
  }

  request<M extends EngineMethod>(method: M, params: ParamsOf<M>, options?: RequestOptions<M>): Promise<ResultOf<M>> {
    return (LOCAL_ONLY.has(method) ? this.local : this.active).request(method, params, options);
  }

  stop(): void {
    this.active.stop();
  }

  dispose(): void {
    this.remote?.dispose();
    this.local.dispose();
    this.localExits.dispose();
    this.remoteExits?.dispose();
    this.exitListeners.clear();
  }

  /** Only the active engine's exits concern the session: the local engine stopping for a server is no crash. */
  private forwardExits(engine: Engine): Disposable {
    return engine.onExit((reason, expected) => {
      if (engine !== this.active) return;
      for (const listener of this.exitListeners) listener(reason, expected);
    });
  }
}
