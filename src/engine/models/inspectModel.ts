// Reads a model's facts from its GGUF header without loading its weights: what it is, what it can do, and what
// loading it would need against what this machine has.
import { basename } from 'node:path';
import { GgufInsights, type GgufFileInfo, type Llama, type LlamaModel } from 'node-llama-cpp';
import { memoryFit } from '../../core/models/memoryFit';
import type { ChatWrapperSource, GpuSetting, InspectParams, MachineInfo, ModelFacts } from '../../protocol/engineProtocol';
import { CodedError } from '../EngineError';
import type { LlamaRuntime } from '../LlamaRuntime';
import { DEFAULT_TRAIN_CONTEXT, describeMachine, estimateNeed } from './memoryEstimate';
import { chatWrapperFor, hasChatTemplate, modelChatWrapper } from './modelChatWrapper';
import { headerHasFim, quantisationName, readModelHeader } from './modelHeader';

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
