// The figures of a scored file that the Lens's summary shows. A `bits` pass knows each token's probability and
// whether it was the model's first choice, so bits per token, perplexity and the top-1 count are always known; the
// top-10 count and the mean entropy need the `full` pass's ranks and entropies, and are null without them.
import type { FileFigures } from '../../protocol/lensProtocol';
import type { TokenScores } from './heatmapModes';

export type { FileFigures };

export function fileFigures(tokens: readonly TokenScores[]): FileFigures {
  const finite = tokens.filter((token) => Number.isFinite(token.bits));
  const meanBits = mean(finite.map((token) => token.bits));
  const ranks = tokens.map((token) => token.rank);
  const entropies = tokens.map((token) => token.entropyBits);
  return {
    tokens: tokens.length,
    meanBits,
    perplexity: 2 ** meanBits,
    top1: ranks.filter((rank) => rank === 1).length,
    top10: ranks.every(isKnown) ? ranks.filter((rank) => rank <= 10).length : null,
    meanEntropyBits: entropies.every(isKnown) ? mean(entropies) : null,
  };
}

function isKnown(value: number | null): value is number {
  return value !== null;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}
