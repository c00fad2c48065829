// Token text inside Markdown (the heatmap's hover). A token can be any text: `<script>`, `**`, a backtick, `](…)`.
// In a code span none of it is markup, so every token is shown as one, fenced by more backticks than it holds.
import { visibleTokenText } from './distributionMath';

/** A Markdown code span showing `text` literally, whitespace and control characters made visible. */
export function markdownCodeSpan(text: string): string {
  const shown = visibleTokenText(text);
  const longestRun = Math.max(0, ...[...shown.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longestRun + 1);
  // CommonMark strips one space from each side of a span that starts and ends with one: it keeps a backtick at the
  // edge apart from the fence.
  const padded = shown.startsWith('`') || shown.endsWith('`') ? ` ${shown} ` : shown;
  return `${fence}${padded}${fence}`;
}
