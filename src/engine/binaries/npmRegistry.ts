// What the npm registry says about one version of a package: where its tarball is, and the checksum it claims.
// Only the version's own document is fetched (`<registry>/<name>/<version>`), not the package's whole history. What it
// says is checked against the pins (planBinaryInstall.ts); every URL fetched, redirects included, must pass the
// plain-http rule of core/net/plainHttp.
import { sha512Of } from '../../core/gpu/binaryPins';
import { plainHttpProblem } from '../../core/net/plainHttp';
import { type BinaryPackage, packageLabel as label } from '../../protocol/binariesProtocol';
import { isRecord, isString } from '../../protocol/guards';
import { CodedError } from '../EngineError';
import { errorMessage } from '../../core/text/errorMessage';

export interface TarballInfo {
  url: string;
  /** The sha512 digest the registry says the tarball has, base64 (from `dist.integrity`, "sha512-<base64>"). */
  sha512: string;
  /** From a HEAD request; 0 when the server does not say. */
  sizeBytes: number;
}

export async function tarballInfo(registry: string, pkg: BinaryPackage, signal: AbortSignal): Promise<TarballInfo> {
  // npm's own spelling of a scoped name in a URL: the scope's "@" stays, its "/" is escaped.
  const url = `${registry.replace(/\/+$/, '')}/${pkg.name.replace('/', '%2f')}/${encodeURIComponent(pkg.version)}`;
  const response = await get(url, signal, `the registry's entry for ${label(pkg)}`);
  const document: unknown = await response.json().catch(() => undefined);
  const dist = isRecord(document) && isRecord(document.dist) ? document.dist : undefined;
  if (!dist || !isString(dist.tarball)) {
    throw new CodedError('downloadFailed', `The registry's entry for ${label(pkg)} at ${url} names no tarball.`);
  }
  const transport = plainHttpProblem(dist.tarball);
  if (transport) throw new CodedError('downloadFailed', `The registry's tarball of ${label(pkg)} is not fetched: ${transport}.`);
  // An integrity field may list several digests ("sha1-... sha512-..."); sha512 is the one npm publishes and checks.
  const sha512 = isString(dist.integrity) ? sha512Of(dist.integrity) : undefined;
  if (!sha512) {
    throw new CodedError(
      'downloadFailed',
      `The registry gives no sha512 integrity for ${label(pkg)}, so its download could not be checked.`,
    );
  }
  return { url: dist.tarball, sha512, sizeBytes: await contentLength(dist.tarball, signal) };
}

/** The tarball's size from a HEAD request, for the progress total; 0 if the server does not say (that is no error). */
async function contentLength(url: string, signal: AbortSignal): Promise<number> {
  try {
    const response = await fetchFollowing(url, { method: 'HEAD', signal });
    const length = Number(response.headers.get('content-length'));
    return response.ok && Number.isSafeInteger(length) && length > 0 ? length : 0;
  } catch (error) {
    if (signal.aborted) throw error;
    return 0;
  }
}

/** A fetch that follows redirects and turns a refusal or a network failure into a message that says what was asked. */
export async function get(url: string, signal: AbortSignal, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFollowing(url, { signal });
  } catch (error) {
    if (signal.aborted || error instanceof CodedError) throw error;
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, ...) is its cause.
    const cause = (error as { cause?: unknown }).cause;
    throw new CodedError('downloadFailed', `Cannot fetch ${what} from ${url}: ${errorMessage(cause ?? error)}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new CodedError('downloadFailed', `The server answered ${response.status} ${response.statusText} for ${what} (${url}).`);
  }
  return response;
}

const MAX_REDIRECTS = 5;

/**
 * Follows redirects one at a time, so that each target passes the plain-http rule before anything is sent to it: fetch
 * itself would follow a redirect from https to plain http and send the request in the clear.
 */
async function fetchFollowing(url: string, init: { method?: string; signal: AbortSignal }): Promise<Response> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await fetch(current, { ...init, redirect: 'manual' });
    const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
    if (location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    const next = new URL(location, current).href;
    const transport = plainHttpProblem(next);
    if (transport) throw new CodedError('downloadFailed', `${current} redirects to ${next}, which is not fetched: ${transport}.`);
    current = next;
  }
  throw new CodedError('downloadFailed', `${url} redirects more than ${MAX_REDIRECTS} times; nothing was fetched.`);
}
