// Text formatting for the Lens. Pure (no DOM), so it is unit-tested under plain mocha.
import type { CursorInfo } from '../../protocol/lensProtocol';
import { visibleTokenText } from '../../core/lens/distributionMath';

/** Shown for values that cannot be formatted (NaN, a missing rank): never 'NaN%'. */
const MISSING = '—';

/** 0.4217 → '42.17%'. */
export function formatPercent(probability: number, digits = 2): string {
  return Number.isFinite(probability) ? `${(probability * 100).toFixed(digits)}%` : MISSING;
}

/** Natural-log probability with 3 decimals; ln 0 is −∞, which toFixed would print as '-Infinity'. */
export function formatLogProb(value: number): string {
  if (value === -Infinity) return '−∞';
  return Number.isFinite(value) ? value.toFixed(3) : MISSING;
}

export function formatBits(bits: number): string {
  return Number.isFinite(bits) ? `${bits.toFixed(3)} bits` : MISSING;
}

/** A difference of two probabilities, in percentage points. */
export function formatPoints(difference: number): string {
  return Number.isFinite(difference) ? `${(difference * 100).toFixed(2)} pp` : MISSING;
}

/**
 * `file:line:col`, 1-based for people. The protocol does not say which base it uses; the host sends
 * VS Code positions, which are 0-based.
 */
export function formatCursor(cursor: CursorInfo): string {
  return `${cursor.file}:${cursor.line + 1}:${cursor.character + 1}`;
}

/** Cuts text to at most `max` characters, marking the cut with '…'. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * A source line made safe to show: control and bidi characters become escapes (a Trojan Source line
 * must not reorder the panel), but spaces stay spaces, since here they are code, not token boundaries.
 */
export function visibleLineText(text: string): string {
  return text.split(' ').map((part) => (part === '' ? '' : visibleTokenText(part))).join(' ');
}
