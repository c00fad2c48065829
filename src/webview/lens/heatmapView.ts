// The surprisal heatmap's summary: the legend for the editor colours and the most surprising lines.
import type { HeatmapSummary, SurprisingLine } from '../../protocol/lensProtocol';
import { binEdges, SURPRISAL_COLOURS } from '../../core/lens/surprisalScale';
import { button, el, replaceKeepingFocus, section } from './dom';
import { formatBits, legendLabels, visibleLineText } from './format';

function legend(scaleMaxBits: number): HTMLElement {
  const labels = legendLabels(binEdges(scaleMaxBits));
  return el('ul', { className: 'legend', testId: 'legend' }, ...SURPRISAL_COLOURS.map((colour, index) => {
    const swatch = el('span', { className: 'swatch', testId: 'legend-swatch' });
    // Opaque here (the editor blends it with alpha), so the swatch reads the same on any theme.
    swatch.style.backgroundColor = colour;
    return el('li', {}, swatch, el('span', { text: labels[index] ?? '' }));
  }));
}

function lineButton(line: SurprisingLine, onReveal: (line: number) => void): HTMLElement {
  const element = button('', {
    className: 'surprising-line', testId: 'surprising-line',
    attrs: { 'data-line': String(line.line), 'data-focus-key': `line:${line.line}` }, title: 'Go to this line',
  }, () => onReveal(line.line));
  // Lines are shown 1-based, as the editor numbers them; `data-line` and the message keep the host's value.
  element.append(
    el('span', { className: 'line-number', text: `${line.line + 1}` }),
    el('span', { className: 'num', text: formatBits(line.bits) }),
    el('code', { className: 'line-text', text: visibleLineText(line.text.trim()) }),
  );
  return element;
}

export interface HeatmapView {
  root: HTMLElement;
  render(summary: HeatmapSummary | null): void;
}

export function createHeatmapView(onReveal: (line: number) => void): HeatmapView {
  const { root, body } = section('Surprisal heatmap', 'heatmap');
  const render = (summary: HeatmapSummary | null): void => {
    root.hidden = summary === null;
    if (!summary) return;
    const line = el('p', {
      className: 'summary', testId: 'heatmap-summary',
      text: `${summary.file}: ${summary.tokens} tokens, mean ${formatBits(summary.meanBits)}`,
    });
    const lines = summary.lines.map((item) => el('li', {}, lineButton(item, onReveal)));
    const list = lines.length > 0
      ? el('ol', { className: 'surprising-lines' }, ...lines)
      : el('p', { className: 'hint', text: 'No lines stand out.' });
    replaceKeepingFocus(body, line, legend(summary.scaleMaxBits), el('h3', { text: 'Most surprising lines' }), list);
  };
  return { root, render };
}
