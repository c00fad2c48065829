// The raw node-llama-cpp baseline: the same model, threads and prompt, greedy decoding with no
// Llama Lens layer (no process boundary, no protocol, no post-processing).
import type { Token } from 'node-llama-cpp';

export interface RawDecode {
  tokensPerSecond: number;
  generatedTokens: number;
}

export async function rawDecodeSpeed(modelPath: string, prompt: string, maxTokens: number, runs: number): Promise<RawDecode[]> {
  // node-llama-cpp is ESM with top-level await: this CommonJS script can only import() it.
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false, maxThreads: 0 });
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const context = await model.createContext({ contextSize: 2048, threads: llama.cpuMathCores, sequences: 1 });
  const sequence = context.getSequence();
  const results: RawDecode[] = [];
  try {
    const tokens = [...(model.tokens.bos === null ? [] : [model.tokens.bos]), ...model.tokenize(prompt, false, 'trimLeadingSpace')];
    const last = tokens.pop() as Token;
    for (let run = 0; run < runs; run++) {
      await sequence.clearHistory();
      await sequence.evaluateWithoutGeneratingNewTokens(tokens);
      // Timed like the engine's generation: from feeding the last prompt token to the last token out.
      const started = performance.now();
      let generated = 0;
      for await (const token of sequence.evaluate([last], { temperature: 0 })) {
        if (model.isEogToken(token)) break;
        if (++generated >= maxTokens) break;
      }
      results.push({ tokensPerSecond: (generated * 1000) / (performance.now() - started), generatedTokens: generated });
    }
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
  return results;
}
