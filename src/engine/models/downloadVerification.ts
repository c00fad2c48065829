// Checks a finished download: its size and SHA-256 against what the request and the server say it should be.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** What one value is expected to be, and who said so (for the error message). */
export interface Expected<T> {
  value: T;
  source: string;
}

export interface ServerHints {
  sha256?: Expected<string>;
  sizeBytes?: Expected<number>;
}

const HINTS_TIMEOUT_MS = 15_000;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * One HEAD request to the URL being downloaded, for what Hugging Face says about an LFS file: `X-Linked-Etag` (its
 * SHA-256) and `X-Linked-Size`. HF sends them on the `resolve` answer, which redirects to a CDN, so the redirect is not
 * followed. A plain `ETag` is trusted as a SHA-256 only for Hugging Face URIs: elsewhere a 64-hex ETag may hash
 * anything. Best effort: no answer means no hints.
 */
export async function fetchServerHints(url: string, isHuggingFace: boolean, signal: AbortSignal): Promise<ServerHints> {
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      headers: { 'Accept-Encoding': 'identity' },
      signal: AbortSignal.any([signal, AbortSignal.timeout(HINTS_TIMEOUT_MS)]),
    });
    const hints: ServerHints = {};
    const linkedSha = etagSha256(response.headers.get('x-linked-etag'));
    const plainSha = isHuggingFace ? etagSha256(response.headers.get('etag')) : undefined;
    if (linkedSha) hints.sha256 = { value: linkedSha, source: "the server's X-Linked-Etag" };
    else if (plainSha) hints.sha256 = { value: plainSha, source: "the server's ETag" };
    const linkedSize = Number(response.headers.get('x-linked-size') ?? NaN);
    if (Number.isSafeInteger(linkedSize) && linkedSize > 0) hints.sizeBytes = { value: linkedSize, source: "the server's X-Linked-Size" };
    return hints;
  } catch {
    return {};
  }
}

/** The SHA-256 in an ETag such as `"ab12…"` or `W/"ab12…"`, if that is what it holds. */
function etagSha256(etag: string | null): string | undefined {
  const value = etag?.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1').toLowerCase();
  return value && SHA256_HEX.test(value) ? value : undefined;
}

/** The file's SHA-256 (hex), read as a stream so that a multi-GB model never sits in memory. */
export async function sha256OfFile(path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Why `actualBytes` is not the size it should be, or undefined when it matches every expectation. */
export function sizeProblem(actualBytes: number, expected: readonly (Expected<number> | undefined)[]): string | undefined {
  for (const want of expected) {
    if (want && want.value > 0 && want.value !== actualBytes) {
      return `expected ${want.value} bytes (${want.source}) but the file has ${actualBytes}`;
    }
  }
  return undefined;
}

export function hashProblem(actualSha256: string, expected: Expected<string> | undefined): string | undefined {
  if (!expected || expected.value === '' || expected.value.toLowerCase() === actualSha256) return undefined;
  return `expected SHA-256 ${expected.value.toLowerCase()} (${expected.source}) but the file's is ${actualSha256}`;
}
