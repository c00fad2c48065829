// What loading a model would need against what this machine has, from the header alone. `load` uses it to refuse a
// model that cannot fit before llama.cpp allocates anything.
import { freemem, totalmem } from 'node:os';
import { basename } from 'node:path';
import { GgufInsights, type Llama } from 'node-llama-cpp';
import { memoryFit } from '../../core/models/memoryFit';
import type { GpuSetting, LoadParams, MachineInfo, ModelFacts } from '../../protocol/engineProtocol';
import { CodedError } from '../EngineError';
import { readModelHeader } from './modelHeader';

/**
 * The loaded context's sequences: completions and the rest on one, the chat on the other, so that neither evicts the
 * other's KV state. Each has its own contextSize of KV cells (node-llama-cpp sizes the cache as contextSize × sequences).
 */
export const ENGINE_SEQUENCES = 2;
/** node-llama-cpp estimates with this when a header names no training context. */
export const DEFAULT_TRAIN_CONTEXT = 4096;
/** The smallest context `load` assumes for contextSize 0 ('auto' shrinks the context to fit, but not to nothing). */
const AUTO_CONTEXT_FLOOR = 512;

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
  throw new CodedError('tooLarge',
    `${basename(params.modelPath)} is too large for this machine at context ${contextSize} with ${need.gpuLayers} GPU layers. ${fit.note} ` +
    'A smaller model, context or quantisation would fit; loading this one anyway may make the machine swap heavily.');
}

function offloads(llama: Llama, gpu: GpuSetting): boolean {
  return gpu !== 'cpu' && llama.gpu !== false;
}

export async function describeMachine(llama: Llama, gpu: GpuSetting): Promise<MachineInfo> {
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

export async function estimateNeed(
  insights: GgufInsights, llama: Llama, gpu: GpuSetting, gpuLayers: 'auto' | number, contextSize: number,
): Promise<ModelFacts['estimate']> {
  const layers = await resolveGpuLayers(insights, llama, gpu, gpuLayers);
  // node-llama-cpp's header arithmetic (the V1 estimators). The V2 ones simulate a load in llama.cpp for every call:
  // slower, and native code would see every file inspected, however malformed.
  const model = insights.estimateModelResourceRequirements({ gpuLayers: layers });
  const context = insights.estimateContextResourceRequirements({ contextSize, modelGpuLayers: layers, sequences: ENGINE_SEQUENCES });
  return { ramBytes: model.cpuRam + context.cpuRam, vramBytes: model.gpuVram + context.gpuVram, contextSize, gpuLayers: layers };
}
