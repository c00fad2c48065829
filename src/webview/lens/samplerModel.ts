// The sampler lab's model: slider ranges, and the final distribution the samplers leave. Pure (no DOM).
// The vocabulary's probabilities are decoded once per distribution; every slider move reuses them.
import type { LensDistribution } from '../../protocol/lensProtocol';
import {
  applySamplers, decodeProbabilities, entropyBits, type SampledDistribution, type SamplerSettings,
} from '../../core/lens/distributionMath';
import { errorMessage } from '../../core/text/errorMessage';

export interface SliderSpec {
  key: keyof SamplerSettings;
  label: string;
  testId: string;
  min: number;
  max: number;
  step: number;
  /** The value at which this sampler does nothing. */
  off: number;
  decimals: number;
}

export const SLIDERS: readonly SliderSpec[] = [
  { key: 'temperature', label: 'Temperature', testId: 'slider-temperature', min: 0, max: 2, step: 0.05, off: 1, decimals: 2 },
  { key: 'topK', label: 'Top-k', testId: 'slider-top-k', min: 0, max: 100, step: 1, off: 0, decimals: 0 },
  { key: 'topP', label: 'Top-p', testId: 'slider-top-p', min: 0, max: 1, step: 0.01, off: 1, decimals: 2 },
  { key: 'minP', label: 'Min-p', testId: 'slider-min-p', min: 0, max: 1, step: 0.01, off: 0, decimals: 2 },
];

/** '0.70', or '0 (off)' where the sampler does nothing (temperature 1 is not "off": it still renormalises). */
export function formatSlider(spec: SliderSpec, value: number): string {
  const text = value.toFixed(spec.decimals);
  return value === spec.off && spec.key !== 'temperature' ? `${text} (off)` : text;
}

/** Clamps into the slider's range, so saved state from elsewhere cannot put a slider where it cannot go. */
export function clampToSlider(spec: SliderSpec, value: number): number {
  return Math.min(spec.max, Math.max(spec.min, value));
}

export interface Decoded {
  values: Float32Array;
  /** Why the full distribution could not be used, if it could not: the top tokens stand in for it. */
  error?: string;
}

/**
 * The whole sorted distribution. Falls back to the top tokens' probabilities when the base64 is empty
 * (a host may leave it out) or broken, so the lab still works on what is shown, only without the tail.
 */
export function decodeDistribution(distribution: LensDistribution): Decoded {
  const fallback = (): Float32Array => Float32Array.from(distribution.top.map((token) => token.probability));
  if (distribution.sortedProbabilities === '') return { values: fallback() };
  try {
    return { values: decodeProbabilities(distribution.sortedProbabilities) };
  } catch (error) {
    return { values: fallback(), error: errorMessage(error) };
  }
}

/** float32 keeps ~7 digits; the host's probability of a token may be the same value in double precision. */
const RANK_TOLERANCE = 1e-6;

/**
 * The rank of a probability in a descending array: the first index whose value is not larger than it.
 * Binary search, because consistent tokens can sit anywhere in a 32k vocabulary.
 */
export function rankOf(sorted: ArrayLike<number>, probability: number): number {
  const limit = probability * (1 + RANK_TOLERANCE);
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? 0) > limit) low = middle + 1;
    else high = middle;
  }
  return low;
}

export interface FinalDistribution extends SampledDistribution {
  entropyBits: number;
}

export function finalDistribution(decoded: Float32Array, settings: SamplerSettings): FinalDistribution {
  const sampled = applySamplers(decoded, settings);
  return { ...sampled, entropyBits: entropyBits(sampled.probabilities) };
}

/** Final probability at a rank: 0 past the survivors or past the end. */
export function finalAt(final: SampledDistribution, rank: number): number {
  return rank < final.kept ? final.probabilities[rank] ?? 0 : 0;
}
