// How long a probability bar in the Lens is. Relative to the likeliest token, so the top token fills its track and the
// shape of the distribution shows at a glance; on the log scale a bar spans LOG_DECADES decades below the top, so a
// token at 1/100 of the top one still shows half a bar where the linear scale shows a sliver.

export type BarScale = 'linear' | 'log';

/** On the log scale, a token at 10^-LOG_DECADES of the top token's probability (or less) gets an empty bar. */
export const LOG_DECADES = 4;

/** The filled fraction (0–1) of the bar of `probability`, where `top` is the likeliest token's probability. */
export function barFraction(probability: number, top: number, scale: BarScale): number {
  if (!(top > 0) || !(probability > 0) || !Number.isFinite(probability) || !Number.isFinite(top)) return 0;
  const ratio = Math.min(1, probability / top);
  return scale === 'linear' ? ratio : Math.max(0, 1 + Math.log10(ratio) / LOG_DECADES);
}
