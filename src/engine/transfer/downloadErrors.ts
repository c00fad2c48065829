// Messages for the ways a download fails, worded for the user who started it.
import { errorMessage } from '../../core/text/errorMessage';

/** Errors of the disk, not of the network: the partial file cannot be trusted after one of these. */
const WRITE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EIO']);

/** The errno code of an error or of one it wraps. */
export function errnoCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export function isWriteError(error: unknown): boolean {
  return WRITE_ERRORS.has(errnoCode(error) ?? '');
}

/** Why writing in `dirPath` failed: a full disk, or the system's own words. */
export function writeFailure(error: unknown, dirPath: string): string {
  const code = errnoCode(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') return `Not enough disk space in ${dirPath} for the model.`;
  return `Cannot write in ${dirPath}: ${errorMessage(error)}`;
}

/** A failed transfer: the server's answer when it refused, else what went wrong. */
export function transferFailure(error: unknown, uri: string): string {
  const { statusCode, statusText } = (error ?? {}) as { statusCode?: unknown; statusText?: unknown };
  if (typeof statusCode === 'number') {
    return `The server answered ${statusCode} ${typeof statusText === 'string' ? statusText : ''} for ${uri}.`;
  }
  return `The download of ${uri} failed: ${errorMessage(error)}`;
}
