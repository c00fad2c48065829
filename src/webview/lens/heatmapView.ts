// The heatmap section: what to colour by, the file's figures, the legend and the most surprising lines.
import { HEATMAP_MODES, type HeatmapMode, type HeatmapSummary, type SurprisingLine } from '../../protocol/lensProtocol';
import { MODE_TITLES } from '../../core/lens/heatmapModes';
import { button, el, replaceKeepingFocus, section } from '../common/dom';
import { figuresList, legend } from './heatmapFigures';
import { formatBits, visibleLineText } from './format';

const MODE_HINTS: Readonly<Record<HeatmapMode, string>> = {
  surprisal: 'How surprised the model was by each token (fast)',
  rank: 'Where each token stood among the model\'s guesses: top 1, 10, 100, 1000 (a slower pass)',
  entropy: 'How unsure the model was at each position, whatever came (a slower pass)',
};

function modeSwitch(summary: HeatmapSummary, onMode: (mode: HeatmapMode) => void): HTMLElement {
  const buttons = HEATMAP_MODES.map((mode) => {
    const pending = summary.pendingMode === mode;
    return button(MODE_TITLES[mode], {
      className: pending ? 'mode pending' : 'mode', testId: 'heatmap-mode', title: MODE_HINTS[mode],
      attrs: { 'data-mode': mode, 'aria-pressed': String(summary.mode === mode), 'data-focus-key': `mode:${mode}` },
    }, () => onMode(mode));
  });
  const switcher = el('div', { className: 'mode-switch', attrs: { role: 'group', 'aria-label': 'Colour the heatmap by' } },
    el('span', { className: 'mode-label', text: 'Colour by' }), ...buttons);
  if (summary.pendingMode === null) return switcher;
  const waiting = el('p', {
    className: 'hint',
    testId: 'heatmap-pending',
    text: `Scoring for ${MODE_TITLES[summary.pendingMode].toLowerCase()}…`,
  });
  return el('div', {}, switcher, waiting);
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

export function createHeatmapView(onReveal: (line: number) => void, onMode: (mode: HeatmapMode) => void): HeatmapView {
  const { root, body } = section('Heatmap', 'heatmap');
  const render = (summary: HeatmapSummary | null): void => {
    root.hidden = summary === null;
    if (!summary) return;
    const title = el('p', { className: 'summary', testId: 'heatmap-summary', text: `${summary.file}: ${summary.tokens} tokens` });
    const lines = summary.lines.map((item) => el('li', {}, lineButton(item, onReveal)));
    const list = lines.length > 0
      ? el('ol', { className: 'surprising-lines' }, ...lines)
      : el('p', { className: 'hint', text: 'No lines stand out.' });
    replaceKeepingFocus(body, modeSwitch(summary, onMode), title, ...figuresList(summary), ...legend(summary),
      el('h3', { text: 'Most surprising lines' }), list);
  };
  return { root, render };
}
