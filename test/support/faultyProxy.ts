// A reverse proxy in front of a real llama-server that can fail on purpose, for the faults a real server will not
// produce on cue: an HTTP 500, an answer that is not JSON, a stream cut off before it ends, a server that never answers.
// In `pass` mode it forwards every request and answer untouched.
import { createServer, request, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'pass' | 'http500' | 'notJson' | 'cutStream' | 'silent';

export interface FaultyProxy {
  url: string;
  /** Applies to generation routes only (/completion, /v1/chat/completions): probes of the model still pass. */
  mode: ProxyMode;
  /** Requests that reached the proxy, by path. */
  readonly seen: string[];
  close(): Promise<void>;
}

const GENERATION_ROUTES = new Set(['/completion', '/v1/chat/completions']);

/** `tls`: serve https with this key and certificate, in front of the plain-http server. */
export async function startFaultyProxy(target: string, tls?: { key: Buffer; cert: Buffer }): Promise<FaultyProxy> {
  const upstream = new URL(target);
  const held = new Set<ServerResponse>();
  const proxy: FaultyProxy = { url: '', mode: 'pass', seen: [], close: () => Promise.resolve() };
  const handle: RequestListener = (req, res) => {
    proxy.seen.push(req.url ?? '');
    const faulty = GENERATION_ROUTES.has(req.url ?? '') ? proxy.mode : 'pass';
    switch (faulty) {
      case 'http500':
        req.resume();
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 500, message: 'injected failure', type: 'server_error' } }));
        return;
      case 'notJson':
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html>502 Bad Gateway</html>');
        return;
      case 'silent':
        req.resume();
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      default:
        forward(req, res, upstream, faulty === 'cutStream');
    }
  };
  const server: Server = tls ? createTlsServer(tls, handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    for (const res of held) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

/** Forwards one request; `cut` ends the answer cleanly after its first chunk, as a proxy that gave up would. */
function forward(req: IncomingMessage, res: ServerResponse, upstream: URL, cut: boolean): void {
  const out = request(
    { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (!cut) {
        answer.pipe(res);
        return;
      }
      answer.once('data', (chunk: Buffer) => {
        res.end(chunk);
        answer.destroy();
      });
    },
  );
  out.on('error', () => res.destroy());
  req.pipe(out);
}
