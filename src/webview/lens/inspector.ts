// The completion inspector: the tokens of the last inline completion, coloured by how sure the model was.
import type { LensToken, TraceStep } from '../../protocol/lensProtocol';
import { surprisalBits, visibleTokenText } from '../../core/lens/distributionMath';
import { SURPRISAL_COLOURS, surprisalBin, translucent } from '../../core/lens/surprisalScale';
import { el, replaceKeepingFocus, section } from './dom';
import { formatPercent } from './format';
import type { TraceMessage } from './viewState';

/** The heatmap's sequential scale, so a colour means the same surprisal here as in the editor. */
function probabilityColour(probability: number): string {
  return translucent(SURPRISAL_COLOURS[surprisalBin(surprisalBits(probability))] ?? SURPRISAL_COLOURS[0]);
}

function describe(token: LensToken): string {
  return `${visibleTokenText(token.text)}  ${formatPercent(token.probability)}`;
}

/** Plain-text tooltip: the chosen token, then the alternatives at that step. */
function tooltip(step: TraceStep): string {
  const lines = step.alternatives.map((token) => `  ${describe(token)}`);
  return [`chosen: ${describe(step.chosen)}`, 'alternatives:', ...(lines.length > 0 ? lines : ['  (none)'])].join('\n');
}

function traceToken(step: TraceStep, index: number, selected: boolean, onSelect: (index: number) => void): HTMLElement {
  const span = el('span', {
    className: selected ? 'trace-token selected' : 'trace-token', testId: 'trace-token', text: visibleTokenText(step.chosen.text),
    title: tooltip(step), attrs: { role: 'button', tabindex: '0', 'aria-pressed': String(selected), 'data-focus-key': `step:${index}` },
  });
  span.style.backgroundColor = probabilityColour(step.chosen.probability);
  span.addEventListener('click', () => onSelect(index));
  span.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    onSelect(index);
  });
  return span;
}

function alternatives(step: TraceStep): HTMLElement {
  const list = el('ul', { className: 'alternatives', testId: 'trace-alternatives' });
  for (const token of step.alternatives) {
    const chosen = token.id === step.chosen.id;
    list.append(el('li', { className: chosen ? 'chosen' : '', testId: 'trace-alternative', attrs: { 'data-token-id': String(token.id) } },
      el('span', { className: 'token-text', testId: 'token-text', text: visibleTokenText(token.text) }),
      el('span', { className: 'num', text: formatPercent(token.probability) })));
  }
  if (step.alternatives.length === 0) list.append(el('li', { className: 'hint', text: 'No alternatives were recorded.' }));
  return list;
}

export interface Inspector {
  root: HTMLElement;
  render(trace: TraceMessage | null, selected: number | null): void;
}

export function createInspector(onSelect: (index: number) => void): Inspector {
  const { root, body } = section('Last completion', 'inspector');
  const render = (trace: TraceMessage | null, selected: number | null): void => {
    root.hidden = trace === null;
    if (!trace) return;
    const tokens = el('div', { className: 'trace-tokens' },
      ...trace.steps.map((step, index) => traceToken(step, index, index === selected, onSelect)));
    const step = selected === null ? undefined : trace.steps[selected];
    const note = el('p', { className: 'hint', text: `${trace.steps.length} tokens. Click one to see what else the model considered.` });
    replaceKeepingFocus(body, note, tokens, ...(step ? [alternatives(step)] : []));
  };
  return { root, render };
}
