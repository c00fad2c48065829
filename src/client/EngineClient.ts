// The host side of the engine wire: forks the engine process, sends typed requests, routes
// progress, and turns the death of the process into clean rejections. Plain Node, no `vscode`,
// so the engine tests drive exactly this class.
import { fork, type ChildProcess } from 'node:child_process';
import { ENGINE_API, isEngineToHost, type EngineMethod, type ParamsOf, type ResultOf } from '../protocol/engineApi';
import { isNonNegativeInteger, isRecord, previewForLog } from '../protocol/guards';
import {
  EngineRequestError, type Disposable, type Engine, type EngineLog, type ExitListener, type RequestOptions,
} from './Engine';

export interface EngineClientOptions {
  /** The bundled engine entry (dist/engine.mjs). */
  enginePath: string;
  log: EngineLog;
  /** How long a fresh process may take to say it is ready. */
  startTimeoutMs?: number;
  /** Extra environment for the engine process, on top of this process's own (tests point downloads at a local server). */
  env?: NodeJS.ProcessEnv;
}

interface Pending {
  /** The process the request went to: only its death fails the request. */
  child: ChildProcess;
  method: EngineMethod;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: never) => void;
}

const STDERR_KEEP = 4000;

export class EngineClient implements Engine {
  private child: ChildProcess | undefined;
  private ready: Promise<ChildProcess> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderrTail = '';
  private starts = 0;
  private readonly exitListeners = new Set<ExitListener>();
  /** The process stop() is stopping: its exit is no crash. */
  private stopping: ChildProcess | undefined;
  private disposed = false;

  constructor(private readonly options: EngineClientOptions) {}

  /** Increments on every process start: a new generation has no model loaded. */
  get generation(): number {
    return this.starts;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  onExit(listener: ExitListener): Disposable {
    this.exitListeners.add(listener);
    return { dispose: () => this.exitListeners.delete(listener) };
  }

  async request<M extends EngineMethod>(method: M, params: ParamsOf<M>, options: RequestOptions<M> = {}): Promise<ResultOf<M>> {
    const { signal } = options;
    if (signal?.aborted) throw cancelled();
    const child = await this.start();
    if (signal?.aborted) throw cancelled();
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        if (child.connected) child.send({ kind: 'cancel', id });
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(fn: (value: T) => void) => (value: T) => {
        signal?.removeEventListener('abort', onAbort);
        fn(value);
      };
      this.pending.set(id, {
        child,
        method,
        resolve: settle(resolve as (value: unknown) => void),
        reject: settle(reject),
        onProgress: options.onProgress as ((progress: never) => void) | undefined,
      });
      child.send({ kind: 'request', id, method, params }, (error) => {
        if (error) this.failPending(id, new EngineRequestError('engineDied', `Could not reach the engine process: ${error.message}`));
      });
    });
  }

  /** Stops the process; its pending requests reject. The next request starts a fresh one at once. */
  stop(): void {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      this.stopping = child;
      child.kill('SIGKILL');
    }
  }

  /** Stops the process for good: later requests are refused, and nothing starts another. */
  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  private start(): Promise<ChildProcess> {
    if (this.disposed) {
      return Promise.reject(new EngineRequestError('disposed', 'The Llama Lens engine has been shut down; it takes no more requests.'));
    }
    if (this.ready) return this.ready;
    this.starts++;
    this.stderrTail = '';
    const child = fork(this.options.enginePath, [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Inside VS Code desktop process.execPath is Electron: make it behave as plain Node.
      env: { ...process.env, ...this.options.env, ELECTRON_RUN_AS_NODE: '1' },
      execArgv: [],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.options.log('info', `engine: ${chunk.toString().trimEnd()}`));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_KEEP);
      this.options.log('warn', `engine stderr: ${chunk.toString().trimEnd()}`);
    });
    this.ready = new Promise<ChildProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new EngineRequestError('engineDied', `The engine process did not start within ${this.timeoutMs} ms.`));
        child.kill('SIGKILL');
      }, this.timeoutMs);
      child.on('message', (raw: unknown) => {
        if (isEngineToHost(raw) && raw.kind === 'ready') {
          clearTimeout(timer);
          resolve(child);
        }
        this.onMessage(raw);
      });
      child.on('error', (error) => this.options.log('error', `engine process error: ${error.message}`));
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        const reason = this.exitReason(code, signal);
        reject(
          new EngineRequestError(
            'engineDied',
            this.stopping === child ? 'The Llama Lens engine was stopped to start afresh before it was ready.' : reason,
          ),
        );
        this.onProcessExit(child, reason);
      });
    });
    // A start that failed must not poison the next attempt.
    this.ready.catch(() => undefined);
    return this.ready;
  }

  private get timeoutMs(): number {
    return this.options.startTimeoutMs ?? 30_000;
  }

  private onMessage(raw: unknown): void {
    if (!isEngineToHost(raw)) {
      this.options.log('warn', `Dropped a malformed message from the engine: ${previewForLog(raw)}`);
      // A broken answer still answers its request: left pending, it would wait until the engine exits.
      const id = isRecord(raw) && raw.kind === 'response' && isNonNegativeInteger(raw.id) ? raw.id : -1;
      const pending = this.pending.get(id);
      if (pending) this.failPending(id, malformed(pending.method));
      return;
    }
    switch (raw.kind) {
      case 'ready':
        return;
      case 'log':
        this.options.log(raw.level, raw.message);
        return;
      case 'progress': {
        const pending = this.pending.get(raw.id);
        if (pending && ENGINE_API[pending.method].progress(raw.progress)) pending.onProgress?.(raw.progress as never);
        return;
      }
      case 'response': {
        const pending = this.pending.get(raw.id);
        if (!pending) return; // cancelled or already failed: the late answer has nobody waiting
        this.pending.delete(raw.id);
        if (!raw.ok) pending.reject(new EngineRequestError(raw.error.code, raw.error.message));
        else if (ENGINE_API[pending.method].result(raw.result)) pending.resolve(raw.result);
        else pending.reject(malformed(pending.method));
        return;
      }
      default: {
        const unreachable: never = raw;
        return unreachable;
      }
    }
  }

  private onProcessExit(child: ChildProcess, reason: string): void {
    if (this.child === child) {
      this.child = undefined;
      this.ready = undefined;
    }
    const expected = this.stopping === child;
    for (const [id, pending] of [...this.pending]) {
      if (pending.child !== child) continue;
      this.pending.delete(id);
      // A stop we asked for (a restart, new GPU settings) is not a crash: no signal name to alarm anyone.
      pending.reject(new EngineRequestError('engineDied', expected
        ? `The Llama Lens engine was stopped to start afresh; its "${pending.method}" request was dropped.`
        : `${reason} The "${pending.method}" request was lost; the next request starts a fresh engine.`));
    }
    if (expected) this.stopping = undefined;
    for (const listener of this.exitListeners) listener(reason, expected);
  }

  private failPending(id: number, error: Error): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.reject(error);
  }

  private exitReason(code: number | null, signal: NodeJS.Signals | null): string {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    return `The Llama Lens engine process ${how}.${tail ? ` Last output: ${tail}` : ''}`;
  }
}

function malformed(method: EngineMethod): EngineRequestError {
  return new EngineRequestError('internal', `The engine sent a malformed ${method} response.`);
}

function cancelled(): EngineRequestError {
  return new EngineRequestError('cancelled', 'Request cancelled.');
}
