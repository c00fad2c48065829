// Owns the node-llama-cpp objects: one Llama backend, one model, one context with two sequences: one for completions,
// the Lens, the heatmap and palette prompts, and one that keeps the chat, so neither evicts the other's KV state.
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import {
  getLlama,
  InputLookupTokenPredictor,
  LlamaLogLevel,
  NoBinaryFoundError,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import type { GpuSetting, LoadParams, ModelInfo } from '../protocol/engineProtocol';
import type { FimTokens } from '../core/fimPrompt';
import { planKvReuse, type ReusePlan } from '../core/kvReuse';
import { engineThreads } from '../core/settings/threadCount';
import { CodedError } from './EngineError';
import { checkModelPath } from './models/checkModelFile';
import { assertModelFits, ENGINE_SEQUENCES } from './models/memoryEstimate';
import { hasChatTemplate, modelChatWrapper, type ResolvedChatWrapper } from './models/modelChatWrapper';
import { errorMessage } from '../core/text/errorMessage';

export type EngineLogger = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface LoadedModel {
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  /** The chat's own sequence: it holds the conversation between turns. */
  chatSequence: LlamaContextSequence;
  fim: FimTokens | null;
  chat: ResolvedChatWrapper;
  info: ModelInfo;
  /** Set when speculative decoding by prompt lookup is on: it must be told each prompt. */
  promptLookup: InputLookupTokenPredictor | undefined;
}

export class LlamaRuntime {
  private llama: { gpu: GpuSetting; instance: Llama } | undefined;
  private loaded: LoadedModel | undefined;
  /** The GPU setting of the model being loaded, while `load` runs. */
  private loadingGpu: GpuSetting | undefined;

  constructor(private readonly log: EngineLogger) {}

  get current(): LoadedModel {
    if (!this.loaded) throw new CodedError('noModel', 'No model is loaded in the engine.');
    return this.loaded;
  }

  /** The GPU setting whose Llama a loaded or loading model uses: switching settings would dispose it. */
  get busyGpuSetting(): GpuSetting | undefined {
    return this.loadingGpu ?? (this.loaded ? this.llama?.gpu : undefined);
  }

  async load(params: LoadParams, signal: AbortSignal, onProgress: (fraction: number) => void): Promise<ModelInfo> {
    this.loadingGpu = params.gpu;
    try {
      await this.unload();
      return await this.loadWith(params, signal, onProgress);
    } finally {
      this.loadingGpu = undefined;
    }
  }

  private async loadWith(params: LoadParams, signal: AbortSignal, onProgress: (fraction: number) => void): Promise<ModelInfo> {
    const sizeBytes = await checkModelPath(params.modelPath);
    const llama = await this.llamaFor(params.gpu);
    if (!params.allowOversize) await assertModelFits(llama, params, sizeBytes);
    // With allowOversize the user has confirmed, so node-llama-cpp's own memory checks must not refuse either.
    const ignoreMemorySafetyChecks = params.allowOversize;
    let model: LlamaModel;
    try {
      model = await llama.loadModel({
        modelPath: params.modelPath,
        gpuLayers: params.gpuLayers,
        onLoadProgress: onProgress,
        loadSignal: signal,
        ignoreMemorySafetyChecks,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new CodedError('loadFailed', `Could not load ${params.modelPath}: ${errorMessage(error)}`);
    }
    // node-llama-cpp's default thread count can exceed the cores that do math (4 threads on a
    // 2-core machine decoded 40x slower here), so size it from cpuMathCores unless overridden,
    // and never past the machine's cores (100,000 threads hung the engine).
    const threads = engineThreads(params.threads, llama.cpuMathCores, availableParallelism());
    try {
      const context = await model.createContext({
        contextSize: params.contextSize > 0 ? Math.min(params.contextSize, model.trainContextSize) : 'auto',
        threads,
        sequences: ENGINE_SEQUENCES,
        ignoreMemorySafetyChecks,
      });
      const fim = fimTokensOf(model);
      const chat = modelChatWrapper(model, params.modelPath);
      const info = describe(params, model, context, llama, fim, chat, sizeBytes);
      // Prompt lookup drafts tokens by finding the last generated ones in the prompt; code
      // completion often repeats names and lines from its context. bench:completion measures it.
      const tokenPredictor = params.promptLookup
        ? new InputLookupTokenPredictor({ patternLength: { min: 2 }, predictionLength: { max: 4 } })
        : undefined;
      const sequence = context.getSequence({ tokenPredictor });
      this.loaded = { model, context, sequence, chatSequence: context.getSequence(), fim, chat, info, promptLookup: tokenPredictor };
      this.log(
        'info',
        `Loaded ${info.name} (${info.architecture}) on ${info.backend}, ${info.gpuLayers} GPU layers, ${info.threads} threads, context ${info.contextSize}.`,
      );
      return info;
    } catch (error) {
      await model.dispose();
      throw new CodedError('loadFailed', `Could not create a context for ${params.modelPath}: ${errorMessage(error)}`);
    }
  }

  /**
   * Erases what the sequence holds beyond the shared prefix and returns what must be evaluated.
   * At most `maxReuse` tokens are reused: the caller needs the outputs of the ones after them.
   */
  async alignSequence(
    prompt: readonly number[],
    maxReuse = Number.POSITIVE_INFINITY,
    sequence: LlamaContextSequence = this.current.sequence,
  ): Promise<ReusePlan> {
    const shared = planKvReuse(sequence.contextTokens, prompt);
    const reuse = Math.max(0, Math.min(shared.reuse, maxReuse));
    const plan = { reuse, evaluate: prompt.length - reuse };
    if (plan.reuse < sequence.nextTokenIndex) {
      await sequence.eraseContextTokenRanges([{ start: plan.reuse, end: sequence.nextTokenIndex }]);
    }
    return plan;
  }

  async unload(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    if (loaded) {
      await loaded.context.dispose();
      await loaded.model.dispose();
    }
  }

  /** The Llama for a GPU setting; another setting disposes the current one (see busyGpuSetting). */
  async llamaFor(gpu: GpuSetting): Promise<Llama> {
    if (this.llama?.gpu === gpu) return this.llama.instance;
    if (this.llama) await this.llama.instance.dispose();
    this.llama = undefined;
    try {
      const instance = await getLlama({
        gpu: gpu === 'cpu' ? false : gpu,
        // Never compile llama.cpp behind the user's back: that takes minutes and needs a toolchain.
        build: 'never',
        progressLogs: false,
        maxThreads: 0,
        logLevel: LlamaLogLevel.warn,
        logger: (level, message) => this.log(level === LlamaLogLevel.warn ? 'warn' : 'error', message.trim()),
      });
      // node-llama-cpp falls back to the CPU when an explicit backend (Metal off macOS) cannot run.
      if (gpu !== 'auto' && gpu !== 'cpu' && instance.gpu !== gpu) {
        await instance.dispose();
        throw new Error(`node-llama-cpp offered ${instance.gpu === false ? 'only the CPU' : instance.gpu}`);
      }
      this.llama = { gpu, instance };
      return instance;
    } catch (error) {
      const reason = error instanceof NoBinaryFoundError ? noBinaryReason(gpu) : errorMessage(error);
      throw new CodedError(
        'loadFailed',
        `The ${gpu} backend is not available on this machine (${reason}). Set llamaLens.gpu to "auto" or "cpu".`,
      );
    }
  }
}

/**
 * Why node-llama-cpp found no binary for a backend, in words: its NoBinaryFoundError says only its own name. It is
 * thrown both when the binaries are missing and when they are there but fail node-llama-cpp's test load (no driver,
 * a driver too old for them); we never build from source, so that is all it can mean.
 */
function noBinaryReason(gpu: GpuSetting): string {
  return gpu === 'cuda'
    ? "node-llama-cpp's CUDA binaries are missing, or did not load: the NVIDIA driver may be missing, not working or too old for them"
    : `node-llama-cpp has no ${gpu} binaries that load here`;
}

function fimTokensOf(model: LlamaModel): FimTokens | null {
  const { prefix, suffix, middle } = model.tokens.infill;
  return prefix === null || suffix === null || middle === null ? null : { prefix, suffix, middle };
}

function describe(
  params: LoadParams,
  model: LlamaModel,
  context: LlamaContext,
  llama: Llama,
  fim: FimTokens | null,
  chat: ResolvedChatWrapper,
  sizeBytes: number,
): ModelInfo {
  const metadata = model.fileInfo.metadata as { general?: { name?: unknown; architecture?: unknown } };
  const name = typeof metadata.general?.name === 'string' ? metadata.general.name : basename(params.modelPath);
  return {
    name,
    filePath: params.modelPath,
    architecture: typeof metadata.general?.architecture === 'string' ? metadata.general.architecture : 'unknown',
    sizeBytes,
    trainContextLength: model.trainContextSize,
    contextSize: context.contextSize,
    hasFim: fim !== null,
    // CodeLlama's `<PRE>` family was trained on both orders, so it gets the cache-friendly one.
    fimLayout: fim && /<PRE>/.test(model.detokenize([fim.prefix as Token], true)) ? 'spm' : 'psm',
    hasChatTemplate: hasChatTemplate(model.fileInfo.metadata),
    chatWrapper: chat.wrapper.wrapperName,
    chatWrapperSource: chat.source,
    backend: llama.gpu === false ? 'cpu' : llama.gpu,
    gpuLayers: model.gpuLayers,
    threads: context.currentThreads,
    server: null,
  };
}
