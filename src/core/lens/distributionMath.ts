// Pure maths behind the Lens: reshaping a next-token distribution the way llama.cpp's samplers do,
// summary statistics, a compact wire format and a safe rendering of token text.
// No `vscode`, `node-llama-cpp` or Node built-ins: this module also runs inside the webview.
//
// Distributions are probabilities over the whole vocabulary, sorted in descending order, so a
// "rank" is an index into that array. Every sampler here keeps a prefix of the ranking (none of
// them reorders), which is why a single `kept` count describes the survivors.

export interface SamplerSettings {
  /** 0 = greedy; 1 = unchanged; larger flattens. */
  temperature: number;
  /** Keep the first k ranks; 0 = off. */
  topK: number;
  /** Nucleus: keep the smallest prefix with cumulative probability ≥ topP; 1 = off. */
  topP: number;
  /** Keep ranks with p ≥ minP · p(rank 0); 0 = off. */
  minP: number;
}

/** Settings under which `applySamplers` only renormalises. Frozen so no caller can shift the baseline. */
export const NEUTRAL_SAMPLER: Readonly<SamplerSettings> = Object.freeze({ temperature: 1, topK: 0, topP: 1, minP: 0 });

export interface SampledDistribution {
  /** Final probability per rank (same length as the input), 0 for pruned ranks. */
  probabilities: Float64Array;
  /**
   * How many leading ranks survive (samplers never reorder, so survivors are a prefix of the ranking).
   * Zero-probability ranks inside the prefix count as survivors: only a sampler removes a rank.
   * 0 only for an empty input or one without any positive mass.
   */
  kept: number;
}

/**
 * Relative slack for the top-p and min-p comparisons, so that values equal on paper (0.7 + 0.1 vs 0.8)
 * are not split by double rounding. It is far below float32 precision, so real cuts are unaffected.
 */
const CUT_TOLERANCE = 1e-9;

/**
 * Clamps slider values into the ranges the samplers understand (sliders and settings files can
 * produce anything). NaN means "unset", so it maps to the neutral value:
 * - temperature: NaN → 1, < 0 → 0 (greedy), +Infinity kept (uniform over the positive survivors);
 * - topK: NaN, negative or infinite → 0 (off), fractions floored;
 * - topP: NaN or ≥ 1 → 1 (off), ≤ 0 → 0 (keeps rank 0 only, as llama.cpp's `cum ≥ p` holds at once);
 * - minP: NaN → 0 (off), otherwise clamped to [0, 1].
 */
export function normaliseSamplerSettings(settings: SamplerSettings): SamplerSettings {
  const { temperature, topK, topP, minP } = settings;
  return {
    temperature: Number.isNaN(temperature) ? 1 : Math.max(0, temperature),
    topK: Number.isFinite(topK) && topK > 0 ? Math.floor(topK) : 0,
    topP: Number.isNaN(topP) ? 1 : Math.min(1, Math.max(0, topP)),
    minP: Number.isNaN(minP) ? 0 : Math.min(1, Math.max(0, minP)),
  };
}

/**
 * Applies the samplers in llama.cpp's default order: top-k, then top-p, then min-p, then temperature,
 * and renormalises over the survivors. Each step sees the previous step's survivors renormalised,
 * and the pruning steps see the distribution at temperature 1 (temperature comes last), exactly as
 * llama.cpp's default chain does.
 *
 * - top-k keeps the first k ranks (k = 0 or k ≥ length: off).
 * - top-p keeps the smallest prefix whose renormalised cumulative probability reaches topP, at least 1 rank.
 * - min-p keeps ranks with p ≥ minP · p(rank 0), at least 1 rank. A ratio, so renormalising first changes nothing.
 * - temperature raises survivors to p^(1/T) and renormalises: identical to llama.cpp's softmax(logit / T),
 *   since p ∝ e^logit. T = 0 is greedy: all mass on rank 0, and only rank 0 is kept.
 *
 * Ties at a cut follow the plain prefix rule: top-k and top-p cut between equal probabilities if the count
 * or the cumulative sum says so (the earlier rank wins); min-p compares values, so it keeps or drops equal
 * probabilities together. Negative or NaN input values are treated as 0. The input must be sorted descending;
 * otherwise the prefix rules do not match llama.cpp.
 */
export function applySamplers(sortedProbabilities: ArrayLike<number>, settings: SamplerSettings): SampledDistribution {
  const values = sanitise(sortedProbabilities);
  const { temperature, topK, topP, minP } = normaliseSamplerSettings(settings);
  if (sumPrefix(values, values.length) <= 0) return { probabilities: new Float64Array(values.length), kept: 0 };
  let kept = values.length;
  if (topK > 0) kept = Math.min(kept, topK);
  kept = topPCut(values, kept, topP);
  kept = minPCut(values, kept, minP);
  // Greedy prunes like llama.cpp's temperature ≤ 0, which masks every logit but the best one.
  if (temperature === 0) kept = 1;
  return { probabilities: applyTemperature(values, kept, temperature), kept };
}

/** Copies into doubles (so later sums are not float32) and zeroes values that cannot be probabilities. */
export function sanitise(input: ArrayLike<number>): Float64Array {
  const out = new Float64Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const value = input[i] ?? 0;
    out[i] = value > 0 && Number.isFinite(value) ? value : 0;
  }
  return out;
}

export function sumPrefix(values: ArrayLike<number>, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[i] ?? 0;
  return sum;
}

/**
 * Returns the new prefix length. Compares cumulative mass against topP · (mass of the prefix) instead of dividing.
 * Exported (with minPCut) so the sampler lab's chart draws the very cuts applySamplers makes.
 */
export function topPCut(values: Float64Array, kept: number, topP: number): number {
  if (topP >= 1) return kept;
  const target = topP * sumPrefix(values, kept) * (1 - CUT_TOLERANCE);
  let cumulative = 0;
  for (let i = 0; i < kept; i++) {
    cumulative += values[i] ?? 0;
    if (cumulative >= target) return i + 1;
  }
  return kept;
}

export function minPCut(values: Float64Array, kept: number, minP: number): number {
  if (minP <= 0) return kept;
  const threshold = minP * (values[0] ?? 0) * (1 - CUT_TOLERANCE);
  // Rank 0 always passes (minP ≤ 1), so the result is at least 1.
  for (let i = 1; i < kept; i++) {
    if ((values[i] ?? 0) < threshold) return i;
  }
  return kept;
}

/**
 * Writes the final distribution. Works on ratios to the largest survivor, (p_i / p_max)^(1/T), so a small T
 * cannot underflow every weight to 0: the largest survivor always weighs 1.
 */
function applyTemperature(values: Float64Array, kept: number, temperature: number): Float64Array {
  const out = new Float64Array(values.length);
  if (temperature === 0) {
    out[0] = 1;
    return out;
  }
  let max = 0;
  for (let i = 0; i < kept; i++) max = Math.max(max, values[i] ?? 0);
  const exponent = 1 / temperature;
  let total = 0;
  for (let i = 0; i < kept; i++) {
    const p = values[i] ?? 0;
    // Guard p = 0 explicitly: 0^0 is 1 in JavaScript, which T = Infinity would otherwise hit.
    const weight = p > 0 ? (temperature === 1 ? p : Math.pow(p / max, exponent)) : 0;
    out[i] = weight;
    total += weight;
  }
  for (let i = 0; i < kept; i++) out[i] = (out[i] ?? 0) / total;
  return out;
}

/** Shannon entropy in bits (0 · log 0 = 0). Not renormalised: pass a distribution that sums to 1. */
export function entropyBits(probabilities: ArrayLike<number>): number {
  let entropy = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i] ?? 0;
    if (p > 0) entropy -= p * Math.log2(p);
  }
  return entropy;
}

/**
 * Probability mass outside the first k ranks (k floored; k ≤ 0 or NaN gives the whole mass).
 * Summed directly rather than as 1 − head, so a tiny tail keeps its precision.
 */
export function tailMass(sortedProbabilities: ArrayLike<number>, k: number): number {
  const start = k > 0 ? Math.floor(k) : 0;
  let sum = 0;
  for (let i = start; i < sortedProbabilities.length; i++) sum += sortedProbabilities[i] ?? 0;
  return sum;
}

/** p(rank 0) − p(rank 1): how decided the model is. 0 for fewer than 2 ranks. */
export function margin(sortedProbabilities: ArrayLike<number>): number {
  if (sortedProbabilities.length < 2) return 0;
  return (sortedProbabilities[0] ?? 0) - (sortedProbabilities[1] ?? 0);
}

/** −log2 p in bits; Infinity for p = 0, NaN for negative p. */
export function surprisalBits(probability: number): number {
  // 0 − x rather than −x, so p = 1 gives 0, not -0.
  return 0 - Math.log2(probability);
}

/** Natural log probability; −Infinity for 0, NaN for negative p. */
export function logProbability(probability: number): number {
  return Math.log(probability);
}

/** Characters per String.fromCharCode call: large enough to be fast, small enough for any engine's argument limit. */
const CHUNK = 0x8000;

/**
 * Base64 of the values as little-endian float32 bytes, for sending a full vocabulary distribution compactly.
 * Uses btoa (browser and Node ≥ 16), not Buffer, because the webview decodes it. Byte order is fixed via
 * DataView so the format does not depend on the platform.
 */
export function encodeProbabilities(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] ?? 0, true);
  let binary = '';
  for (let start = 0; start < bytes.length; start += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(start, start + CHUNK));
  }
  return btoa(binary);
}

const LITTLE_ENDIAN = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;

/** Inverse of `encodeProbabilities`. Throws on text that is not base64 of whole float32 values. */
export function decodeProbabilities(base64: string): Float32Array {
  const binary = atob(base64);
  if (binary.length % 4 !== 0) throw new Error(`Encoded probabilities have ${binary.length} bytes, not a multiple of 4`);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  // On a little-endian machine (all that VS Code runs on) the bytes are already the floats: view them, no copy.
  if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer);
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(binary.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Whitespace that tokens are full of, drawn with a visible stand-in. */
const WHITESPACE_GLYPHS: Readonly<Record<string, string>> = { ' ': '·', '\t': '→', '\n': '↵', '\r': '␍' };

/** Invisible characters that could hide or reorder text (Trojan Source): C0 controls, DEL and bidi controls. */
function isInvisibleControl(code: number): boolean {
  return code < 0x20 || code === 0x7f || code === 0x061c || code === 0x200e || code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

/**
 * Token text made visible: space → '·', tab → '→', newline → '↵', carriage return → '␍'; other C0 controls,
 * DEL and Unicode bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) → their escape, e.g. '\u202E';
 * '' → '∅'. Everything else, including '<' and '&', is returned unchanged: HTML escaping is the renderer's job.
 */
export function visibleTokenText(text: string): string {
  if (text === '') return '∅';
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    const code = text.charCodeAt(i);
    const glyph = WHITESPACE_GLYPHS[char];
    if (glyph !== undefined) out += glyph;
    else if (isInvisibleControl(code)) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += char; // Surrogate halves pass through unchanged, so astral characters survive intact.
  }
  return out;
}
