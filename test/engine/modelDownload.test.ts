// Model downloads through the real engine process and node-llama-cpp's downloader (ipull underneath), from a local
// server that answers like Hugging Face: HF_ENDPOINT points the engine at it, so the URIs are real `hf:` URIs.
// ipull resumes in whole 5 MiB chunks, so the resume tests serve a generated GGUF of about 22 MiB (5 chunks).
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { GgmlType, GgufWriter, tensorByteSize } from '../../scripts/lib/gguf/GgufWriter';
import { listModelFiles } from '../../src/extension/models/modelFolder';
import { isCancellation } from '../../src/client/Engine';
import type { DownloadParams, DownloadProgress, DownloadResult } from '../../src/protocol/engineProtocol';
import { cpuLoadParams, isDownloadFailure, waitUntil, type EngineUnderTest } from '../support/engineHarness';
import { useLocalModelServer } from '../support/localModelServer';
import { generatedModelPath } from '../support/oracle';
import { RangeServer, type ServedRequest } from '../support/rangeServer';

const MiB = 1024 * 1024;
/** The engine gives up on a download that receives nothing for this long (60 s in production). */
const STALL_MS = 1500;
const CHUNKY = 'chunky.gguf';
const ORACLE = 'oracle.gguf';

/** A valid GGUF of about 22 MiB of random tensor bytes: five of ipull's 5 MiB chunks, the last one partial. */
function writeChunkyGguf(path: string): void {
  const shape = [4096, 1400];
  const bytes = tensorByteSize(shape, GgmlType.F32);
  new GgufWriter()
    .setString('general.name', 'chunky download test')
    .addTensor('noise', shape, GgmlType.F32, function* () {
      for (let left = bytes; left > 0; left -= MiB) yield randomBytes(Math.min(MiB, left));
    })
    .writeFile(path);
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * How many bytes of the file the ranged GETs in `requests` asked for, overlaps counted once. ipull asks only for chunks
 * it does not have, so after a resume this is what was not on disk. (The bytes the server sent say less: ipull asks
 * for the rest of a run of chunks and hangs up when it meets one another connection has taken.)
 */
function bytesAskedFor(requests: readonly ServedRequest[]): number {
  const ranges = requests
    .map((r) => /^bytes=(\d+)-(\d+)$/.exec(r.method === 'GET' ? r.range ?? '' : ''))
    .flatMap((m) => (m ? [[Number(m[1]), Number(m[2]) + 1] as const] : []))
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reached = 0;
  for (const [start, end] of ranges) {
    covered += Math.max(0, end - Math.max(start, reached));
    reached = Math.max(reached, end);
  }
  return covered;
}

describe('model downloads in the engine', function () {
  const local = useLocalModelServer('download', (root) => {
    writeChunkyGguf(join(root, CHUNKY));
    return [generatedModelPath(ORACLE), join(root, CHUNKY)];
  }, { LLAMA_LENS_DOWNLOAD_STALL_MS: String(STALL_MS) });
  let root: string;
  let server: RangeServer;
  let engine: EngineUnderTest;
  let dir: string;
  let caseNumber = 0;

  before(function () {
    ({ root, server, engine } = local());
  });

  beforeEach(function () {
    server.reset();
    // A folder that does not exist yet: the download makes it.
    dir = join(root, `case-${++caseNumber}`, 'models');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(engine.logs.slice(-20).join('\n'));
  });

  // A repo per test: the server serves any repo, and a transfer an earlier test gave up on (its retries still reach
  // the server for a while) is told apart by its path.
  const repo = () => `llama-lens/case-${caseNumber}`;
  const hf = (file: string) => `hf:${repo()}/${file}`;
  /** The ranged GETs of this test from `from` on. */
  const rangedRequests = (from = 0) =>
    server.requests.slice(from).filter((r) => r.method === 'GET' && r.range !== undefined && r.path.startsWith(`/${repo()}/`));

  function download(
    uri: string,
    extra: Partial<DownloadParams> = {},
    events: DownloadProgress[] = [],
    signal?: AbortSignal,
  ): Promise<DownloadResult> {
    return engine.client.request(
      'download',
      { uri, dirPath: dir, expectedBytes: 0, expectedSha256: '', ...extra },
      {
        signal,
        onProgress: (progress) => events.push(progress),
      },
    );
  }

  /** The names in the download folder ([] before the engine has made it). */
  function listing(): string[] {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  }

  /** The download's temp file, once there is one. */
  function tempFile(): string | undefined {
    const name = listing().find((n) => n.endsWith('.ipull'));
    return name === undefined ? undefined : join(dir, name);
  }

  /** ipull appends its record of complete chunks after the file's data, so a temp file longer than the model has one. */
  async function untilAChunkIsRecorded(size: number): Promise<string> {
    const recorded = () => {
      const temp = tempFile();
      return temp !== undefined && statSync(temp).size > size;
    };
    await waitUntil(recorded, 30_000, () => `no chunk recorded; the folder holds: ${listing().join(', ')}`);
    return tempFile() ?? '';
  }

  it('downloads an hf: URI through the HF redirect with throttled progress that ends at the total, and the file loads', async function () {
    const source = server.file(ORACLE);
    server.throttleBytesPerSecond = 4 * MiB;
    server.redirectToCdn = true;
    const events: DownloadProgress[] = [];
    const started = Date.now();
    const result = await download(hf(ORACLE), {}, events);
    const elapsedMs = Date.now() - started;

    assert.equal(result.sha256, source.sha256);
    assert.equal(result.sha256, sha256Of(result.filePath), 'the file on disk');
    assert.equal(result.sizeBytes, source.data.length);
    assert.equal(result.resumedFromBytes, 0);
    assert.equal(dirname(result.filePath), dir);

    assert.ok(events.length >= 3, `${events.length} progress events`);
    assert.ok(events.length <= elapsedMs / 100 + 3, `${events.length} progress events in ${elapsedMs} ms: more than ~10/s`);
    assert.equal(events.at(-1)?.downloadedBytes, source.data.length, 'the last event is at the total');
    for (const [i, event] of events.entries()) {
      assert.equal(event.totalBytes, source.data.length, `event ${i} total`);
      if (i > 0) assert.ok(event.downloadedBytes >= (events[i - 1]?.downloadedBytes ?? 0), `event ${i} went back`);
    }
    assert.ok(events.some((e) => e.bytesPerSecond > 0), 'a speed was reported');

    // Only the one HEAD, to the URL asked for: never to the CDN it redirects to.
    const heads = server.requests.filter((r) => r.method === 'HEAD' && (r.path.startsWith(`/${repo()}/`) || r.path.startsWith('/cdn/')));
    assert.deepEqual(heads.map((r) => r.path), [`/${repo()}/resolve/main/${ORACLE}`]);
    assert.deepEqual(readdirSync(dir), [basename(result.filePath)], 'no temp file or marker left');
    assert.deepEqual(await listModelFiles(dir), [
      { path: result.filePath, name: basename(result.filePath), sizeBytes: source.data.length },
    ]);

    const info = await engine.client.request('load', cpuLoadParams(result.filePath));
    assert.equal(info.architecture, 'llama');
  });

  it('resumes a cancelled download from the chunks on disk, with Range requests', async function () {
    const source = server.file(CHUNKY);
    server.throttleBytesPerSecond = 4 * MiB;
    const controller = new AbortController();
    const first = download(hf(CHUNKY), {}, [], controller.signal);
    first.catch(() => undefined);
    const temp = await untilAChunkIsRecorded(source.data.length);
    assert.deepEqual(await listModelFiles(dir), [], 'a download in progress is not a model');

    controller.abort();
    await assert.rejects(first, isCancellation);
    // The engine stops fetching promptly: no ranged response is read any more.
    await waitUntil(
      () => server.flowingRangedResponses === 0,
      10_000,
      () => `${server.flowingRangedResponses} ranged responses still flowing`,
    );
    // Only the partial file stays: the engine clears its marker once the cancel has reached it.
    await waitUntil(() => readdirSync(dir).length === 1, 10_000, () => readdirSync(dir).join(', '));
    assert.deepEqual(readdirSync(dir), [basename(temp)]);
    assert.deepEqual(await listModelFiles(dir), [], 'a cancelled download is not a model');

    server.reset();
    const mark = server.requests.length;
    const result = await download(hf(CHUNKY));
    const resumed = rangedRequests(mark);
    assert.ok(result.resumedFromBytes > 0 && result.resumedFromBytes < source.data.length, `resumedFromBytes ${result.resumedFromBytes}`);
    assert.ok(resumed.length > 0, 'the resumed download asked for ranges');
    assert.equal(bytesAskedFor(resumed), source.data.length - result.resumedFromBytes, 'asked for exactly what was not on disk');
    assert.equal(result.sha256, source.sha256);
    assert.equal(sha256Of(result.filePath), source.sha256, 'the file on disk');
    assert.deepEqual((await listModelFiles(dir)).map((m) => m.path), [result.filePath]);
  });

  it('retries a connection dropped mid-file with Range requests, within the same download', async function () {
    const source = server.file(CHUNKY);
    server.dropAfterBytes = 6 * MiB; // past one chunk, so every retry moves on
    const result = await download(hf(CHUNKY));
    assert.ok(server.drops > 0, 'a connection was dropped');
    assert.equal(result.sha256, source.sha256);
    assert.equal(sha256Of(result.filePath), source.sha256);
  });

  it('stops when the server goes away mid-file, and the next download resumes', async function () {
    const source = server.file(CHUNKY);
    server.throttleBytesPerSecond = 4 * MiB;
    // Three connections share ~9 MiB: ipull's third one starts on the short last chunk, so that one is complete.
    server.goDownAfterBytes = 9 * MiB;
    const first = download(hf(CHUNKY));
    first.catch(() => undefined);
    await waitUntil(() => server.down, 30_000, () => 'the server never went down');
    assert.deepEqual(await listModelFiles(dir), [], 'an interrupted download is not a model');
    await assert.rejects(first, isDownloadFailure(/No data from the server .* Download it again to resume/));
    assert.ok(tempFile(), 'the partial file stays');
    assert.deepEqual(await listModelFiles(dir), [], 'a failed download is not a model');

    // (The given-up transfer's own retries reach the server again now too, so its requests are not counted here.)
    server.reset();
    const result = await download(hf(CHUNKY));
    assert.ok(result.resumedFromBytes > 0 && result.resumedFromBytes < source.data.length, `resumedFromBytes ${result.resumedFromBytes}`);
    assert.equal(sha256Of(result.filePath), source.sha256);
  });

  it('does not fetch a complete file again, but still checks it', async function () {
    const { sha256, data } = server.file(ORACLE);
    const first = await download(hf(ORACLE));
    const mark = server.requests.length;
    const again = await download(hf(ORACLE), { expectedSha256: sha256 });
    assert.deepEqual(again, { ...first, resumedFromBytes: data.length });
    assert.deepEqual(rangedRequests(mark), [], 'no bytes were asked for');

    // A file that no longer matches what the request expects is deleted, not offered.
    await assert.rejects(
      download(hf(ORACLE), { expectedSha256: 'ef'.repeat(32) }),
      isDownloadFailure(/expected SHA-256 (ef)+ \(the request\)/),
    );
    assert.deepEqual(await listModelFiles(dir), []);
  });

  it('deletes a download whose size is not expectedBytes, and says why (plain http URL)', async function () {
    const size = server.file(ORACLE).data.length;
    // localhost: node-llama-cpp reads any URL on the HF endpoint's host (127.0.0.1) as a Hugging Face one.
    await assert.rejects(download(`${server.endpoint.replace('127.0.0.1', 'localhost')}cdn/${ORACLE}`, { expectedBytes: size + 1 }),
      isDownloadFailure(new RegExp(`deleted: expected ${size + 1} bytes \\(the request\\) but the file has ${size}`)));
    assert.deepEqual(readdirSync(dir), [], 'file, temp file and marker are gone');
  });

  it('deletes a download whose SHA-256 is not expectedSha256, and says why', async function () {
    const wrong = 'ab'.repeat(32);
    await assert.rejects(download(hf(ORACLE), { expectedSha256: wrong }),
      isDownloadFailure(new RegExp(`expected SHA-256 ${wrong} \\(the request\\) but the file's is ${server.file(ORACLE).sha256}`)));
    assert.deepEqual(readdirSync(dir), []);
  });

  it("checks against Hugging Face's X-Linked-Etag and X-Linked-Size when the request gives none", async function () {
    const { sha256, data } = server.file(ORACLE);
    server.redirectToCdn = true;
    server.linkedSha256 = 'cd'.repeat(32);
    await assert.rejects(
      download(hf(ORACLE)),
      isDownloadFailure(new RegExp(`expected SHA-256 ${'cd'.repeat(32)} \\(the server's X-Linked-Etag\\) but the file's is ${sha256}`)),
    );
    assert.deepEqual(readdirSync(dir), []);

    server.linkedSha256 = undefined;
    server.linkedSize = data.length + 7;
    await assert.rejects(
      download(hf(ORACLE)),
      isDownloadFailure(new RegExp(`expected ${data.length + 7} bytes \\(the server's X-Linked-Size\\) but the file has ${data.length}`)),
    );
    assert.deepEqual(readdirSync(dir), []);

    // The request's own expectations win over the server's.
    const result = await download(hf(ORACLE), { expectedBytes: data.length, expectedSha256: sha256 });
    assert.equal(result.sha256, sha256);
  });

  it('says the disk is full before fetching a model larger than the free space, leaving nothing behind', async function () {
    // The server announces a file 1 GiB larger than the space left on this disk (statfs, as the engine reads it).
    const { bavail, bsize } = statfsSync(root);
    server.announcedBytes = bavail * bsize + 1024 ** 3;
    const mark = server.requests.length;
    await assert.rejects(download(hf(ORACLE)), isDownloadFailure(/Not enough disk space in .*: the model needs .* more and .* is free\./));
    assert.deepEqual(listing(), [], 'no model file, temp file or marker');
    assert.deepEqual(rangedRequests(mark), [], 'no ranged transfer was started');
  });

  it("fails with the server's status for a file that is not there, leaving nothing behind", async function () {
    await assert.rejects(download(hf('missing.gguf')), isDownloadFailure(/404/));
    assert.deepEqual(await listModelFiles(dir), []);
    assert.ok(!readdirSync(dir).some((n) => n.endsWith('.gguf') || n.endsWith('.unverified')), readdirSync(dir).join(', '));
  });
});
