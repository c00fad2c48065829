// Installing node-llama-cpp's binary packages through the real engine, from a local server that answers like the npm
// registry, with fake packages the test pins (binaryPins.test.ts has the refusals of what is not pinned).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCancellation } from '../../src/client/Engine';
import type { DownloadProgress } from '../../src/protocol/engineProtocol';
import {
  CUDA,
  CUDA_EXT,
  installBinaries,
  listing,
  scopeDir,
  tarballRequests,
  useBinaryInstallFixture,
  VERSION,
} from '../support/binaryInstallFixture';
import { isDownloadFailure, waitUntil } from '../support/engineHarness';
import { packFakePackage, publishFakePackage, writeBinaryPins } from '../support/fakeBinaryPackage';
import { RangeServer } from '../support/rangeServer';

describe('installing binary packages in the engine', function () {
  const fixture = useBinaryInstallFixture();
  const install = (names: string[], events?: DownloadProgress[]) => installBinaries(fixture(), names, { events });

  /** Waits until the engine has finished every request (a cancelled one cleans up after the client has moved on). */
  async function untilEngineIdle(): Promise<void> {
    let inFlight = -1;
    const deadline = Date.now() + 10_000;
    while (inFlight !== 0) {
      if (Date.now() > deadline) throw new Error(`the engine still has ${inFlight} requests`);
      inFlight = (await fixture().engine.client.request('health', {})).inFlightRequests;
    }
  }

  it('installs every package with its files and executable bits, replacing an old install and abandoned work', async function () {
    const { cuda, cudaExt, folder, server } = fixture();
    const scope = scopeDir(folder);
    mkdirSync(join(scope, 'linux-x64-cuda'), { recursive: true });
    writeFileSync(join(scope, 'linux-x64-cuda', 'stale.txt'), 'from an older version');
    // What an engine killed mid-install leaves: work files named after its (now gone) process id.
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    mkdirSync(join(scope, `.linux-x64-cuda.partial-${deadPid}-0badc0de`, 'bins'), { recursive: true });
    writeFileSync(join(scope, `.linux-x64-cuda.download-${deadPid}-0badc0de`), 'half a tarball');

    const events: DownloadProgress[] = [];
    const result = await install([CUDA, CUDA_EXT], events);

    const total = statSync(cuda.path).size + statSync(cudaExt.path).size;
    assert.equal(result.downloadedBytes, total);
    assert.deepEqual(result.installed.map((p) => [p.name, p.version, p.path]), [
      [CUDA, VERSION, join(scope, 'linux-x64-cuda')], [CUDA_EXT, VERSION, join(scope, 'linux-x64-cuda-ext')],
    ]);
    assert.deepEqual(listing(folder), ['linux-x64-cuda', 'linux-x64-cuda-ext'], 'no work files left, old or abandoned');
    for (const pkg of [cuda, cudaExt]) {
      const dir = join(scope, pkg.name.split('/')[1] ?? '');
      for (const [path, { text, executable }] of Object.entries(pkg.files)) {
        assert.equal(readFileSync(join(dir, path), 'utf8'), text, `${pkg.name} ${path}`);
        assert.equal((statSync(join(dir, path)).mode & 0o111) !== 0, executable, `${pkg.name} ${path} executable bit`);
      }
    }
    assert.throws(() => statSync(join(scope, 'linux-x64-cuda', 'stale.txt')), 'the old install is gone');

    assert.equal(events.at(-1)?.downloadedBytes, total, 'the last event is at the total');
    assert.ok(events.every((e) => e.totalBytes === total), `totals: ${events.map((e) => e.totalBytes).join(', ')}`);
    assert.ok(
      server.requests.some((r) => r.status === 302) && server.requests.some((r) => r.path.startsWith('/cdn/') && r.status === 200),
      'fetched through the redirect',
    );
  });

  it('fetches nothing when the registry gives another checksum than the pin, and says so', async function () {
    const { server, cuda, cudaExt, folder } = fixture();
    // The second package is the bad one: nothing of the first is fetched either.
    publishFakePackage(server, cudaExt, { integrity: cuda.integrity });
    await assert.rejects(
      install([CUDA, CUDA_EXT]),
      isDownloadFailure(
        new RegExp(`offers a ${CUDA_EXT}@${VERSION} that is not the one this build of Llama Lens pinned .* nothing was downloaded`),
      ),
    );
    assert.deepEqual(tarballRequests(server), []);
    assert.deepEqual(listing(folder), []);
  });

  it('fails with the registry status for a package it does not have, before fetching any tarball', async function () {
    const { server, folder } = fixture();
    server.documents.delete(`/${CUDA_EXT}/${VERSION}`);
    await assert.rejects(
      install([CUDA, CUDA_EXT]),
      isDownloadFailure(new RegExp(`404 .* the registry's entry for ${CUDA_EXT}@${VERSION}`)),
    );
    assert.deepEqual(listing(folder), []);
    assert.deepEqual(tarballRequests(server), [], 'no tarball was fetched');
  });

  it('fails with the status when the tarball itself is missing, leaving nothing', async function () {
    const { server, cuda, folder } = fixture();
    publishFakePackage(server, cuda, { tarball: 'gone.tgz' });
    await assert.rejects(install([CUDA]), isDownloadFailure(/404 .*@node-llama-cpp\/linux-x64-cuda@/));
    assert.deepEqual(listing(folder), []);
  });

  it('downloads into a hidden file, stops on cancel part way through and leaves nothing', async function () {
    const { root, folder, pinsFile } = fixture();
    // 4 MiB that does not compress, sent at 1 MiB/s.
    mkdirSync(join(root, 'slow'), { recursive: true });
    const slow = packFakePackage(join(root, 'slow'), CUDA, VERSION, {
      bins: { 'linux-x64-cuda/llama-addon.node': 'slow' },
      paddingBytes: 4 << 20,
    });
    writeBinaryPins(pinsFile, [slow]);
    const big = await RangeServer.start([slow.path]);
    try {
      big.throttleBytesPerSecond = 1 << 20;
      publishFakePackage(big, slow);
      const controller = new AbortController();
      const events: DownloadProgress[] = [];
      const running = installBinaries(fixture(), [CUDA], { events, signal: controller.signal, registry: big.endpoint });
      running.catch(() => undefined);
      await waitUntil(() => (events.at(-1)?.downloadedBytes ?? 0) > 0, 10_000, () => 'no progress');
      // Nothing is unpacked before the whole tarball has matched its pin: a file, no folder.
      const work = listing(folder);
      assert.ok(
        work.length === 1 && /^\.linux-x64-cuda\.download-/.test(work[0] ?? '') && statSync(join(scopeDir(folder), work[0] ?? '')).isFile(),
        `work: ${work.join(', ')}`,
      );
      controller.abort();
      await assert.rejects(running, isCancellation);
      await untilEngineIdle();
      assert.deepEqual(listing(folder), []);
      const sent = big.requests.find((r) => r.method === 'GET' && r.path.endsWith('.tgz'))?.bytesSent ?? 0;
      assert.ok(sent < statSync(slow.path).size, `the transfer was cut short (${sent} bytes sent)`);
    } finally {
      await big.close();
    }
  });
});
