// What the host needs from an engine, whatever runs it: the child process here, an HTTP server later. ModelSession
// and the extension depend on this, never on how the engine is reached.
import type { EngineMethod, ParamsOf, ProgressOf, ResultOf } from '../protocol/engineApi';
import type { EngineErrorCode } from '../protocol/engineProtocol';

/** Structurally a `vscode.Disposable`, without importing `vscode`. */
export interface Disposable {
  dispose(): void;
}

export type LogLevel = 'info' | 'warn' | 'error';
export type EngineLog = (level: LogLevel, message: string) => void;

/**
 * The engine's error codes, `disposed` for a request made after the engine was disposed for good, and what a
 * llama-server backend adds: `unsupported` for what a server cannot do, and its connection failures.
 */
export type RequestErrorCode = EngineErrorCode | 'disposed' | 'unsupported' | 'unauthorized' | TransientErrorCode;

/** Failures a server backend recovers from by itself: the session tries again with backoff. */
export const TRANSIENT_ERROR_CODES = ['unreachable', 'timeout', 'serverError', 'modelChanged'] as const;
export type TransientErrorCode = (typeof TRANSIENT_ERROR_CODES)[number];

export function isTransient(error: unknown): error is EngineRequestError & { code: TransientErrorCode } {
  return error instanceof EngineRequestError && (TRANSIENT_ERROR_CODES as readonly string[]).includes(error.code);
}

export class EngineRequestError extends Error {
  constructor(readonly code: RequestErrorCode, message: string) {
    super(message);
    this.name = 'EngineRequestError';
  }
}

export function isCancellation(error: unknown): boolean {
  return error instanceof EngineRequestError && error.code === 'cancelled';
}

export interface RequestOptions<M extends EngineMethod> {
  signal?: AbortSignal;
  onProgress?: (progress: ProgressOf<M>) => void;
}

export type ExitListener = (reason: string, expected: boolean) => void;

export interface Engine extends Disposable {
  request<M extends EngineMethod>(method: M, params: ParamsOf<M>, options?: RequestOptions<M>): Promise<ResultOf<M>>;
  /** Increments each time the engine starts afresh: a new generation has no model loaded. */
  readonly generation: number;
  /** `expected` is true when stop() or dispose() caused the exit. */
  onExit(listener: ExitListener): Disposable;
  /** Stops the engine; its pending requests reject. The next request starts it again. */
  stop(): void;
  /** Stops the engine for good: every later request is refused with `disposed`. */
  dispose(): void;
}
