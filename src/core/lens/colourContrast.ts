// WCAG 2 contrast of text over a translucent heatmap colour: what the unit tests hold every palette level to.

export type Rgb = readonly [number, number, number];

/** `#rrggbb` or `#rrggbbaa` → channels 0–255 and alpha 0–1. */
export function parseHex(hex: string): { rgb: Rgb; alpha: number } {
  const match = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb[aa] colour: ${hex}`);
  const value = Number.parseInt(match[1] ?? '', 16);
  return {
    rgb: [(value >> 16) & 255, (value >> 8) & 255, value & 255],
    alpha: match[2] === undefined ? 1 : Number.parseInt(match[2], 16) / 255,
  };
}

/** What a translucent colour looks like painted over an opaque background. */
export function blendOver(colour: string, background: string): Rgb {
  const { rgb, alpha } = parseHex(colour);
  const under = parseHex(background).rgb;
  return [0, 1, 2].map((i) => (rgb[i] ?? 0) * alpha + (under[i] ?? 0) * (1 - alpha)) as unknown as Rgb;
}

function linear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance([r, g, b]: Rgb): number {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** (lighter + 0.05) / (darker + 0.05): 1 to 21; WCAG AA asks 4.5 for text, AAA 7. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}
