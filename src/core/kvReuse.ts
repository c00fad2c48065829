// Decides how much of a sequence's KV state can serve the next prompt.

export interface ReusePlan {
  /** Tokens at the start of the prompt that are already in the KV state. */
  reuse: number;
  /** Tokens that must be evaluated: the prompt from `reuse` on. */
  evaluate: number;
}

/**
 * The longest common prefix of the cached tokens and the prompt, but never the whole prompt:
 * the last prompt token is always evaluated again, because its logits are what we sample from.
 */
export function planKvReuse(cached: readonly number[], prompt: readonly number[]): ReusePlan {
  const limit = Math.min(cached.length, Math.max(prompt.length - 1, 0));
  let reuse = 0;
  while (reuse < limit && cached[reuse] === prompt[reuse]) reuse++;
  return { reuse, evaluate: prompt.length - reuse };
}

/**
 * Of several prompts that would do, the one whose start the KV state already holds the most of;
 * the first on a tie. Returns its index and plan.
 */
export function mostReusable(cached: readonly number[], prompts: readonly (readonly number[])[]): { index: number; plan: ReusePlan } {
  let best = { index: 0, plan: planKvReuse(cached, prompts[0] ?? []) };
  prompts.forEach((prompt, index) => {
    const plan = planKvReuse(cached, prompt);
    if (plan.reuse > best.plan.reuse) best = { index, plan };
  });
  return best;
}
