// WCAG 2 contrast of text over a translucent heatmap colour: what the unit tests hold every palette level to, and
// what the E2E tests measure on the colours a live workbench computes.

export type Rgb = readonly [number, number, number];

export interface Colour {
  /** Channels 0–255. */
  rgb: Rgb;
  /** 0 (transparent) to 1 (opaque). */
  alpha: number;
}

/** `#rrggbb` or `#rrggbbaa` → channels 0–255 and alpha 0–1. */
export function parseHex(hex: string): Colour {
  const match = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb[aa] colour: ${hex}`);
  const value = Number.parseInt(match[1] ?? '', 16);
  return {
    rgb: [(value >> 16) & 255, (value >> 8) & 255, value & 255],
    alpha: match[2] === undefined ? 1 : Number.parseInt(match[2], 16) / 255,
  };
}

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
/** What getComputedStyle gives for an sRGB colour: `rgb(r, g, b)` or `rgba(r, g, b, a)` (or the space-separated form). */
const CSS_RGB = new RegExp(String.raw`^rgba?\(\s*${NUMBER}[\s,]+${NUMBER}[\s,]+${NUMBER}(?:\s*[,/]\s*${NUMBER}(%?))?\s*\)$`, 'i');

/** A computed CSS colour (`rgb(…)`, `rgba(…)`) or a `#rrggbb[aa]` one. */
export function parseColour(text: string): Colour {
  const trimmed = text.trim();
  if (trimmed.startsWith('#')) return parseHex(trimmed);
  const match = CSS_RGB.exec(trimmed);
  if (!match) throw new Error(`not an rgb()/rgba() or #rrggbb[aa] colour: ${text}`);
  const [r, g, b] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  if ([r, g, b].some((channel) => channel > 255)) throw new Error(`a channel is over 255: ${text}`);
  const alpha = match[4] === undefined ? 1 : Number(match[4]) / (match[5] === '%' ? 100 : 1);
  if (alpha > 1) throw new Error(`alpha is over 1: ${text}`);
  return { rgb: [r, g, b], alpha };
}

/** What a translucent colour looks like painted over an opaque background; either may be hex or rgb()/rgba(). */
export function blendOver(colour: string, background: string): Rgb {
  const { rgb, alpha } = parseColour(colour);
  const under = parseColour(background).rgb;
  return [0, 1, 2].map((i) => (rgb[i] ?? 0) * alpha + (under[i] ?? 0) * (1 - alpha)) as unknown as Rgb;
}

/** An sRGB channel (0–255) as linear light (0–1). */
export function linearChannel(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance([r, g, b]: Rgb): number {
  return 0.2126 * linearChannel(r) + 0.7152 * linearChannel(g) + 0.0722 * linearChannel(b);
}

/** (lighter + 0.05) / (darker + 0.05): 1 to 21; WCAG AA asks 4.5 for text, AAA 7. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}
