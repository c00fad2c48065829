// Small runtime guards shared by every wire. Messages cross process and webview boundaries,
// so nothing that arrives is trusted until one of these has looked at it.

export type Guard<T> = (value: unknown) => value is T;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isNonNegativeInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

export function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

export function isOneOf<T extends string>(values: readonly T[]): Guard<T> {
  return (value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);
}

export function isArrayOf<T>(item: Guard<T>): Guard<T[]> {
  return (value: unknown): value is T[] => Array.isArray(value) && value.every(item);
}

/** A guard for an object whose listed fields each pass their own guard; extra fields are allowed. */
export function hasFields<T>(fields: { [K in keyof T]-?: Guard<T[K]> }): Guard<T> {
  return (value: unknown): value is T => {
    if (!isRecord(value)) return false;
    for (const key of Object.keys(fields) as (keyof T & string)[]) {
      if (!fields[key](value[key])) return false;
    }
    return true;
  };
}

export function optional<T>(guard: Guard<T>): Guard<T | undefined> {
  return (value: unknown): value is T | undefined => value === undefined || guard(value);
}

/** A short, never-throwing rendering of an untrusted value for a log line. */
export function previewForLog(value: unknown, maxChars = 200): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, maxChars);
  } catch {
    return '(unserialisable)';
  }
}
