// The host's gate for messages from a webview, which is not trusted: shared by the Lens and the chat.
import { type Guard, previewForLog } from './guards';

/**
 * The message when it is small and well-formed, else undefined, with one warning that says what was dropped. Never
 * throws, whatever arrives (cycles, BigInts and getters that throw included).
 */
export function admitWebviewMessage<T>(
  raw: unknown, guard: Guard<T>, maxChars: number, view: string, warn: (message: string) => void,
): T | undefined {
  const size = serialisedLength(raw);
  let admitted: boolean;
  try {
    admitted = size <= maxChars && guard(raw);
  } catch {
    admitted = false;
  }
  if (admitted) return raw as T;
  warn(`${view}: dropped a malformed message (${Number.isFinite(size) ? `${size} chars` : 'not serialisable'}): ${previewForLog(raw)}`);
  return undefined;
}

function serialisedLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
