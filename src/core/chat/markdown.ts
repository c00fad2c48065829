// The small Markdown a chat answer uses, parsed into plain data that the webview builds with textContent only, so no
// model output is ever parsed as HTML. Streaming-friendly: a fence that is not closed yet is still a code block.
// The host parses with the same function, so a code block's index names the same code on both sides.

export type Inline =
  | { kind: 'text' | 'code' | 'strong' | 'em'; text: string }
  /** Shown as its text, with its target as a tooltip: nothing is fetched or opened from an answer. */
  | { kind: 'link'; text: string; href: string };

export type MarkdownBlock =
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'heading'; level: number; inlines: Inline[] }
  | { kind: 'quote'; inlines: Inline[] }
  /** `start`: the first item's number in an ordered list (1 for a bullet list). */
  | { kind: 'list'; ordered: boolean; start: number; items: Inline[][] }
  /** `index` counts the code blocks of the message from 0; `closed` is false while its fence is still streaming. */
  | { kind: 'code'; language: string; code: string; index: number; closed: boolean };

/** Indented any amount: a model indents a fence inside a list item; the code loses that indentation. */
const FENCE = /^( *)(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
/** A closing run of #s counts only after a space, as in CommonMark: `# C#` is about C#. */
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const BULLET = /^ {0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;

export function parseMarkdown(source: string): MarkdownBlock[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MarkdownBlock[] = [];
  let codeBlocks = 0;
  let paragraph: string[] = [];
  let previousBlank = false;
  const endParagraph = (): void => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', inlines: parseInline(paragraph.join('\n')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const blank = previousBlank;
    previousBlank = line.trim() === '';
    const fence = FENCE.exec(line);
    if (fence) {
      endParagraph();
      const indent = fence[1] ?? '';
      const marker = fence[2] ?? '```';
      const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
      const code: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        const codeLine = lines[i] ?? '';
        if (close.test(codeLine)) {
          closed = true;
          break;
        }
        code.push(codeLine.startsWith(indent) ? codeLine.slice(indent.length) : codeLine.trimStart());
      }
      blocks.push({ kind: 'code', language: fence[3] ?? '', code: code.join('\n'), index: codeBlocks++, closed });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      endParagraph();
      blocks.push({ kind: 'heading', level: (heading[1] ?? '#').length, inlines: parseInline(heading[2] ?? '') });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      endParagraph();
      const ordered = numbered !== null;
      const text = parseInline((bullet ? bullet[1] : numbered?.[2]) ?? '');
      const last = blocks.at(-1);
      // Items a blank line apart (a "loose" list, as models often write numbered steps) stay one list.
      if (last?.kind === 'list' && last.ordered === ordered) last.items.push(text);
      else blocks.push({ kind: 'list', ordered, start: ordered ? Number(numbered?.[1] ?? 1) : 1, items: [text] });
      continue;
    }
    const quote = QUOTE.exec(line);
    if (quote) {
      endParagraph();
      const last = blocks.at(-1);
      const inlines = parseInline(quote[1] ?? '');
      if (last?.kind === 'quote' && !blank) last.inlines.push({ kind: 'text', text: '\n' }, ...inlines);
      else blocks.push({ kind: 'quote', inlines });
      continue;
    }
    if (line.trim() === '') endParagraph();
    else paragraph.push(line);
  }
  endParagraph();
  return blocks;
}

/** The code of the message's `index`th code block, or undefined when it has none such. */
export function codeBlockAt(source: string, index: number): { language: string; code: string } | undefined {
  const block = parseMarkdown(source).find((candidate) => candidate.kind === 'code' && candidate.index === index);
  return block?.kind === 'code' ? { language: block.language, code: block.code } : undefined;
}

const INLINE = /(`+)([\s\S]*?[^`])\1(?!`)|\*\*(?=\S)([\s\S]*?\S)\*\*|(?<![\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])|(?<!\w)_(?=\S)([^_]*?\S)_(?!\w)|\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/g;

/**
 * Code spans, **strong**, *em* or _em_, and [links](target), whose target may hold balanced parentheses as CommonMark
 * allows; everything else is text. No nesting: enough for chat.
 */
export function parseInline(text: string): Inline[] {
  const inlines: Inline[] = [];
  let at = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > at) inlines.push({ kind: 'text', text: text.slice(at, match.index) });
    const [, ticks, code = '', strong, star, underscore, label = '', href = ''] = match;
    if (ticks !== undefined) inlines.push({ kind: 'code', text: trimCodeSpan(code) });
    else if (strong !== undefined) inlines.push({ kind: 'strong', text: strong });
    else if (star !== undefined || underscore !== undefined) inlines.push({ kind: 'em', text: star ?? underscore ?? '' });
    else inlines.push({ kind: 'link', text: label, href });
    at = match.index + match[0].length;
  }
  if (at < text.length) inlines.push({ kind: 'text', text: text.slice(at) });
  return inlines;
}

/** CommonMark strips one space from each side of a code span that has one on both sides (and is not all spaces). */
function trimCodeSpan(code: string): string {
  return code.length >= 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '' ? code.slice(1, -1) : code;
}
