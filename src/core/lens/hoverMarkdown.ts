// The heatmap hover's text, as Markdown: the token's probability, rank and the entropy where it stands, then the
// likeliest tokens at that place. Token texts only ever appear inside code spans (markdownCode.ts).
import { rankBucket, RANK_BUCKETS } from './rankBuckets';
import { markdownCodeSpan } from './markdownCode';

export interface HoverToken {
  text: string;
  bits: number;
  /** Null when neither the pass nor the hover's own request could say. */
  rank: number | null;
  entropyBits: number | null;
}

export interface HoverAlternative {
  text: string;
  probability: number;
  /** The token that is in the file. */
  actual: boolean;
}

export interface HoverFacts {
  /** The token under the mouse; several when byte tokens spell one character together. */
  tokens: readonly HoverToken[];
  /** The likeliest tokens where the first one stands; null when they could not be computed. */
  alternatives: readonly HoverAlternative[] | null;
}

/** '42.17%' from 1% up; three significant digits below ('0.0946%'), so a rare token's odds still read exactly. */
export function formatProbability(probability: number): string {
  if (!Number.isFinite(probability)) return '—';
  const percent = probability * 100;
  if (percent >= 1 || percent === 0) return `${percent.toFixed(2)}%`;
  return percent >= 1e-4 ? `${percent.toPrecision(3)}%` : `${percent.toExponential(2)}%`;
}

function rankText(rank: number | null): string {
  return rank === null ? 'rank unknown' : `rank **${rank}** (${RANK_BUCKETS[rankBucket(rank)]?.label ?? ''})`;
}

function tokenLine(token: HoverToken): string {
  const parts = [
    `${markdownCodeSpan(token.text)} probability **${formatProbability(2 ** -token.bits)}** (${token.bits.toFixed(3)} bits)`,
    rankText(token.rank),
  ];
  if (token.entropyBits !== null) parts.push(`entropy here ${token.entropyBits.toFixed(3)} bits`);
  return parts.join(' · ');
}

export function hoverMarkdown(facts: HoverFacts): string {
  const lines = ['**Llama Lens**', ''];
  if (facts.tokens.length > 1) lines.push(`${facts.tokens.length} byte tokens spell this character:`, '');
  for (const token of facts.tokens) lines.push(`${tokenLine(token)}`, '');
  if (facts.alternatives === null) {
    lines.push('*The likeliest tokens here could not be computed.*');
  } else {
    lines.push('Likeliest here:', '');
    facts.alternatives.forEach((alternative, index) => {
      const mark = alternative.actual ? ' ← this token' : '';
      lines.push(`${index + 1}. ${markdownCodeSpan(alternative.text)} ${formatProbability(alternative.probability)}${mark}`);
    });
  }
  return lines.join('\n');
}
