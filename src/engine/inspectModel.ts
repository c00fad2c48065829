// Reads a model's facts from its GGUF header without loading its weights: what it is, what it can do, and what
// loading it would need against what this machine has. The same estimate lets `load` refuse a model that cannot fit.
import { freemem, totalmem } from 'node:os';
import { basename } from 'node:path';
import {
  GgmlType, GgufFileType, GgufInsights, readGgufFileInfo, type GgufFileInfo, type Llama, type LlamaModel,
} from 'node-llama-cpp';
import { memoryFit } from '../core/models/memoryFit';
import type { ChatWrapperSource, GpuSetting, InspectParams, LoadParams, MachineInfo, ModelFacts } from '../protocol/engineProtocol';
import { checkModelPath } from './checkModelFile';
import { CodedError } from './EngineError';
import type { LlamaRuntime } from './LlamaRuntime';
import { chatWrapperFor, hasChatTemplate, modelChatWrapper } from './modelChatWrapper';

/** node-llama-cpp estimates with this when a header names no training context. */
const DEFAULT_TRAIN_CONTEXT = 4096;
/** The smallest context `load` assumes for contextSize 0 ('auto' shrinks the context to fit, but not to nothing). */
const AUTO_CONTEXT_FLOOR = 512;

export async function inspectModel(runtime: LlamaRuntime, params: InspectParams): Promise<ModelFacts> {
  const { sizeBytes, fileInfo } = await readModelHeader(params.modelPath);
  const llama = await inspectionLlama(runtime, params.gpu);
  const insights = await GgufInsights.from(fileInfo, llama);
  const trainContextLength = insights.trainContextSize ?? DEFAULT_TRAIN_CONTEXT;
  const contextSize = params.contextSize > 0 ? Math.min(params.contextSize, trainContextLength) : trainContextLength;
  const estimate = await estimateNeed(insights, llama, params.gpu, params.gpuLayers, contextSize);
  const machine = await describeMachine(llama, params.gpu);
  const fit = memoryFit(estimate, machine);
  const chat = (await templateChatWrapper(llama, fileInfo, params.modelPath)) ?? headerChatWrapper(fileInfo, params.modelPath);
  const general = fileInfo.metadata.general as { name?: unknown; architecture?: unknown } | undefined;
  return {
    filePath: params.modelPath,
    sizeBytes,
    name: typeof general?.name === 'string' && general.name.length > 0 ? general.name : basename(params.modelPath),
    architecture: typeof general?.architecture === 'string' ? general.architecture : 'unknown',
    parameterCount: insights.totalParameters,
    quantisation: quantisationName(fileInfo, insights),
    trainContextLength,
    hasFim: headerHasFim(fileInfo),
    chatWrapper: chat.name,
    chatWrapperSource: chat.source,
    estimate,
    machine,
    fits: fit.fits,
    fitNote: fit.note,
  };
}

export async function machineInfo(runtime: LlamaRuntime, gpu: GpuSetting): Promise<MachineInfo> {
  return describeMachine(await inspectionLlama(runtime, gpu), gpu);
}

/**
 * Throws 'tooLarge' when loading with these settings needs more memory than this machine has in all, before
 * llama.cpp allocates anything: such a load would page the machine to a standstill or be killed. The estimate is
 * node-llama-cpp's heuristic from the header (weights on each side of the GPU split, KV cache, compute buffers).
 */
export async function assertModelFits(llama: Llama, params: LoadParams, checkedSizeBytes: number): Promise<void> {
  const { fileInfo } = await readModelHeader(params.modelPath, checkedSizeBytes);
  const insights = await GgufInsights.from(fileInfo, llama);
  const trainContext = insights.trainContextSize ?? DEFAULT_TRAIN_CONTEXT;
  // contextSize 0 loads with node-llama-cpp's 'auto', which shrinks the context to what memory allows, so only the
  // weights and a small context are sure to be needed; an explicit size is needed as asked (capped as load caps it).
  const contextSize = params.contextSize > 0 ? Math.min(params.contextSize, trainContext) : Math.min(trainContext, AUTO_CONTEXT_FLOOR);
  const need = await estimateNeed(insights, llama, params.gpu, params.gpuLayers, contextSize);
  const fit = memoryFit(need, await describeMachine(llama, params.gpu));
  if (fit.fits) return;
  throw new CodedError(
    'tooLarge',
    `${basename(params.modelPath)} is too large for this machine at context ${contextSize} with ${need.gpuLayers} GPU layers. ${fit.note} ` +
      'A smaller model, context or quantisation would fit; to try this one anyway, load it again with allowOversize.',
  );
}

/** `checkedSizeBytes`: the caller has run checkModelPath already (a load), so the header is not validated twice. */
async function readModelHeader(modelPath: string, checkedSizeBytes?: number): Promise<{ sizeBytes: number; fileInfo: GgufFileInfo }> {
  const sizeBytes = checkedSizeBytes ?? await checkModelPath(modelPath);
  let fileInfo: GgufFileInfo;
  try {
    fileInfo = await readGgufFileInfo(modelPath, { sourceType: 'filesystem', logWarnings: false });
  } catch (error) {
    throw unreadableHeader(modelPath, error instanceof Error ? error.message : String(error));
  }
  // The reader reads past the end of a cut-short file as zeros instead of failing, so check where the header ended.
  if ((fileInfo.infoEndOffset ?? 0) > sizeBytes) throw unreadableHeader(modelPath, 'it ends past the end of the file');
  if (typeof (fileInfo.metadata.general as { architecture?: unknown } | undefined)?.architecture !== 'string') {
    throw unreadableHeader(modelPath, 'it names no architecture');
  }
  return { sizeBytes, fileInfo };
}

function unreadableHeader(modelPath: string, reason: string): CodedError {
  return new CodedError(
    'loadFailed',
    `${modelPath} starts like a GGUF file but its header cannot be read (${reason}); the file may be cut short or corrupt.`,
  );
}

/**
 * The Llama to estimate with. Another GPU setting means another Llama, and switching disposes the current one,
 * which a loaded (or loading) model still uses; the CPU needs no backend of its own, so a CPU inspection borrows it.
 */
async function inspectionLlama(runtime: LlamaRuntime, gpu: GpuSetting): Promise<Llama> {
  const busy = runtime.busyGpuSetting;
  if (busy === undefined || busy === gpu) return runtime.llamaFor(gpu);
  if (gpu === 'cpu') return runtime.llamaFor(busy);
  throw new CodedError(
    'badRequest',
    `The loaded model uses the "${busy}" GPU setting; inspect with it (or "cpu"), or load with "${gpu}" first.`,
  );
}

function offloads(llama: Llama, gpu: GpuSetting): boolean {
  return gpu !== 'cpu' && llama.gpu !== false;
}

async function describeMachine(llama: Llama, gpu: GpuSetting): Promise<MachineInfo> {
  const vram = offloads(llama, gpu) ? await llama.getVramState() : { total: 0, free: 0 };
  return {
    backend: offloads(llama, gpu) ? String(llama.gpu) : 'cpu',
    ramTotalBytes: totalmem(),
    ramFreeBytes: freemem(),
    vramTotalBytes: vram.total,
    vramFreeBytes: vram.free,
  };
}

async function resolveGpuLayers(insights: GgufInsights, llama: Llama, gpu: GpuSetting, gpuLayers: 'auto' | number): Promise<number> {
  if (!offloads(llama, gpu)) return 0;
  if (gpuLayers !== 'auto') return Math.min(gpuLayers, insights.totalLayers);
  try {
    // What loadModel would choose: as many layers as the free VRAM holds with room for a context. node-llama-cpp
    // finds it by simulated loads (llama.cpp reads the header and allocates nothing), as loadModel does.
    return await insights.configurationResolver.resolveModelGpuLayers('auto');
  } catch {
    return 0;
  }
}

async function estimateNeed(
  insights: GgufInsights, llama: Llama, gpu: GpuSetting, gpuLayers: 'auto' | number, contextSize: number,
): Promise<ModelFacts['estimate']> {
  const layers = await resolveGpuLayers(insights, llama, gpu, gpuLayers);
  // node-llama-cpp's header arithmetic (the V1 estimators). The V2 ones simulate a load in llama.cpp for every call:
  // slower, and native code would see every file inspected, however malformed.
  const model = insights.estimateModelResourceRequirements({ gpuLayers: layers });
  const context = insights.estimateContextResourceRequirements({ contextSize, modelGpuLayers: layers, sequences: 1 });
  return { ramBytes: model.cpuRam + context.cpuRam, vramBytes: model.gpuVram + context.gpuVram, contextSize, gpuLayers: layers };
}

/** "Q4_K_M", "F16", "F32": the file type without its MOSTLY_/ALL_ prefix, else the commonest tensor type. */
function quantisationName(fileInfo: GgufFileInfo, insights: GgufInsights): string {
  const fileType = (fileInfo.metadata.general as { file_type?: unknown } | undefined)?.file_type;
  const name = typeof fileType === 'number' ? (GgufFileType as unknown as Record<number, string | undefined>)[fileType] : undefined;
  if (name !== undefined) return name.replace(/^(MOSTLY|ALL)_/, '');
  const dominant = insights.dominantTensorType;
  return dominant === undefined ? 'unknown' : GgmlType[dominant] ?? 'unknown';
}

type Ggml = Partial<Record<string, unknown>> & { tokens?: readonly string[] };

/**
 * The FIM tokens as llama.cpp finds them when it loads the vocabulary: the metadata ids (current keys and their
 * deprecated aliases), else a token spelled like a known FIM token. node-llama-cpp's `model.tokens.infill` reads
 * those ids and falls back to `<fim_prefix>`-style text, which the spellings cover.
 */
const FIM_TOKENS = [
  {
    keys: ['fim_pre_token_id', 'prefix_token_id'],
    texts: ['<|fim_prefix|>', '<fim-prefix>', '<fim_prefix>', '<｜fim▁begin｜>', '<PRE>', '▁<PRE>', '<|code_prefix|>', '<|prefix|>'],
  },
  {
    keys: ['fim_suf_token_id', 'suffix_token_id'],
    texts: ['<|fim_suffix|>', '<fim-suffix>', '<fim_suffix>', '<｜fim▁hole｜>', '<SUF>', '▁<SUF>', '<|code_suffix|>', '<|suffix|>'],
  },
  {
    keys: ['fim_mid_token_id', 'middle_token_id'],
    texts: ['<|fim_middle|>', '<fim-middle>', '<fim_middle>', '<｜fim▁end｜>', '<MID>', '▁<MID>', '<|code_middle|>', '<|middle|>'],
  },
] as const;

function tokenizerGgml(fileInfo: GgufFileInfo): Ggml {
  return ((fileInfo.metadata as { tokenizer?: { ggml?: Ggml } }).tokenizer?.ggml) ?? {};
}

function headerHasFim(fileInfo: GgufFileInfo): boolean {
  const ggml = tokenizerGgml(fileInfo);
  const tokens = ggml.tokens ?? [];
  const isTokenId = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < tokens.length;
  return FIM_TOKENS.every(({ keys, texts }) => {
    if (keys.some((key) => isTokenId(ggml[key]))) return true;
    const spellings = new Set<string>(texts);
    return tokens.some((token) => spellings.has(token));
  });
}

/**
 * For a GGUF with a chat template, the wrapper exactly as a loaded model resolves it: node-llama-cpp only matches a
 * template to its specialised wrapper (Llama 2's [INST], ...) with the model's tokenizer, so this loads the
 * vocabulary alone (no weights) and asks modelChatWrapper. Undefined when there is no template or that load fails.
 */
async function templateChatWrapper(
  llama: Llama,
  fileInfo: GgufFileInfo,
  modelPath: string,
): Promise<{ name: string; source: ChatWrapperSource } | undefined> {
  if (!hasChatTemplate(fileInfo.metadata)) return undefined;
  let vocab: LlamaModel | undefined;
  try {
    vocab = await llama.loadModel({ modelPath, vocabOnly: true, gpuLayers: 0 });
    const { wrapper, source } = modelChatWrapper(vocab, modelPath);
    return { name: wrapper.wrapperName, source };
  } catch {
    return undefined;
  } finally {
    await vocab?.dispose();
  }
}

/** Without a template, or when the vocabulary will not load: the choice from the header alone. */
function headerChatWrapper(fileInfo: GgufFileInfo, modelPath: string): { name: string; source: ChatWrapperSource } {
  const { wrapper, source } = chatWrapperFor(fileInfo, modelPath);
  return { name: wrapper.wrapperName, source };
}
