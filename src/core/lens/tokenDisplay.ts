// How the Lens shows a token: its characters as they are, whitespace as visible glyphs kept apart from them, bytes
// that are not whole characters as hex chips (⟨E2⟩, never "�"), and control tokens (<s>, <EOT>, FIM markers) as chips.
// Pure, so the same segments serve the rows, the tree and the inspector, and the unit tests.
import { visibleTokenText } from './distributionMath';

export type TokenSegment =
  /** The token's own characters (control and bidi characters already escaped). */
  | { kind: 'text'; text: string }
  /** A run of whitespace, drawn with its glyphs (· → ↵ ␍). */
  | { kind: 'space'; text: string }
  /** Bytes that are not a whole UTF-8 character, as hex: "E2 80". */
  | { kind: 'bytes'; text: string }
  /** A control token's name. */
  | { kind: 'special'; text: string }
  /** The empty piece. */
  | { kind: 'empty'; text: string };

/** What the segments need to know about a token (a TokenProbability has it all). */
export interface ShownToken {
  text: string;
  bytes?: readonly number[];
  special?: boolean;
}

const WHITESPACE_RUN = /([ \t\n\r]+)/;

/** Text split into runs of whitespace glyphs and runs of (escaped) characters. */
function textSegments(text: string): TokenSegment[] {
  return text.split(WHITESPACE_RUN).filter((part) => part !== '').map((part) =>
    WHITESPACE_RUN.test(part) ? { kind: 'space', text: visibleTokenText(part) } : { kind: 'text', text: visibleTokenText(part) });
}

/** The length of the whole UTF-8 character starting at `start`, or 0 where the bytes there are not one. */
function utf8CharLength(bytes: readonly number[], start: number): number {
  const lead = bytes[start] ?? 0;
  const length = lead < 0x80 ? 1
    : lead >= 0xc2 && lead <= 0xdf ? 2
      : lead >= 0xe0 && lead <= 0xef ? 3
        : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (length === 0 || start + length > bytes.length) return 0;
  for (let i = start + 1; i < start + length; i++) if (((bytes[i] ?? 0) & 0xc0) !== 0x80) return 0;
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF decode to "�" too.
  const second = bytes[start + 1] ?? 0;
  if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second >= 0xa0)) return 0;
  if ((lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second >= 0x90)) return 0;
  return length;
}

const hex = (byte: number) => byte.toString(16).toUpperCase().padStart(2, '0');

/** Bytes split into whole characters (shown as text) and runs of the bytes that are not (shown as hex). */
function byteSegments(bytes: readonly number[]): TokenSegment[] {
  const segments: TokenSegment[] = [];
  let text: number[] = [];
  let loose: number[] = [];
  const flushText = () => {
    if (text.length > 0) segments.push(...textSegments(new TextDecoder().decode(Uint8Array.from(text))));
    text = [];
  };
  const flushLoose = () => {
    if (loose.length > 0) segments.push({ kind: 'bytes', text: loose.map(hex).join(' ') });
    loose = [];
  };
  for (let i = 0; i < bytes.length;) {
    const length = utf8CharLength(bytes, i);
    if (length === 0) {
      flushText();
      loose.push(bytes[i++] ?? 0);
    } else {
      flushLoose();
      text.push(...bytes.slice(i, (i += length)));
    }
  }
  flushText();
  flushLoose();
  return segments;
}

export function tokenSegments(token: ShownToken): TokenSegment[] {
  if (token.special === true) return [{ kind: 'special', text: visibleTokenText(token.text) }];
  if (token.bytes !== undefined && token.bytes.length > 0) return byteSegments(token.bytes);
  if (token.text === '') return [{ kind: 'empty', text: visibleTokenText('') }];
  return textSegments(token.text);
}

/** The token as one line of plain text, for tooltips and screen readers: chips read as ⟨E2⟩ and <EOT> (control token). */
export function tokenLabel(token: ShownToken): string {
  return tokenSegments(token).map((segment) => {
    if (segment.kind === 'bytes') return `⟨${segment.text}⟩`;
    if (segment.kind === 'special') return `${segment.text} (control token)`;
    return segment.text;
  }).join('');
}
