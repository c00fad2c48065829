// The `llamaLens.*` keys a workspace's settings file sets. VS Code never hands the extension a value it dropped (a
// machine-scoped setting in a workspace, a restricted one in Restricted Mode), so the only way to tell the user what
// was ignored is to read the file itself. Settings files are JSON with comments and trailing commas.
import { isRecord } from '../../protocol/guards';

const SECTION = 'llamaLens';

/**
 * The keys under `llamaLens` in a settings file: its top level, or the `settings` object of a `.code-workspace` file.
 * Dotted keys, a nested `"llamaLens": {…}` object and language blocks (`"[python]": {…}`) all count. A file that does
 * not parse has none (VS Code reports its syntax errors itself).
 */
export function llamaLensKeys(text: string, isWorkspaceFile: boolean): string[] {
  const parsed = parseJsonc(text);
  const settings = isWorkspaceFile && isRecord(parsed) ? parsed.settings : parsed;
  if (!isRecord(settings)) return [];
  const keys = new Set<string>();
  const visit = (object: Record<string, unknown>, prefix: string, inLanguageBlock: boolean) => {
    for (const [name, value] of Object.entries(object)) {
      const key = prefix + name;
      if (!inLanguageBlock && /^\[.*\]$/.test(name) && isRecord(value)) visit(value, '', true);
      else if (key === SECTION && isRecord(value)) visit(value, `${SECTION}.`, inLanguageBlock);
      else if (key.startsWith(`${SECTION}.`)) keys.add(key);
    }
  };
  visit(settings, '', false);
  return [...keys].sort();
}

/** JSON.parse after dropping comments and trailing commas outside strings; undefined when that still fails. */
export function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? text.length : close + 1;
      out += ' ';
    } else {
      out += char;
    }
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1')) as unknown;
  } catch {
    return undefined;
  }
}

/** The index just past the string literal that opens at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}
