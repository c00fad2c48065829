// One file's heatmap scores, kept per pass detail, each with the text it was scored on. Switching the mode back to one
// whose scores are still current costs no pass; a stale entry is re-scored from where the text departs from it.
import type { SurprisalDetail, TokenSurprisal } from '../../protocol/engineProtocol';
import { mergeRescored } from './heatmapSummary';
import { detailFor, type HeatmapMode } from './heatmapModes';

interface Scored {
  text: string;
  tokens: TokenSurprisal[];
}

export class ScoreCache {
  private readonly byDetail = new Map<SurprisalDetail, Scored>();

  /**
   * Tokens scored on exactly `text` that can colour `mode`, or undefined when a pass is needed. A `full` pass has
   * exact bits too, so it serves surprisal as well.
   */
  current(mode: HeatmapMode, text: string): TokenSurprisal[] | undefined {
    const details: SurprisalDetail[] = detailFor(mode) === 'bits' ? ['bits', 'full'] : ['full'];
    for (const detail of details) {
      const scored = this.byDetail.get(detail);
      if (scored && scored.text === text) return scored.tokens;
    }
    return undefined;
  }

  /** The best current tokens for the summary: those with ranks and entropies when a current `full` pass has them. */
  best(text: string): TokenSurprisal[] | undefined {
    return this.current('rank', text) ?? this.current('surprisal', text);
  }

  /** What to paint `mode` with while a pass is on its way: the latest tokens of its detail, current or not. */
  latest(mode: HeatmapMode): TokenSurprisal[] {
    return this.byDetail.get(detailFor(mode))?.tokens ?? (mode === 'surprisal' ? this.byDetail.get('full')?.tokens : undefined) ?? [];
  }

  /**
   * The character offset a pass of `detail` on `text` can score from. At most the text's last character, so that a
   * pass always re-scores the last token: one that ended exactly there may have merged with what was deleted.
   */
  scoreFrom(detail: SurprisalDetail, text: string): number {
    const previous = this.byDetail.get(detail)?.text ?? '';
    return Math.min(commonPrefixLength(previous, text), Math.max(0, text.length - 1));
  }

  /** Takes a pass's tokens (those from `scoreFrom` on) for `text`. */
  store(detail: SurprisalDetail, text: string, fresh: readonly TokenSurprisal[]): void {
    const previous = this.byDetail.get(detail)?.tokens ?? [];
    this.byDetail.set(detail, { text, tokens: mergeRescored(previous, fresh) });
  }
}

export function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a.charCodeAt(index) === b.charCodeAt(index)) index++;
  return index;
}
