// The engine's methods, each declared once: its params guard, its result guard and its progress guard. Every type
// and table the host and the engine use is derived from these entries, so adding a method is two edits: the entry
// here and its handler in the engine.
import { type Guard, hasFields, isFiniteNumber, isNonNegativeInteger, isOneOf, isRecord, isString } from './guards';
import {
  type EngineError, ENGINE_ERROR_CODES, isCompleteParams, isCompleteResult, isDistributionParams, isDistributionResult,
  isLoadParams, isModelInfo, isSurprisalParams, isSurprisalResult,
} from './engineProtocol';
import {
  type DownloadProgress, type GpuSetting, isByteCount, isDownloadParams, isDownloadResult, isEngineHealth, isGpuSetting,
  isInspectParams, isMachineInfo, isModelFacts,
} from './modelProtocol';
import { isPromptParams, isPromptResult } from './promptProtocol';
import { isChatParams, isChatResult, isTokenCountParams, isTokenCountResult } from './chatProtocol';
import { isInstallBinariesParams, isInstallBinariesResult } from './binariesProtocol';

/** One method's declaration. `usesModel` methods run one at a time on the model's queue. */
export interface MethodSpec<P, R, G> {
  params: Guard<P>;
  result: Guard<R>;
  progress: Guard<G>;
  /**
   * False for methods that never touch the loaded model: they run beside the model's queue, so a download does not
   * hold up completions, and `health` answers while a generation runs.
   */
  usesModel: boolean;
}

/** A method that sends no progress events. */
const noProgress = (_value: unknown): _value is never => false;
const fraction = hasFields<{ fraction: number }>({ fraction: isFiniteNumber });
const text = hasFields<{ text: string }>({ text: isString });
const bytes = hasFields<DownloadProgress>({ downloadedBytes: isByteCount, totalBytes: isByteCount, bytesPerSecond: isByteCount });

const spec = <P, R, G>(declaration: MethodSpec<P, R, G>): MethodSpec<P, R, G> => declaration;

export const ENGINE_API = {
  load: spec({ params: isLoadParams, result: isModelInfo, progress: fraction, usesModel: true }),
  complete: spec({ params: isCompleteParams, result: isCompleteResult, progress: text, usesModel: true }),
  distribution: spec({ params: isDistributionParams, result: isDistributionResult, progress: noProgress, usesModel: true }),
  surprisal: spec({ params: isSurprisalParams, result: isSurprisalResult, progress: fraction, usesModel: true }),
  prompt: spec({ params: isPromptParams, result: isPromptResult, progress: text, usesModel: true }),
  chat: spec({ params: isChatParams, result: isChatResult, progress: text, usesModel: true }),
  countTokens: spec({ params: isTokenCountParams, result: isTokenCountResult, progress: noProgress, usesModel: true }),
  inspect: spec({ params: isInspectParams, result: isModelFacts, progress: noProgress, usesModel: false }),
  machine: spec({
    params: hasFields<{ gpu: GpuSetting }>({ gpu: isGpuSetting }),
    result: isMachineInfo,
    progress: noProgress,
    usesModel: false,
  }),
  download: spec({ params: isDownloadParams, result: isDownloadResult, progress: bytes, usesModel: false }),
  installBinaries: spec({ params: isInstallBinariesParams, result: isInstallBinariesResult, progress: bytes, usesModel: false }),
  health: spec({ params: (v): v is Record<string, never> => isRecord(v), result: isEngineHealth, progress: noProgress, usesModel: false }),
};

export type EngineMethod = keyof typeof ENGINE_API;
type Guarded<G> = G extends Guard<infer T> ? T : never;
export type ParamsOf<M extends EngineMethod> = Guarded<(typeof ENGINE_API)[M]['params']>;
export type ResultOf<M extends EngineMethod> = Guarded<(typeof ENGINE_API)[M]['result']>;
export type ProgressOf<M extends EngineMethod> = Guarded<(typeof ENGINE_API)[M]['progress']>;

const ENGINE_METHODS = Object.keys(ENGINE_API) as EngineMethod[];
const isEngineMethod = isOneOf(ENGINE_METHODS);

export type HostToEngine =
  | { kind: 'request'; id: number; method: EngineMethod; params: unknown }
  | { kind: 'cancel'; id: number };

export type EngineToHost =
  | { kind: 'ready'; pid: number }
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: EngineError }
  | { kind: 'progress'; id: number; progress: unknown }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export function isHostToEngine(value: unknown): value is HostToEngine {
  if (!isRecord(value) || !isNonNegativeInteger(value.id)) return false;
  if (value.kind === 'cancel') return true;
  return value.kind === 'request' && isEngineMethod(value.method);
}

const isEngineError = hasFields<EngineError>({ code: isOneOf(ENGINE_ERROR_CODES), message: isString });

export function isEngineToHost(value: unknown): value is EngineToHost {
  if (!isRecord(value)) return false;
  switch (value.kind) {
    case 'ready':
      return isNonNegativeInteger(value.pid);
    case 'response':
      return isNonNegativeInteger(value.id) && (value.ok === true ? 'result' in value : value.ok === false && isEngineError(value.error));
    case 'progress':
      return isNonNegativeInteger(value.id);
    case 'log':
      return isOneOf(['info', 'warn', 'error'] as const)(value.level) && isString(value.message);
    default:
      return false;
  }
}
