// Installing node-llama-cpp's binary packages through the real engine, from a local server that answers like the npm
// registry (version entries, tarballs behind a redirect), with fake packages packed by the system's tar. Then a child
// Node process with the engine's resolve hook finds them where node-llama-cpp looks for its CUDA binaries.
import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isCancellation } from '../../src/client/EngineClient';
import type { DownloadProgress, InstallBinariesParams, InstallBinariesResult } from '../../src/protocol/engineProtocol';
import { isDownloadFailure, startEngine, waitUntil, type EngineUnderTest } from '../support/engineHarness';
import { NODE_LLAMA_CPP_VERSION, packFakePackage, publishFakePackage, type FakePackage, type PublishOptions } from '../support/fakeBinaryPackage';
import { RangeServer } from '../support/rangeServer';
import { REPO_ROOT } from '../support/repoPaths';

const NODE_LLAMA_CPP = join(REPO_ROOT, 'node_modules', 'node-llama-cpp');
const VERSION = NODE_LLAMA_CPP_VERSION;
const CUDA = '@node-llama-cpp/linux-x64-cuda';
const CUDA_EXT = '@node-llama-cpp/linux-x64-cuda-ext';
/** Longer than a tar header's 100-byte name field: pax 'path' records and GNU 'L' entries carry it. */
const DEEP = `linux-x64-cuda/${'nested-folder/'.repeat(8)}libggml-cuda.so`;

describe('installing binary packages in the engine', function () {
  let root: string;
  let server: RangeServer;
  let engine: EngineUnderTest;
  let cuda: FakePackage;
  let cudaExt: FakePackage;
  let slow: FakePackage;
  let folder: string;
  let caseNumber = 0;

  before(async function () {
    root = mkdtempSync(join(tmpdir(), 'llama-lens-binaries-'));
    cuda = packFakePackage(root, CUDA, VERSION, {
      bins: { 'linux-x64-cuda/llama-addon.node': 'addon', 'linux-x64-cuda/_nlcBuildMetadata.json': '{}', [DEEP]: 'deep' },
    });
    cudaExt = packFakePackage(root, CUDA_EXT, VERSION, { bins: { 'linux-x64-cuda/fallback/libggml-cuda.so': 'ext' }, format: 'gnu' });
    // 4 MiB that does not compress, sent at 1 MiB/s: the cancel test stops it part way.
    mkdirSync(join(root, 'slow'));
    slow = packFakePackage(join(root, 'slow'), CUDA, VERSION, { bins: { 'linux-x64-cuda/llama-addon.node': 'slow' }, paddingBytes: 4 << 20 });
    server = await RangeServer.start([cuda.path, cudaExt.path]);
    engine = startEngine({ LLAMA_LENS_EXTRA_BINARIES: join(root, 'extra') });
  });

  after(async function () {
    engine?.client.dispose();
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  beforeEach(function () {
    server.reset();
    server.documents.clear();
    folder = join(root, `case-${++caseNumber}`, 'binaries');
    // Tarballs are named behind a Hugging Face-style path, which the server redirects to /cdn/: the redirect is followed.
    server.redirectToCdn = true;
    publish(cuda);
    publish(cudaExt);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(engine.logs.slice(-20).join('\n'));
  });

  const publish = (pkg: FakePackage, options?: PublishOptions) => publishFakePackage(server, pkg, options);

  function install(names: string[], events: DownloadProgress[] = [], signal?: AbortSignal): Promise<InstallBinariesResult> {
    const params: InstallBinariesParams = { packages: names.map((name) => ({ name, version: VERSION })), registry: `${server.endpoint}`, folder };
    return engine.client.request('installBinaries', params, { signal, onProgress: (progress) => events.push(progress) });
  }

  const scopeDir = () => join(folder, 'node_modules', '@node-llama-cpp');
  const listing = () => {
    try {
      return readdirSync(scopeDir()).sort();
    } catch {
      return [];
    }
  };

  /** Waits until the engine has finished every request (a cancelled one cleans up after the client has moved on). */
  async function untilEngineIdle(): Promise<void> {
    let inFlight = -1;
    const deadline = Date.now() + 10_000;
    while (inFlight !== 0) {
      if (Date.now() > deadline) throw new Error(`the engine still has ${inFlight} requests`);
      inFlight = (await engine.client.request('health', {})).inFlightRequests;
    }
  }

  it('installs every package with its files and executable bits, replacing an old install and abandoned work', async function () {
    mkdirSync(join(scopeDir(), 'linux-x64-cuda'), { recursive: true });
    writeFileSync(join(scopeDir(), 'linux-x64-cuda', 'stale.txt'), 'from an older version');
    // What an engine killed mid-install leaves: a work folder named after its (now gone) process id.
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    mkdirSync(join(scopeDir(), `.linux-x64-cuda.partial-${deadPid}-0badc0de`, 'bins'), { recursive: true });

    const events: DownloadProgress[] = [];
    const result = await install([CUDA, CUDA_EXT], events);

    const total = statSync(cuda.path).size + statSync(cudaExt.path).size;
    assert.equal(result.downloadedBytes, total);
    assert.deepEqual(result.installed.map((p) => [p.name, p.version, p.path]), [
      [CUDA, VERSION, join(scopeDir(), 'linux-x64-cuda')], [CUDA_EXT, VERSION, join(scopeDir(), 'linux-x64-cuda-ext')],
    ]);
    assert.deepEqual(listing(), ['linux-x64-cuda', 'linux-x64-cuda-ext'], 'no work folders left, old or abandoned');
    for (const pkg of [cuda, cudaExt]) {
      const dir = join(scopeDir(), pkg.name.split('/')[1] ?? '');
      for (const [path, { text, executable }] of Object.entries(pkg.files)) {
        assert.equal(readFileSync(join(dir, path), 'utf8'), text, `${pkg.name} ${path}`);
        assert.equal((statSync(join(dir, path)).mode & 0o111) !== 0, executable, `${pkg.name} ${path} executable bit`);
      }
    }
    assert.throws(() => statSync(join(scopeDir(), 'linux-x64-cuda', 'stale.txt')), 'the old install is gone');

    assert.equal(events.at(-1)?.downloadedBytes, total, 'the last event is at the total');
    assert.ok(events.every((e) => e.totalBytes === total), `totals: ${events.map((e) => e.totalBytes).join(', ')}`);
    assert.ok(server.requests.some((r) => r.status === 302) && server.requests.some((r) => r.path.startsWith('/cdn/') && r.status === 200), 'fetched through the redirect');
  });

  it('installs nothing when a tarball does not match the registry checksum, and says so', async function () {
    // The second package is the bad one: the first, already unpacked, must not stay either.
    publish(cudaExt, { integrity: cuda.integrity });
    await assert.rejects(install([CUDA, CUDA_EXT]), isDownloadFailure(new RegExp(`${CUDA_EXT}@${VERSION} does not match the registry's checksum .* nothing was installed`)));
    assert.deepEqual(listing(), []);
  });

  it('fails with the registry status for a package it does not have, before fetching any tarball', async function () {
    server.documents.delete(`/${CUDA_EXT}/${VERSION}`);
    const mark = server.requests.length;
    await assert.rejects(install([CUDA, CUDA_EXT]), isDownloadFailure(new RegExp(`404 .* the registry's entry for ${CUDA_EXT}@${VERSION}`)));
    assert.deepEqual(listing(), []);
    assert.ok(!server.requests.slice(mark).some((r) => r.path.startsWith('/cdn/') && r.method === 'GET'), 'no tarball was fetched');
  });

  it('fails with the status when the tarball itself is missing, leaving nothing', async function () {
    publish(cuda, { tarball: 'gone.tgz' });
    await assert.rejects(install([CUDA]), isDownloadFailure(/404 .*@node-llama-cpp\/linux-x64-cuda@/));
    assert.deepEqual(listing(), []);
  });

  it('stops on cancel part way through a tarball and leaves nothing', async function () {
    const big = await RangeServer.start([slow.path]);
    try {
      big.throttleBytesPerSecond = 1 << 20;
      big.documents.set(`/${CUDA}/${VERSION}`, { name: CUDA, version: VERSION, dist: { tarball: `${big.endpoint}cdn/${slow.path.split('/').at(-1)}`, integrity: slow.integrity } });
      const controller = new AbortController();
      const events: DownloadProgress[] = [];
      const params: InstallBinariesParams = { packages: [{ name: CUDA, version: VERSION }], registry: big.endpoint, folder };
      const running = engine.client.request('installBinaries', params, { signal: controller.signal, onProgress: (p) => events.push(p) });
      running.catch(() => undefined);
      await waitUntil(() => (events.at(-1)?.downloadedBytes ?? 0) > 0, 10_000, () => 'no progress');
      assert.ok(listing().some((name) => name.includes('.partial-')), `unpacking into a work folder: ${listing().join(', ')}`);
      controller.abort();
      await assert.rejects(running, isCancellation);
      await untilEngineIdle();
      assert.deepEqual(listing(), []);
      const sent = big.requests.find((r) => r.method === 'GET' && r.path.startsWith('/cdn/'))?.bytesSent ?? 0;
      assert.ok(sent < statSync(slow.path).size, `the transfer was cut short (${sent} bytes sent)`);
    } finally {
      await big.close();
    }
  });

  it('registers the resolve hook in the engine when LLAMA_LENS_EXTRA_BINARIES is set', async function () {
    await engine.client.request('health', {});
    assert.ok(engine.logs.some((line) => line.includes(`Binary packages are looked up in ${join(root, 'extra')} first.`)), engine.logs.join('\n'));
  });

  it("makes node-llama-cpp's own import of its CUDA package resolve to the installed one, through the hook", async function () {
    await install([CUDA, CUDA_EXT]);
    const script = `
      import { register } from 'node:module';
      import { pathToFileURL } from 'node:url';
      register(pathToFileURL(${JSON.stringify(join(REPO_ROOT, 'dist', 'binaryResolveHook.mjs'))}), { data: { folder: process.env.LLAMA_LENS_EXTRA_BINARIES } });
      const cuda = await import('@node-llama-cpp/linux-x64-cuda');
      // node-llama-cpp's internal lookup (pinned version): the bare import inside it goes through the hook too.
      const { getPrebuiltBinaryPath } = await import(pathToFileURL(${JSON.stringify(join(NODE_LLAMA_CPP, 'dist', 'bindings', 'utils', 'compileLLamaCpp.js'))}));
      const prebuilt = await getPrebuiltBinaryPath({ platform: 'linux', arch: 'x64', gpu: 'cuda' }, 'linux-x64-cuda');
      console.log(JSON.stringify({ bins: cuda.getBinsDir(), prebuilt }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT, env: { ...process.env, LLAMA_LENS_EXTRA_BINARIES: folder }, timeout: 30_000,
    });
    const seen = JSON.parse(stdout) as { bins: { binsDir: string; packageVersion: string }; prebuilt: { binaryPath: string; extBackendsPath: string } | null };
    assert.deepEqual(seen.bins, { binsDir: join(scopeDir(), 'linux-x64-cuda', 'bins'), packageVersion: VERSION });
    assert.equal(seen.prebuilt?.binaryPath, join(scopeDir(), 'linux-x64-cuda', 'bins', 'linux-x64-cuda', 'llama-addon.node'));
    assert.equal(seen.prebuilt?.extBackendsPath, join(scopeDir(), 'linux-x64-cuda-ext', 'bins', 'linux-x64-cuda'));
  });
});
