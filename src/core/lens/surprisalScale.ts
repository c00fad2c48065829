// The heatmap's colour scale, shared by the editor decorations and the legend in the Lens.
// Cividis-like steps (blue → grey → yellow): ordered in lightness and readable with every common
// colour-vision deficiency, unlike red/green scales.

/** Surprisal (bits) where the scale saturates: a token rarer than 1 in 2^12 gets the top colour. */
export const SCALE_MAX_BITS = 12;

/** Bin i covers [i, i+1) · SCALE_MAX_BITS / BINS bits; the last bin also everything above. */
export const SURPRISAL_COLOURS = ['#00224e', '#35456c', '#666970', '#948e77', '#c8b866', '#fee838'] as const;

/** Translucency of the decoration backgrounds, so the code stays readable. */
export const HEATMAP_ALPHA = 0.45;

export function surprisalBin(bits: number, maxBits = SCALE_MAX_BITS): number {
  if (!(bits > 0)) return 0;
  const bins = SURPRISAL_COLOURS.length;
  return Math.min(bins - 1, Math.floor((bits / maxBits) * bins));
}

/** The lower edge of each bin in bits, for the legend. */
export function binEdges(maxBits = SCALE_MAX_BITS): number[] {
  return SURPRISAL_COLOURS.map((_, index) => (index * maxBits) / SURPRISAL_COLOURS.length);
}

/** `#rrggbb` with the heatmap's alpha, as `rgba(...)`. */
export function translucent(hex: string, alpha = HEATMAP_ALPHA): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}
