// The panel's header: where the cursor is, and what the host is doing.
import type { CursorInfo } from '../../protocol/lensProtocol';
import { el } from '../common/dom';
import { formatCursor } from './format';

export interface Header {
  root: HTMLElement;
  setCursor(cursor: CursorInfo | null): void;
  setStatus(message: string, busy: boolean): void;
}

export function createHeader(): Header {
  const cursorLine = el('div', { className: 'cursor', testId: 'cursor' });
  const spinner = el('span', { className: 'busy', attrs: { 'aria-hidden': 'true' } });
  const message = el('span', { className: 'status-message' });
  // role=status makes screen readers announce host progress without taking focus.
  const status = el('div', { className: 'status', testId: 'status', attrs: { role: 'status', 'aria-busy': 'false' } }, spinner, message);
  const hint = el('p', {
    className: 'hint empty-hint', testId: 'empty-hint',
    text: "Move the cursor in an editor to see the model's next-token distribution.",
  });
  const root = el('header', { className: 'lens-header' }, cursorLine, status, hint);

  const setCursor = (cursor: CursorInfo | null): void => {
    cursorLine.textContent = cursor ? formatCursor(cursor) : '';
    cursorLine.title = cursor ? `${cursor.file}, line ${cursor.line + 1}, column ${cursor.character + 1}` : '';
    cursorLine.hidden = cursor === null;
    hint.hidden = cursor !== null;
  };
  const setStatus = (text: string, busy: boolean): void => {
    message.textContent = text;
    spinner.hidden = !busy;
    status.classList.toggle('is-busy', busy);
    status.setAttribute('aria-busy', String(busy));
  };
  setStatus('', false);
  return { root, setCursor, setStatus };
}
