// Pure bookkeeping of the surprisal heatmap: merging a partial re-score after an edit, and
// finding the lines the model finds most surprising.
import type { SurprisingLine } from '../../protocol/lensProtocol';

export interface ScoredSpan {
  start: number;
  end: number;
  bits: number;
}

/**
 * The engine re-scores a text from its first changed token on; the spans before that are still
 * right. Spans from the previous text at or after the fresh ones' start are replaced.
 */
export function mergeRescored<T extends ScoredSpan>(previous: readonly T[], fresh: readonly T[]): T[] {
  const first = fresh[0];
  if (first === undefined) return [];
  return [...previous.filter((span) => span.start < first.start), ...fresh];
}

/** Offsets where each line of `text` starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

/** The line holding `offset` (binary search over lineStarts). */
export function lineOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((starts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * The `count` lines with the highest mean surprisal per token, most surprising first. Lines whose
 * tokens are all whitespace are left out: indentation is not what a reader wants to jump to.
 */
export function surprisingLines(text: string, spans: readonly ScoredSpan[], count: number): SurprisingLine[] {
  const starts = lineStarts(text);
  const totals = new Map<number, { bits: number; tokens: number }>();
  for (const span of spans) {
    if (text.slice(span.start, span.end).trim().length === 0 || !Number.isFinite(span.bits)) continue;
    const line = lineOf(starts, span.start);
    const total = totals.get(line) ?? { bits: 0, tokens: 0 };
    total.bits += span.bits;
    total.tokens++;
    totals.set(line, total);
  }
  return [...totals.entries()]
    .map(([line, total]) => ({ line, bits: total.bits / total.tokens, text: lineText(text, starts, line) }))
    .sort((a, b) => b.bits - a.bits || a.line - b.line)
    .slice(0, Math.max(0, count));
}

function lineText(text: string, starts: readonly number[], line: number): string {
  const start = starts[line] ?? 0;
  const end = starts[line + 1] ?? text.length;
  return text.slice(start, end).replace(/\r?\n$/, '').trim().slice(0, 120);
}
