// What the heatmap colours by. Surprisal needs only each token's probability (the engine's fast `bits` pass); rank
// and entropy need the whole distribution at each position (its `full` pass, several times slower).
import type { SurprisalDetail } from '../../protocol/engineProtocol';
import type { HeatmapMode } from '../../protocol/lensProtocol';
import { ENTROPY_EDGES, entropyBin } from './entropyScale';
import { RANK_BUCKETS, rankBucket } from './rankBuckets';
import { binEdges, surprisalBin } from './surprisalScale';

export type { HeatmapMode };

export const MODE_TITLES: Readonly<Record<HeatmapMode, string>> = { surprisal: 'Surprisal', rank: 'Rank', entropy: 'Entropy' };

/** What a token's colour is computed from: the fields of the engine's TokenSurprisal. */
export interface TokenScores {
  bits: number;
  rank: number | null;
  entropyBits: number | null;
}

export function detailFor(mode: HeatmapMode): SurprisalDetail {
  return mode === 'surprisal' ? 'bits' : 'full';
}

/** Rank buckets use five of the six levels, skipping the one between top 10 and top 100's: GLTR's steps, cool to hot. */
const RANK_LEVELS = [0, 1, 2, 4, 5] as const;

/** The palette level of a token in a mode; undefined when the pass did not compute what the mode needs. */
export function tokenLevel(mode: HeatmapMode, token: TokenScores): number | undefined {
  switch (mode) {
    case 'surprisal':
      return surprisalBin(token.bits);
    case 'rank':
      return token.rank === null ? undefined : RANK_LEVELS[rankBucket(token.rank)];
    case 'entropy':
      return token.entropyBits === null ? undefined : entropyBin(token.entropyBits);
    default: {
      const unknown: never = mode;
      throw new Error(`unknown heatmap mode ${String(unknown)}`);
    }
  }
}

export interface LegendEntry {
  level: number;
  label: string;
}

/** The legend of a mode, in the order of its scale. */
export function legendFor(mode: HeatmapMode): LegendEntry[] {
  switch (mode) {
    case 'surprisal':
      return bitsRangeLabels(binEdges()).map((label, level) => ({ level, label }));
    case 'rank':
      return RANK_BUCKETS.map((bucket, index) => ({ level: RANK_LEVELS[index] ?? 0, label: bucket.label }));
    case 'entropy':
      return bitsRangeLabels(ENTROPY_EDGES).map((label, level) => ({ level, label }));
    default: {
      const unknown: never = mode;
      throw new Error(`unknown heatmap mode ${String(unknown)}`);
    }
  }
}

/** A bin edge: whole numbers as they are, others to one decimal. */
function formatEdge(bits: number): string {
  return Number.isInteger(bits) ? String(bits) : bits.toFixed(1);
}

/** Labels for lower bin edges: '0–2 bits', …, '≥10 bits' (the last bin is open-ended). */
export function bitsRangeLabels(edges: readonly number[]): string[] {
  return edges.map((edge, index) => {
    const next = edges[index + 1];
    return next === undefined ? `≥${formatEdge(edge)} bits` : `${formatEdge(edge)}–${formatEdge(next)} bits`;
  });
}
