// Where each of the sampler lab's samplers cuts the ranking, and the geometry of the chart that draws it. Pure (no DOM),
// so the numbers the chart shows are unit-tested here and the webview only turns them into SVG.
import { minPCut, normaliseSamplerSettings, sanitise, sumPrefix, topPCut, type SamplerSettings } from './distributionMath';

export interface SamplerCuts {
  /**
   * How many leading ranks each step keeps, in llama.cpp's order (top-k, top-p, min-p), each step seeing the
   * previous one's survivors, so a later count is never larger than an earlier one. null: that sampler is off.
   */
  topK: number | null;
  topP: number | null;
  minP: number | null;
  /** The survivors of the whole chain, temperature 0 (greedy) included: the same as applySamplers' `kept`. */
  kept: number;
  /** minP · p(rank 0): min-p drops the ranks below it. null when min-p is off. */
  minPThreshold: number | null;
}

/** The cuts applySamplers makes, step by step, from its own cut functions so the chart cannot disagree with it. */
export function samplerCuts(sortedProbabilities: ArrayLike<number>, settings: SamplerSettings): SamplerCuts {
  const values = sanitise(sortedProbabilities);
  const { temperature, topK, topP, minP } = normaliseSamplerSettings(settings);
  // As in applySamplers: without positive mass nothing survives, and every active step keeps 0.
  let kept = sumPrefix(values, values.length) > 0 ? values.length : 0;
  const cuts: SamplerCuts = { topK: null, topP: null, minP: null, kept, minPThreshold: null };
  if (topK > 0) kept = cuts.topK = Math.min(kept, topK);
  if (topP < 1) kept = cuts.topP = topPCut(values, kept, topP);
  if (minP > 0) {
    kept = cuts.minP = minPCut(values, kept, minP);
    cuts.minPThreshold = minP * (values[0] ?? 0);
  }
  cuts.kept = temperature === 0 ? Math.min(kept, 1) : kept;
  return cuts;
}

// The chart's axes. Probability is on a log axis from 1 down to 10^-decades: fixed at 1 rather than at the top token,
// so that moving the temperature slider reshapes the curve against still axes instead of rescaling them.
// Rank is on a log axis too: a linear one would squeeze the top 20 ranks of a 32,000-token vocabulary, where every
// cut that matters sits, into the first pixel. Rank r (1-based) is a band from boundary r - 1 to boundary r, and
// boundary k (the edge after the first k ranks) sits at log(k + 1) / log(maxRank + 1) of the width, so rank 1 gets
// a band as wide as ranks 2–3 together and a cut "after rank k" is a line on boundary k.

/** Viewbox units per drawn column: the curves get at most one group of ranks (two points) per column. */
export const COLUMN_WIDTH = 3;

/** The x of boundary `k` (the edge after the first k ranks), on an axis of `maxRank` ranks `width` wide. */
export function boundaryX(k: number, maxRank: number, width: number): number {
  if (!(maxRank > 0) || !(k > 0)) return 0;
  return (Math.log10(Math.min(k, maxRank) + 1) / Math.log10(maxRank + 1)) * width;
}

/** The y of `probability` on a log axis from 1 (y = 0) down to 10^-decades (y = height); lower values sit on the floor. */
export function probabilityY(probability: number, height: number, decades: number): number {
  if (!(probability > 0)) return height;
  const below = -Math.log10(probability) / decades;
  return Math.min(1, Math.max(0, below)) * height;
}

export interface ChartPoint {
  x: number;
  y: number;
}

/**
 * The polyline of `values` (probabilities of ranks 1.., descending, possibly fewer than maxRank, as the kept prefix of
 * the final distribution is) on a chart `width` × `height`. Ranks are grouped by column so a 32,000-rank vocabulary is
 * at most width / COLUMN_WIDTH groups: each group is drawn from its first rank's value at its left edge to its last
 * rank's value at its right edge, so a group of one rank (the top ranks, each many columns wide) is a flat step.
 * The group ends are found in closed form, so the cost follows the number of columns, not of ranks.
 */
export function chartPoints(values: ArrayLike<number>, maxRank: number, width: number, height: number, decades: number): ChartPoint[] {
  const count = Math.min(values.length, maxRank);
  if (!(width > 0)) return [];
  const columns = Math.max(1, Math.floor(width / COLUMN_WIDTH));
  const points: ChartPoint[] = [];
  const base = maxRank + 1;
  for (let first = 1; first <= count;) {
    const left = boundaryX(first - 1, maxRank, width);
    // The first boundary at or past the next column edge: log(b + 1) / log(base) ≥ t  ⇔  b ≥ base^t − 1.
    const edge = (Math.floor((left / width) * columns) + 1) / columns;
    const last = Math.max(first, Math.min(count, Math.ceil(Math.pow(base, edge) - 1 - 1e-9)));
    points.push({ x: left, y: probabilityY(values[first - 1] ?? 0, height, decades) });
    points.push({ x: boundaryX(last, maxRank, width), y: probabilityY(values[last - 1] ?? 0, height, decades) });
    first = last + 1;
  }
  return points;
}
