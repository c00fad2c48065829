// The raw node-llama-cpp baseline: the same model, threads and prompt, greedy decoding with no
// Llama Lens layer (no process boundary, no protocol, no post-processing).
import type { Token } from 'node-llama-cpp';
import type { GpuSetting } from '../../../src/protocol/engineProtocol';
import { withRawSequence } from './rawLlama';

export interface RawDecode {
  tokensPerSecond: number;
  generatedTokens: number;
}

export async function rawDecodeSpeed(
  modelPath: string,
  prompt: string,
  maxTokens: number,
  runs: number,
  gpu: GpuSetting = 'cpu',
): Promise<RawDecode[]> {
  return withRawSequence(modelPath, gpu, async ({ model, sequence, promptTokens }) => {
    const results: RawDecode[] = [];
    const tokens = promptTokens(prompt);
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
    return results;
  });
}
