// The code in a model's answer. Instruction-tuned models wrap code in a Markdown fence and often
// add a sentence around it; edits, generated code and doc comments want the code alone.

const FENCE_LINE = /^\s*(`{3,}|~{3,})[\w+#.-]*\s*$/;

/** The first fenced block's content when the answer has one, else the answer without blank edge lines. */
export function codeFromAnswer(answer: string): string {
  const lines = answer.split('\n');
  const open = lines.findIndex((line) => FENCE_LINE.test(line));
  if (open === -1) return trimBlankEdges(lines).join('\n');
  const marker = (FENCE_LINE.exec(lines[open] ?? '')?.[1] ?? '```');
  const close = lines.findIndex((line, index) => index > open && isClosing(line, marker));
  return lines.slice(open + 1, close === -1 ? undefined : close).join('\n');
}

function isClosing(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && trimmed === (marker[0] ?? '`').repeat(trimmed.length);
}

function trimBlankEdges(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? '').trim() === '') start++;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
  return lines.slice(start, end);
}

/**
 * The streaming form, for code that is inserted as it arrives: drops an opening fence line and
 * everything from the closing fence on. Text that might still turn out to be a fence is held back
 * until its line is complete.
 */
export class FenceStripper {
  private state: 'start' | 'code' | 'plain' | 'done' = 'start';
  private held = '';
  private marker = '```';
  private atLineStart = true;

  push(chunk: string): string {
    this.held += chunk;
    let out = '';
    for (;;) {
      if (this.state === 'done') {
        this.held = '';
        return out;
      }
      if (this.state === 'plain') {
        out += this.held;
        this.held = '';
        return out;
      }
      if (this.state === 'start' && !this.decideStart()) return out;
      if (this.state === 'code') {
        out += this.takeCode();
        return out;
      }
    }
  }

  /** What was held back, once the answer is complete. */
  end(): string {
    const rest = this.state === 'done' ? '' : this.held;
    this.held = '';
    return this.state === 'code' && isClosing(rest, this.marker) ? '' : rest;
  }

  /** Leaves 'start' once the first non-blank line shows whether the answer opens with a fence. */
  private decideStart(): boolean {
    const trimmed = this.held.trimStart();
    if (trimmed === '') return false;
    const newline = this.held.indexOf('\n', this.held.length - trimmed.length);
    const firstLine = newline === -1 ? trimmed : this.held.slice(this.held.length - trimmed.length, newline);
    if (!/^[`~]/.test(firstLine)) {
      this.state = 'plain';
      return true;
    }
    if (newline === -1) return false;
    const fence = FENCE_LINE.exec(firstLine);
    if (!fence) {
      this.state = 'plain';
      return true;
    }
    this.marker = fence[1] ?? '```';
    this.held = this.held.slice(newline + 1);
    this.state = 'code';
    return true;
  }

  private takeCode(): string {
    let out = '';
    for (;;) {
      const newline = this.held.indexOf('\n');
      if (newline === -1) break;
      const line = this.held.slice(0, newline);
      if (this.atLineStart && isClosing(line, this.marker)) {
        this.state = 'done';
        this.held = '';
        return out;
      }
      out += `${line}\n`;
      this.held = this.held.slice(newline + 1);
      this.atLineStart = true;
    }
    // A partial line is sent on unless, at a line start, it could still become the closing fence.
    if (this.held !== '' && !(this.atLineStart && /^\s*[`~]*$/.test(this.held))) {
      out += this.held;
      this.held = '';
      this.atLineStart = false;
    }
    return out;
  }
}
