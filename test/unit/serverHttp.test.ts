// The HTTP layer of the server backend against a local HTTP server that misbehaves on purpose: each fault a real
// server or network can produce gives its own error code and a message without the key, and no request hangs.
import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { call, callJson, ServerRequestError, type ServerErrorCode } from '../../src/client/server/serverHttp';
import { hasFields, isString } from '../../src/protocol/guards';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const KEY = 'secret-key-9c1e';
const isGreeting = hasFields<{ hello: string }>({ hello: isString });

describe('server backend HTTP', function () {
  let server: Server;
  let handler: Handler = (_req, res) => res.end('{}');
  let base: URL;
  const seen: { url: string; authorization: string | undefined; body: string }[] = [];

  before(async function () {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', authorization: req.headers.authorization, body });
        handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  after(async function () {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => (seen.length = 0));

  async function failsWith(promise: Promise<unknown>, code: ServerErrorCode, pattern?: RegExp): Promise<void> {
    await assert.rejects(promise, (error: unknown) => {
      assert.ok(error instanceof ServerRequestError, String(error));
      assert.equal(error.code, code, error.message);
      if (pattern) assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, new RegExp(KEY));
      return true;
    });
  }

  it('posts JSON with the bearer key under the base path, and checks the answer', async function () {
    handler = (_req, res) => res.end(JSON.stringify({ hello: 'world' }));
    const url = new URL('/llama/', base);
    const answer = await callJson({ url, apiKey: KEY }, 'POST', '/tokenize', { content: 'x' }, isGreeting);
    assert.deepEqual(answer, { hello: 'world' });
    assert.deepEqual(seen, [{ url: '/llama/tokenize', authorization: `Bearer ${KEY}`, body: '{"content":"x"}' }]);
  });

  it('sends no authorization header without a key', async function () {
    handler = (_req, res) => res.end(JSON.stringify({ hello: 'x' }));
    await callJson({ url: base }, 'GET', '/props', undefined, isGreeting);
    assert.equal(seen[0]?.authorization, undefined);
  });

  it('says "unauthorized" on 401, and "httpError" with the server\'s message on 500', async function () {
    handler = (_req, res) => {
      res.statusCode = 401;
      res.end(JSON.stringify({ error: { message: 'Invalid API Key' } }));
    };
    await failsWith(call({ url: base, apiKey: KEY }, 'POST', '/completion', {}), 'unauthorized', /refused the API key/);
    handler = (_req, res) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ error: { message: 'the model crashed' } }));
    };
    await failsWith(call({ url: base, apiKey: KEY }, 'POST', '/completion', {}), 'httpError', /HTTP 500: the model crashed/);
  });

  it('says "badResponse" for an answer that is not JSON, or not the expected shape', async function () {
    handler = (_req, res) => res.end('<html>proxy error</html>');
    await failsWith(callJson({ url: base }, 'GET', '/props', undefined, isGreeting), 'badResponse', /not JSON/);
    handler = (_req, res) => res.end(JSON.stringify({ hello: 42 }));
    await failsWith(callJson({ url: base }, 'GET', '/props', undefined, isGreeting), 'badResponse', /expected shape/);
  });

  it('says "unreachable" when the server cuts the answer off, or nothing listens', async function () {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"hello":');
      setTimeout(() => res.destroy(), 20);
    };
    await failsWith(call({ url: base }, 'POST', '/completion', {}), 'unreachable', /closed the connection/);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await failsWith(call({ url: new URL(`http://127.0.0.1:${port}`) }, 'GET', '/health', undefined), 'unreachable', /ECONNREFUSED/);
  });

  it('says "timeout" for a server that does not answer in time, and closes the request', async function () {
    let closedByClient: Promise<void> = Promise.resolve();
    handler = (req) => {
      closedByClient = new Promise((resolve) => req.socket.on('close', () => resolve()));
    };
    await failsWith(call({ url: base }, 'POST', '/completion', {}, { timeoutMs: 200 }), 'timeout', /no answer within 200 ms/);
    await closedByClient;
  });

  it('says "cancelled" when aborted, before or during the request, and closes the socket', async function () {
    const before = new AbortController();
    before.abort();
    await failsWith(call({ url: base }, 'POST', '/completion', {}, { signal: before.signal }), 'cancelled');
    assert.equal(seen.length, 0, 'nothing was sent');
    let closedByClient: Promise<void> = Promise.resolve();
    const controller = new AbortController();
    handler = (req) => {
      closedByClient = new Promise((resolve) => req.socket.on('close', () => resolve()));
      controller.abort();
    };
    await failsWith(call({ url: base }, 'POST', '/completion', {}, { signal: controller.signal }), 'cancelled');
    await closedByClient;
  });

  it('streams the body to onChunk as it arrives', async function () {
    handler = (_req, res) => {
      res.write('data: 1\n\n');
      setTimeout(() => res.end('data: 2\n\n'), 20);
    };
    const chunks: string[] = [];
    const text = await call({ url: base }, 'POST', '/v1/chat/completions', {}, { onChunk: (chunk) => chunks.push(chunk) });
    assert.equal(text, 'data: 1\n\ndata: 2\n\n');
    assert.equal(chunks.join(''), text);
    assert.ok(chunks.length >= 2, 'in more than one piece');
  });
});
