// The heatmap section's file figures and its legend. Swatches take the same theme colours as the editor decorations
// (classes level-N in lens.css), so the legend matches the editor in every theme.
import type { HeatmapSummary } from '../../protocol/lensProtocol';
import { legendFor, MODE_TITLES } from '../../core/lens/heatmapModes';
import { el } from '../common/dom';
import { formatBits, formatPercent } from './format';

function share(count: number, total: number): string {
  return `${formatPercent(total === 0 ? 0 : count / total)} (${count} of ${total})`;
}

function figure(label: string, value: string, testId: string): HTMLElement {
  return el('div', { className: 'stat' }, el('dt', { text: label }), el('dd', { testId, text: value }));
}

/** Bits per token, perplexity, the top-1 and top-10 shares and the mean entropy, with a note for what needs ranks. */
export function figuresList(summary: HeatmapSummary): HTMLElement[] {
  const figures = el('dl', { className: 'figures' },
    figure('Bits per token', formatBits(summary.meanBits), 'figure-bits'),
    figure('Perplexity', Number.isFinite(summary.perplexity) ? summary.perplexity.toFixed(2) : '—', 'figure-perplexity'),
    figure('Top-1 tokens', share(summary.top1, summary.tokens), 'figure-top1'),
    figure('Top-10 tokens', summary.top10 === null ? '—' : share(summary.top10, summary.tokens), 'figure-top10'),
    figure('Mean entropy', summary.meanEntropyBits === null ? '—' : formatBits(summary.meanEntropyBits), 'figure-entropy'));
  if (summary.top10 !== null) return [figures];
  // Surprisal's fast pass knows each probability and whether it was the first choice, not the rank of the others.
  const note = el('p', {
    className: 'hint', testId: 'figures-note',
    text: 'Top-10 and mean entropy need every token\'s rank: colour by Rank or Entropy (a slower pass) to compute them.',
  });
  return [figures, note];
}

export function legend(summary: HeatmapSummary): HTMLElement[] {
  const entries = legendFor(summary.mode).map(({ level, label }) =>
    el(
      'li',
      {},
      el('span', {
        className: `swatch level-${level}`,
        testId: 'legend-swatch',
        attrs: { 'data-level': String(level), 'aria-hidden': 'true' },
      }),
      el('span', { testId: 'legend-label', text: label }),
    ),
  );
  return [
    el('h3', { text: `Colours: ${MODE_TITLES[summary.mode].toLowerCase()}` }),
    el('ul', { className: 'legend', testId: 'legend', attrs: { 'data-mode': summary.mode } }, ...entries),
  ];
}
