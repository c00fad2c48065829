// The raw node-llama-cpp baselines' setup: the model in this process, no Llama Lens layer, on the backend asked for.
// Threads come from cpuMathCores, as the engine's do (node-llama-cpp's default ran 40x slower on 2 cores).
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { GpuSetting } from '../../../src/protocol/engineProtocol';

export interface RawSequence {
  model: LlamaModel;
  sequence: LlamaContextSequence;
  /** BOS (when the model has one) followed by `text`'s tokens. */
  promptTokens(text: string): Token[];
}

export async function withRawSequence<T>(modelPath: string, gpu: GpuSetting, use: (raw: RawSequence) => Promise<T>): Promise<T> {
  // node-llama-cpp is ESM with top-level await: the CommonJS scripts can only import() it.
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: gpu === 'cpu' ? false : gpu, build: 'never', progressLogs: false, maxThreads: 0 });
  if (gpu !== 'cpu' && gpu !== 'auto' && llama.gpu !== gpu) {
    await llama.dispose();
    throw new Error(`node-llama-cpp offered ${llama.gpu === false ? 'only the CPU' : llama.gpu}, not ${gpu}`);
  }
  try {
    const model = await llama.loadModel({ modelPath, gpuLayers: gpu === 'cpu' ? 0 : 'auto' });
    try {
      const context = await model.createContext({ contextSize: 2048, threads: llama.cpuMathCores, sequences: 1 });
      try {
        const promptTokens = (text: string) => [
          ...(model.tokens.bos === null ? [] : [model.tokens.bos]),
          ...model.tokenize(text, false, 'trimLeadingSpace'),
        ];
        return await use({ model, sequence: context.getSequence(), promptTokens });
      } finally {
        await context.dispose();
      }
    } finally {
      await model.dispose();
    }
  } finally {
    await llama.dispose();
  }
}
