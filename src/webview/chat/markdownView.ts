// Builds an answer's Markdown as DOM, with createElement and textContent only: the model's output is never parsed as
// HTML, so an answer that holds <script> or <img onerror> shows those characters and nothing else. Links are shown as
// text with their target as a tooltip; nothing in an answer is fetched or opened.
import { highlight } from '../../core/chat/highlight';
import { parseMarkdown, type Inline, type MarkdownBlock } from '../../core/chat/markdown';
import type { CodeAction } from '../../protocol/chatViewProtocol';
import { button, el } from '../common/dom';

export type OnCodeAction = (action: CodeAction, block: number) => void;

/** `streaming`: the answer is still arriving, so a fence not closed yet may still grow. */
export function renderMarkdown(source: string, streaming: boolean, onCode: OnCodeAction): HTMLElement {
  return el('div', { className: 'markdown' }, ...parseMarkdown(source).map((block) => renderBlock(block, streaming, onCode)));
}

function renderBlock(block: MarkdownBlock, streaming: boolean, onCode: OnCodeAction): HTMLElement {
  switch (block.kind) {
    case 'paragraph':
      return el('p', {}, ...renderInlines(block.inlines));
    case 'heading':
      return el(`h${Math.min(6, block.level + 2)}` as 'h3', {}, ...renderInlines(block.inlines));
    case 'quote':
      return el('blockquote', {}, ...renderInlines(block.inlines));
    case 'list':
      return el(block.ordered ? 'ol' : 'ul', { attrs: block.ordered ? { start: String(block.start) } : {} },
        ...block.items.map((item) => el('li', {}, ...renderInlines(item))));
    case 'code':
      return renderCode(block, block.closed || !streaming, onCode);
    default: {
      const unreachable: never = block;
      return unreachable;
    }
  }
}

function renderInlines(inlines: readonly Inline[]): Node[] {
  return inlines.map((inline) => {
    switch (inline.kind) {
      case 'text':
        return document.createTextNode(inline.text);
      case 'code':
        return el('code', { text: inline.text });
      case 'strong':
        return el('strong', { text: inline.text });
      case 'em':
        return el('em', { text: inline.text });
      case 'link':
        return el('span', { className: 'link', text: inline.text, title: inline.href });
      default: {
        const unreachable: never = inline;
        return unreachable;
      }
    }
  });
}

const ACTIONS: readonly { action: CodeAction; label: string; title: string }[] = [
  { action: 'copy', label: 'Copy', title: 'Copy the code' },
  { action: 'insert', label: 'Insert', title: 'Insert at the cursor (replaces the selection)' },
  { action: 'apply', label: 'Apply', title: 'Show as a diff of the selection, or of the whole file when nothing is selected' },
];

function renderCode(block: Extract<MarkdownBlock, { kind: 'code' }>, whole: boolean, onCode: OnCodeAction): HTMLElement {
  const code = el('code', { attrs: block.language ? { 'data-language': block.language } : {} },
    ...highlight(block.code, block.language).map((span) =>
      (span.kind === 'plain' ? document.createTextNode(span.text) : el('span', { className: `hl-${span.kind}`, text: span.text }))));
  // While the fence is still streaming there is nothing whole to copy or apply yet.
  const toolbar = el('div', { className: 'code-toolbar' },
    el('span', { className: 'code-language', text: block.language }),
    ...(whole ? ACTIONS.map(({ action, label, title }) =>
      button(label, { className: 'code-action', testId: `code-${action}`, title }, () => onCode(action, block.index))) : []));
  return el('div', { className: 'code-block', testId: 'code-block' }, toolbar, el('pre', {}, code));
}
