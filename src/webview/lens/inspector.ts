// The completion inspector: the tokens of the last inline completion, coloured by how sure the model was, with a mark
// on a token chosen from outside the top tokens the trace lists.
import type { LensToken, TraceStep } from '../../protocol/lensProtocol';
import { surprisalBits } from '../../core/lens/distributionMath';
import { tokenLabel } from '../../core/lens/tokenDisplay';
import { surprisalBin } from '../../core/lens/surprisalScale';
import { chosenOutsideListed } from '../../core/lens/traceMarks';
import { el, replaceKeepingFocus, section } from '../common/dom';
import { formatPercent } from './format';
import { tokenText } from './tokenText';
import type { TraceMessage } from './viewState';

function describe(token: LensToken): string {
  return `${tokenLabel(token)}  ${formatPercent(token.probability)}`;
}

function outsideNote(step: TraceStep): string {
  return `chosen outside the top ${step.alternatives.length} listed`;
}

/** Plain-text tooltip: the chosen token, then the alternatives at that step. */
function tooltip(step: TraceStep): string {
  const lines = step.alternatives.map((token) => `  ${describe(token)}`);
  const outside = chosenOutsideListed(step) ? [`(${outsideNote(step)})`] : [];
  return [`chosen: ${describe(step.chosen)}`, ...outside, 'alternatives:', ...(lines.length > 0 ? lines : ['  (none)'])].join('\n');
}

function traceToken(step: TraceStep, index: number, selected: boolean, onSelect: (index: number) => void): HTMLElement {
  const outside = chosenOutsideListed(step);
  // The heatmap's surprisal levels, so a colour means the same here as in the editor.
  const level = surprisalBin(surprisalBits(step.chosen.probability));
  const classes = ['trace-token', `level-${level}`, ...(selected ? ['selected'] : []), ...(outside ? ['outside-top'] : [])];
  const span = tokenText(step.chosen, {
    className: classes.join(' '), testId: 'trace-token', title: tooltip(step),
    attrs: {
      role: 'button', tabindex: '0', 'aria-pressed': String(selected), 'data-focus-key': `step:${index}`,
      'data-token-id': String(step.chosen.id), 'data-listed': String(step.alternatives.length), 'data-outside-top': String(outside),
      ...(outside ? { 'aria-description': outsideNote(step) } : {}),
    },
  });
  span.addEventListener('click', () => onSelect(index));
  span.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    onSelect(index);
  });
  return span;
}

function row(token: LensToken, className: string, note = ''): HTMLElement {
  return el('li', { className, testId: 'trace-alternative', attrs: { 'data-token-id': String(token.id) } },
    tokenText(token),
    ...(note ? [el('span', { className: 'hint', testId: 'outside-note', text: note })] : []),
    el('span', { className: 'num', text: formatPercent(token.probability) }));
}

/** The listed tokens, the chosen one in bold among them; a chosen token from outside them comes last, marked. */
function alternatives(step: TraceStep): HTMLElement {
  const list = el('ul', { className: 'alternatives', testId: 'trace-alternatives' });
  const listed = step.alternatives.some((token) => token.id === step.chosen.id);
  const outside = chosenOutsideListed(step);
  const inside =
    listed || outside ? [...step.alternatives] : [...step.alternatives, step.chosen].sort((a, b) => b.probability - a.probability);
  for (const token of inside) list.append(row(token, token.id === step.chosen.id ? 'chosen' : ''));
  if (outside) list.append(row(step.chosen, 'chosen outside-top', outsideNote(step)));
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
    const marked = trace.steps.some(chosenOutsideListed)
      ? ' A dashed outline marks a token chosen from outside the listed top tokens.'
      : '';
    const note = el('p', {
      className: 'hint',
      text: `${trace.steps.length} tokens. Click one to see what else the model considered.${marked}`,
    });
    replaceKeepingFocus(body, note, tokens, ...(step ? [alternatives(step)] : []));
  };
  return { root, render };
}
