// JSON over HTTP(S) to a llama-server, with a deadline, cancellation and a bearer key. It uses Node's http and https
// modules rather than fetch: in VS Code's extension host those carry the proxy settings and the system's certificate
// authorities, and destroying a request closes its socket, which is how llama-server learns to stop generating.
// Neither the key nor a request's body (the user's code) ever appears in an error message.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Guard } from '../../protocol/guards';

export const SERVER_ERROR_CODES = [
  'unreachable', 'untrusted', 'unauthorized', 'httpError', 'badResponse', 'timeout', 'cancelled', 'modelChanged',
] as const;
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

export class ServerRequestError extends Error {
  constructor(readonly code: ServerErrorCode, message: string, readonly status?: number) {
    super(message);
    this.name = 'ServerRequestError';
  }
}

export interface ServerEndpoint {
  /** The server's base URL, e.g. `http://gpu-box:8080`; a path in it prefixes every route. */
  url: URL;
  apiKey?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Whole-request deadline, in ms (0: none). */
  timeoutMs?: number;
  /** Longest wait for the answer's first byte, and then between two chunks of it, in ms (0: none): for streams. */
  idleTimeoutMs?: number;
}

/** Largest response body read, in bytes: a top-k or a completion is far smaller; anything bigger is not a reply to us. */
const MAX_RESPONSE_BYTES = 32 * 1024 ** 2;

/** A response as bytes, or the reason there is none. `onChunk` sees the body as it arrives (server-sent events). */
export function call(
  endpoint: ServerEndpoint,
  method: 'GET' | 'POST',
  route: string,
  body: unknown,
  options: CallOptions & { onChunk?: (chunk: string) => void } = {},
): Promise<string> {
  const url = routeUrl(endpoint.url, route);
  const where = `${endpoint.url.origin}${url.pathname}`;
  return new Promise<string>((resolve, reject) => {
    if (options.signal?.aborted) return reject(new ServerRequestError('cancelled', `${where}: cancelled`));
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (endpoint.apiKey) headers.authorization = `Bearer ${endpoint.apiKey}`;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (error: ServerRequestError | undefined, text?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(idleTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(text ?? '');
    };
    const onAbort = () => finish(new ServerRequestError('cancelled', `${where}: cancelled`));
    const timer = options.timeoutMs
      ? setTimeout(() => finish(new ServerRequestError('timeout', `${where}: no answer within ${options.timeoutMs} ms`)), options.timeoutMs)
      : undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    const stillAlive = () => {
      if (!options.idleTimeoutMs || settled) return;
      clearTimeout(idleTimer);
      const idle = new ServerRequestError('timeout', `${where}: the server sent nothing for ${options.idleTimeoutMs} ms`);
      idleTimer = setTimeout(() => finish(idle), options.idleTimeoutMs);
    };
    let req: ClientRequest;
    const start = (firstTry: boolean) => {
      let answered = false;
      req = send(url, { method, headers }, (res) => {
        answered = true;
        stillAlive();
        res.on('data', stillAlive);
        readBody(res, where, options.onChunk, finish);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed as we reused it: the request never reached it, so it is sent again once.
        const stale = firstTry && !answered && req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        if (stale && !settled) start(false);
        else if (isCertificateError(error)) finish(new ServerRequestError('untrusted', `${where}: ${error.code ?? error.message}`));
        else finish(new ServerRequestError('unreachable', `${where}: ${error.code ?? error.message}`));
      });
      req.end(payload);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    stillAlive();
    start(true);
  });
}

function readBody(
  res: IncomingMessage,
  where: string,
  onChunk: ((chunk: string) => void) | undefined,
  finish: (error: ServerRequestError | undefined, text?: string) => void,
): void {
  const status = res.statusCode ?? 0;
  const chunks: Buffer[] = [];
  let size = 0;
  const ok = status >= 200 && status < 300;
  const decoder = new TextDecoder();
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      return finish(new ServerRequestError('badResponse', `${where}: the answer is over ${MAX_RESPONSE_BYTES} bytes`));
    }
    chunks.push(chunk);
    if (!ok || !onChunk) return;
    try {
      onChunk(decoder.decode(chunk, { stream: true }));
    } catch (error) {
      // A stream the reader cannot use ends the request; nothing may throw out of a socket's event.
      finish(error instanceof ServerRequestError ? error : new ServerRequestError('badResponse', `${where}: ${String(error)}`));
    }
  });
  res.on('aborted', () => finish(new ServerRequestError('unreachable', `${where}: the server closed the connection mid-answer`)));
  res.on('error', () => finish(new ServerRequestError('unreachable', `${where}: the server closed the connection mid-answer`)));
  res.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    if (ok) return finish(undefined, text);
    if (status === 401 || status === 403) {
      return finish(new ServerRequestError('unauthorized', `${where}: the server refused the API key (HTTP ${status})`, status));
    }
    finish(new ServerRequestError('httpError', `${where}: HTTP ${status}${serverMessage(text)}`, status));
  });
}

/** Node's codes for a certificate it does not trust: no retry fixes these, only the user's trust store or URL. */
function isCertificateError(error: NodeJS.ErrnoException): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(error.code ?? '');
}

/** GET or POST a route and check the JSON that comes back. */
export async function callJson<T>(
  endpoint: ServerEndpoint,
  method: 'GET' | 'POST',
  route: string,
  body: unknown,
  guard: Guard<T>,
  options: CallOptions = {},
): Promise<T> {
  const text = await call(endpoint, method, route, body, options);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ServerRequestError('badResponse', `${endpoint.url.origin}${route}: the answer is not JSON`);
  }
  if (!guard(value)) {
    throw new ServerRequestError('badResponse', `${endpoint.url.origin}${route}: the answer does not have the expected shape`);
  }
  return value;
}

/** The route under the base URL's path, so a server behind a reverse proxy at `/llama/` works. */
function routeUrl(base: URL, route: string): URL {
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${route}`;
  url.search = '';
  url.hash = '';
  return url;
}

/** llama-server's `{"error":{"message":…}}`, shortened: it names the problem, and never echoes our request. */
function serverMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    const message = parsed.error?.message;
    return typeof message === 'string' ? `: ${message.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}
