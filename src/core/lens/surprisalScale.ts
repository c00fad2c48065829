// The surprisal mode's scale: equal bins of bits up to a saturation point, one palette level each.
import { HEATMAP_LEVELS } from './heatmapPalette';

/** Surprisal (bits) where the scale saturates: a token rarer than 1 in 2^12 gets the top colour. */
export const SCALE_MAX_BITS = 12;

/** Bin i covers [i, i+1) · SCALE_MAX_BITS / HEATMAP_LEVELS bits; the last bin also everything above. */
export function surprisalBin(bits: number, maxBits = SCALE_MAX_BITS): number {
  if (!(bits > 0)) return 0;
  return Math.min(HEATMAP_LEVELS - 1, Math.floor((bits / maxBits) * HEATMAP_LEVELS));
}

/** The lower edge of each bin in bits, for the legend. */
export function binEdges(maxBits = SCALE_MAX_BITS): number[] {
  return Array.from({ length: HEATMAP_LEVELS }, (_, index) => (index * maxBits) / HEATMAP_LEVELS);
}
