// A token's text as DOM: its own characters as text nodes, whitespace glyphs and hex bytes and control-token names in
// spans styled apart from them (src/core/lens/tokenDisplay.ts decides which is which). textContent only: a token can
// read "<script>".
import { tokenLabel, tokenSegments, type ShownToken, type TokenSegment } from '../../core/lens/tokenDisplay';
import { el, type Props } from '../common/dom';

function segmentNode(segment: TokenSegment): Node {
  switch (segment.kind) {
    case 'text':
      return document.createTextNode(segment.text);
    case 'space':
      return el('span', { className: 'ws-glyph', testId: 'ws-glyph', text: segment.text });
    case 'bytes':
      return el('span', {
        className: 'chip byte-chip', testId: 'byte-chip', text: `⟨${segment.text}⟩`, title: 'bytes that are not a whole character',
      });
    case 'special':
      return el('span', { className: 'chip special-chip', testId: 'special-chip', text: segment.text, title: 'control token' });
    case 'empty':
      return el('span', { className: 'ws-glyph', text: segment.text, title: 'no text' });
  }
}

/** A `token-text` span (unless `props` name another class) holding the token's segments, with a plain-text title. */
export function tokenText(token: ShownToken, props: Props = {}): HTMLElement {
  return el('span', { className: 'token-text', testId: 'token-text', title: tokenLabel(token), ...props },
    ...tokenSegments(token).map(segmentNode));
}
