// The model's distribution over the token that follows a text.
import type { DistributionParams, DistributionResult } from '../protocol/engineProtocol';
import type { LlamaRuntime } from './LlamaRuntime';

export async function nextTokenDistribution(runtime: LlamaRuntime, params: DistributionParams): Promise<DistributionResult> {
  const { model, sequence } = runtime.current;
  const bos = model.tokens.bos;
  const tokens = [...(bos === null ? [] : [bos]), ...model.tokenize(params.text, false, 'trimLeadingSpace')];
  if (tokens.length === 0) throw new Error('The text is empty and the model has no BOS token to start from.');
  const plan = await runtime.alignSequence(tokens);
  const generator = sequence.evaluateWithMetadata(tokens.slice(plan.reuse), { probabilities: true }, { temperature: 0 });
  try {
    const first = await generator.next();
    if (first.done) throw new Error('The model produced no next token.');
    const top = [...first.value.probabilities.entries()]
      .slice(0, params.topK)
      .map(([id, probability]) => ({ id, text: model.detokenize([id], true), probability }));
    return { contextTokens: tokens, top };
  } finally {
    // Stop before the sampled token is fed back: the sequence keeps just the context.
    await generator.return();
  }
}
