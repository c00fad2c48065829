// A real HTTP server on 127.0.0.1 that serves files the way Hugging Face does, for download tests: HF paths
// (`/<user>/<repo>/resolve/<branch>/<file>`), HEAD, byte ranges (206, Content-Range, Accept-Ranges), the X-Linked-*
// headers of LFS files and, optionally, HF's redirect to a CDN. Switches slow it down, drop connections mid-file and
// take it "off the network". It records every request it gets. It also answers JSON documents at given paths, which
// makes it an npm registry too (version entries whose tarballs are its files).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { basename } from 'node:path';

export interface ServedRequest {
  method: string;
  path: string;
  /** The Range header, if any. */
  range: string | undefined;
  status: number;
  /** Body bytes written to the socket (an unread body stops at what the socket buffers take). */
  bytesSent: number;
}

export interface ServedFile {
  name: string;
  data: Buffer;
  sha256: string;
}

const SLICE_BYTES = 16 * 1024;
const RESOLVE_PATH = /^\/[^/]+\/[^/]+\/resolve\/[^/]+\/(.+)$/;
const CDN_PATH = /^\/cdn\/(.+)$/;

export class RangeServer {
  readonly requests: ServedRequest[] = [];
  /** Per response, in bytes a second (0: as fast as the socket takes them). */
  throttleBytesPerSecond = 0;
  /**
   * Destroys the connection of a ranged response once it has sent this many body bytes (0: never). Ranged responses
   * only: the downloader's first GET reads just the headers, so its body bytes say nothing of the client's progress.
   */
  dropAfterBytes = 0;
  /** Goes `down` (a network that went away) once ranged responses have sent this many body bytes in all (0: never). */
  goDownAfterBytes = 0;
  /** Body bytes of ranged responses, in all. */
  rangedBytesSent = 0;
  /** Every connection is destroyed as soon as it is seen, and open ones are destroyed when this is set through goDown(). */
  down = false;
  /** Answer HF `resolve` paths with a 302 to `/cdn/<file>`, as Hugging Face does for LFS files. */
  redirectToCdn = false;
  /** Where that redirect points: this server ('') or another origin, e.g. a plain-http machine elsewhere. */
  cdnOrigin = '';
  /** Overrides of the X-Linked-Etag / X-Linked-Size headers (the true values by default; null leaves a header out). */
  linkedSha256: string | null | undefined;
  linkedSize: number | null | undefined;
  /**
   * When set, a whole-file response (HEAD, or GET without a Range) announces this many bytes, and a GET then ends
   * early: a file larger than the disk, for the free-space check that runs before the transfer.
   */
  announcedBytes: number | undefined;
  /** Whole-file responses say no Content-Length (the body is sent chunked): a server that will not tell a size. */
  hideLength = false;
  drops = 0;
  /**
   * Ranged responses whose bytes still flow. One the client stopped reading (without closing it) stays open but stalls
   * once the socket buffers are full, and stops counting.
   */
  flowingRangedResponses = 0;

  /** JSON answered at a path (compared after percent-decoding, so `%2f` in a scoped npm name matches "/"). */
  readonly documents = new Map<string, unknown>();

  private readonly files = new Map<string, ServedFile>();
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  /** Serves each file under its base name. */
  static async start(paths: readonly string[]): Promise<RangeServer> {
    const server = createServer();
    const range = new RangeServer(server);
    for (const path of paths) {
      const data = readFileSync(path);
      range.files.set(basename(path), { name: basename(path), data, sha256: createHash('sha256').update(data).digest('hex') });
    }
    server.on('connection', (socket) => range.onConnection(socket));
    server.on('request', (req, res) => range.onRequest(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return range;
  }

  /** The base URL, for HF_ENDPOINT. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  file(name: string): ServedFile {
    const file = this.files.get(name);
    if (!file) throw new Error(`not served: ${name}`);
    return file;
  }

  /** Puts every switch back to normal (the request log stays). */
  reset(): void {
    this.throttleBytesPerSecond = 0;
    this.dropAfterBytes = 0;
    this.goDownAfterBytes = 0;
    this.rangedBytesSent = 0;
    this.down = false;
    this.redirectToCdn = false;
    this.cdnOrigin = '';
    this.linkedSha256 = undefined;
    this.linkedSize = undefined;
    this.announcedBytes = undefined;
    this.hideLength = false;
  }

  /** Cuts every open connection and refuses new ones until `down` is cleared. */
  goDown(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(socket: Socket): void {
    if (this.down) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const record: ServedRequest = { method: req.method ?? '', path, range: req.headers.range, status: 0, bytesSent: 0 };
    this.requests.push(record);
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const document = this.documents.get(decodeURIComponent(path));
    if (document !== undefined && req.method === 'GET') {
      record.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(document));
      return;
    }
    const resolveMatch = RESOLVE_PATH.exec(path);
    const file = this.files.get(decodeURIComponent((resolveMatch ?? CDN_PATH.exec(path))?.[1] ?? ''));
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      record.status = file ? 405 : 404;
      res.writeHead(record.status).end();
      return;
    }
    const linked: Record<string, string> = {};
    if (resolveMatch) {
      const sha = this.linkedSha256 === undefined ? file.sha256 : this.linkedSha256;
      const size = this.linkedSize === undefined ? file.data.length : this.linkedSize;
      if (sha !== null) linked['X-Linked-Etag'] = `"${sha}"`;
      if (size !== null) linked['X-Linked-Size'] = String(size);
    }
    if (resolveMatch && this.redirectToCdn) {
      record.status = 302;
      res.writeHead(302, { ...linked, Location: `${this.cdnOrigin}/cdn/${encodeURIComponent(file.name)}`, 'Content-Length': '0' }).end();
      return;
    }
    this.sendBody(req, res, record, file, linked);
  }

  private sendBody(
    req: IncomingMessage,
    res: ServerResponse,
    record: ServedRequest,
    file: ServedFile,
    extraHeaders: Record<string, string>,
  ): void {
    const size = file.data.length;
    const range = parseRange(req.headers.range, size);
    const headers: Record<string, string> = { ...extraHeaders, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
    if (range === 'unsatisfiable') {
      record.status = 416;
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    const [start, end] = range ?? [0, size - 1];
    record.status = range ? 206 : 200;
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    if (range || !this.hideLength) {
      headers['Content-Length'] = String(!range && this.announcedBytes !== undefined ? this.announcedBytes : end - start + 1);
    }
    res.writeHead(record.status, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    let flowing = false;
    const setFlowing = (value: boolean) => {
      if (range && value !== flowing) this.flowingRangedResponses += value ? 1 : -1;
      flowing = value;
    };
    setFlowing(true);
    res.once('close', () => setFlowing(false));
    const dropAt = range && this.dropAfterBytes > 0 ? this.dropAfterBytes : Infinity;
    let position = start;
    const pump = () => {
      if (res.destroyed || this.down) return;
      if (position > end) {
        res.end();
        return;
      }
      const untilDown = range && this.goDownAfterBytes > 0 ? this.goDownAfterBytes - this.rangedBytesSent : Infinity;
      if (untilDown <= 0) {
        this.goDown();
        return;
      }
      const slice = Math.min(SLICE_BYTES, end + 1 - position, dropAt - record.bytesSent, untilDown);
      if (slice <= 0) {
        this.drops++;
        req.socket.destroy();
        return;
      }
      const flushed = res.write(file.data.subarray(position, position + slice));
      position += slice;
      record.bytesSent += slice;
      if (range) this.rangedBytesSent += slice;
      const delayMs = this.throttleBytesPerSecond > 0 ? (slice * 1000) / this.throttleBytesPerSecond : 0;
      const next = () => (delayMs > 0 ? setTimeout(pump, delayMs) : setImmediate(pump));
      if (flushed) {
        next();
        return;
      }
      setFlowing(false);
      res.once('drain', () => {
        setFlowing(!res.destroyed);
        next();
      });
    };
    pump();
  }
}

/** [start, end] (inclusive) of a single `bytes=` range; undefined for none or a form we serve whole. */
function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [from, to] = [match[1] ?? '', match[2] ?? ''];
  const range: [number, number] = from === ''
    ? [Math.max(0, size - Number(to)), size - 1] // a suffix: the last N bytes
    : [Number(from), to === '' ? size - 1 : Math.min(Number(to), size - 1)];
  return range[0] > range[1] || range[0] >= size ? 'unsatisfiable' : range;
}
