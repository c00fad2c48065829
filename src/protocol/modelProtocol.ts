// The engine wire's model management and diagnostics: backends, inspection before loading,
// downloads, and the engine's health. None of these touch the loaded model.
import { Guard, hasFields, isBoolean, isFiniteNumber, isNonNegativeInteger, isOneOf, isString } from './guards';

export const GPU_SETTINGS = ['auto', 'metal', 'cuda', 'vulkan', 'cpu'] as const;
export type GpuSetting = (typeof GPU_SETTINGS)[number];

export const CHAT_WRAPPER_SOURCES = ['template', 'fileName', 'fallback'] as const;
export type ChatWrapperSource = (typeof CHAT_WRAPPER_SOURCES)[number];

export const isGpuSetting = isOneOf(GPU_SETTINGS);
export const isGpuLayers = (v: unknown): v is 'auto' | number => v === 'auto' || isNonNegativeInteger(v);
export interface InspectParams {
  modelPath: string;
  gpu: GpuSetting;
  gpuLayers: 'auto' | number;
  /** 0 means "the model's training context". */
  contextSize: number;
}

export interface MachineInfo {
  /** 'cpu' or the GPU backend node-llama-cpp would use. */
  backend: string;
  ramTotalBytes: number;
  ramFreeBytes: number;
  /** 0 without a GPU. */
  vramTotalBytes: number;
  vramFreeBytes: number;
}

export interface ModelFacts {
  filePath: string;
  sizeBytes: number;
  name: string;
  architecture: string;
  parameterCount: number;
  /** e.g. "Q4_K_M", "F16". */
  quantisation: string;
  trainContextLength: number;
  hasFim: boolean;
  /** The chat wrapper prompts would use, and whether it comes from the GGUF's template. */
  chatWrapper: string;
  chatWrapperSource: ChatWrapperSource;
  /** What loading needs at the given context size and GPU layers. */
  estimate: { ramBytes: number; vramBytes: number; contextSize: number; gpuLayers: number };
  machine: MachineInfo;
  fits: boolean;
  /** One sentence on the fit, e.g. "Needs 4.1 GB of RAM; 2.0 GB is free." */
  fitNote: string;
}

export interface DownloadParams {
  /** An hf: URI (hf:user/repo/file.gguf) or an http(s) URL. */
  uri: string;
  dirPath: string;
  /** Known size of the complete file, 0 when unknown: a mismatch deletes the file. */
  expectedBytes: number;
  /** Known SHA-256 (hex) of the complete file, '' when unknown: a mismatch deletes the file. */
  expectedSha256: string;
}

export interface DownloadProgress {
  downloadedBytes: number;
  totalBytes: number;
  bytesPerSecond: number;
}

export interface DownloadResult {
  filePath: string;
  sizeBytes: number;
  /** Bytes that were already on disk from an interrupted download (0 for a fresh one). */
  resumedFromBytes: number;
  sha256: string;
}

/** The engine process's own state, for the soak run and diagnostics. */
export interface EngineHealth {
  rssBytes: number;
  heapUsedBytes: number;
  /** The JS heap V8 holds, used or not, and memory outside it that JS objects own: RSS less these is native memory. */
  heapTotalBytes: number;
  externalBytes: number;
  /** Sequences of the loaded model's context that are handed out (0 of 0 with no model). */
  sequencesInUse: number;
  sequencesTotal: number;
  /** Requests the engine is running or queueing, besides this health request. */
  inFlightRequests: number;
  /** Unhandled rejections this process has seen (see engine/engineHealth.ts: all but ipull's still end it). */
  unhandledRejections: number;
  /** The figures are after a forced GC: only when the engine runs with --expose-gc, as the soak run starts it. */
  collectedGarbage: boolean;
}

const isPath = (v: unknown): v is string => isString(v) && v.length > 0;

export const isInspectParams: Guard<InspectParams> = hasFields<InspectParams>({
  modelPath: isPath, gpu: isGpuSetting, gpuLayers: isGpuLayers, contextSize: isNonNegativeInteger,
});

export const isDownloadParams: Guard<DownloadParams> = hasFields<DownloadParams>({
  uri: (v): v is string => isString(v) && /^(hf:|https?:\/\/)/.test(v),
  dirPath: isPath,
  expectedBytes: isNonNegativeInteger,
  expectedSha256: (v): v is string => isString(v) && /^([0-9a-f]{64})?$/.test(v),
});

export const isByteCount = (v: unknown): v is number => isFiniteNumber(v) && v >= 0;
export const isMachineInfo: Guard<MachineInfo> = hasFields<MachineInfo>({
  backend: isString, ramTotalBytes: isByteCount, ramFreeBytes: isByteCount, vramTotalBytes: isByteCount, vramFreeBytes: isByteCount,
});

export const isModelFacts: Guard<ModelFacts> = hasFields<ModelFacts>({
  filePath: isString,
  sizeBytes: isByteCount,
  name: isString,
  architecture: isString,
  parameterCount: isByteCount,
  quantisation: isString,
  trainContextLength: isNonNegativeInteger,
  hasFim: isBoolean,
  chatWrapper: isString,
  chatWrapperSource: isOneOf(CHAT_WRAPPER_SOURCES),
  estimate: hasFields<ModelFacts['estimate']>({
    ramBytes: isByteCount,
    vramBytes: isByteCount,
    contextSize: isNonNegativeInteger,
    gpuLayers: isNonNegativeInteger,
  }),
  machine: isMachineInfo,
  fits: isBoolean,
  fitNote: isString,
});

export const isDownloadResult: Guard<DownloadResult> = hasFields<DownloadResult>({
  filePath: isString, sizeBytes: isByteCount, resumedFromBytes: isByteCount, sha256: isString,
});

export const isEngineHealth: Guard<EngineHealth> = hasFields<EngineHealth>({
  rssBytes: isByteCount,
  heapUsedBytes: isByteCount,
  heapTotalBytes: isByteCount,
  externalBytes: isByteCount,
  sequencesInUse: isNonNegativeInteger,
  sequencesTotal: isNonNegativeInteger,
  inFlightRequests: isNonNegativeInteger,
  unhandledRejections: isNonNegativeInteger,
  collectedGarbage: isBoolean,
});
