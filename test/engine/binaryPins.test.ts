// What the engine refuses to install, through the real engine and a local registry: a tarball that is not the one
// this build pins (even one its registry vouches for), one past the size cap, plain http to another machine, and a
// package or version that is not pinned at all. Nothing is unpacked, and a refusal before the download leaves no folder.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_BINARY_TARBALL_BYTES } from '../../src/core/gpu/binaryPins';
import { binaryPins } from '../../src/engine/binaries/binaryPins';
import { EXTRA_BINARIES_ENV, TEST_BINARY_PINS_ENV } from '../../src/protocol/binariesProtocol';
import {
  CUDA,
  CUDA_EXT,
  installBinaries,
  listing,
  tarballRequests,
  useBinaryInstallFixture,
  VERSION,
} from '../support/binaryInstallFixture';
import { isDownloadFailure, startEngine } from '../support/engineHarness';
import { packFakePackage, publishFakePackage, writeBinaryPins } from '../support/fakeBinaryPackage';
import { RangeServer } from '../support/rangeServer';
import { REPO_ROOT } from '../support/repoPaths';

const escape = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
const digest16 = (integrity: string) => integrity.slice('sha512-'.length, 'sha512-'.length + 16);

describe('refusing binary packages that are not pinned', function () {
  const fixture = useBinaryInstallFixture();

  it("refuses a registry whose tarball matches its own checksum but not this build's pin: nothing fetched, nothing left", async function () {
    const { server, folder, root, cuda } = fixture();
    // This build's own pins, from package-lock.json: an engine started without a test's pins file.
    const production = startEngine({ [EXTRA_BINARIES_ENV]: join(root, 'extra') });
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { integrity: string }>;
    };
    const pinned = lock.packages[`node_modules/${CUDA}`]?.integrity ?? '';
    try {
      await assert.rejects(
        installBinaries(fixture(), [CUDA, CUDA_EXT], { engine: production }),
        isDownloadFailure(
          escape(
            `offers a ${CUDA}@${VERSION} that is not the one this build of Llama Lens pinned (sha512-${digest16(pinned)}… pinned, sha512-${digest16(cuda.integrity)}… offered), so nothing was downloaded.`,
          ),
        ),
      );
    } finally {
      production.client.dispose();
    }
    assert.deepEqual(tarballRequests(server), [], 'no tarball was fetched');
    assert.equal(existsSync(folder), false, 'nothing was written in global storage');
  });

  it('downloads a tarball the registry names under the pinned checksum, and refuses it unread when it is another', async function () {
    const { root, folder, cuda } = fixture();
    // Not even gzip: unpacking it first would fail with "could not be unpacked".
    writeFileSync(join(root, 'impostor.tgz'), randomBytes(4096));
    const impostor = await RangeServer.start([join(root, 'impostor.tgz')]);
    try {
      publishFakePackage(impostor, cuda, { tarball: 'impostor.tgz' });
      await assert.rejects(
        installBinaries(fixture(), [CUDA], { registry: impostor.endpoint }),
        isDownloadFailure(
          new RegExp(
            `The download of ${CUDA}@${VERSION} does not match the sha512 this build of Llama Lens pinned .* so it was not unpacked and nothing was installed`,
          ),
        ),
      );
      assert.equal(tarballRequests(impostor).length, 1, 'the tarball was fetched');
    } finally {
      await impostor.close();
    }
    assert.deepEqual(listing(folder), []);
  });

  it('stops a tarball past the size cap, whether or not the server says its size, and keeps nothing', async function () {
    const { root, folder, pinsFile } = fixture();
    mkdirSync(join(root, 'big'), { recursive: true });
    const big = packFakePackage(join(root, 'big'), CUDA, VERSION, {
      bins: { 'linux-x64-cuda/llama-addon.node': 'big' },
      paddingBytes: 4 << 20,
    });
    // The pinned tarball itself: only its size is wrong.
    writeBinaryPins(pinsFile, [big], 1 << 20);
    const server = await RangeServer.start([big.path]);
    try {
      publishFakePackage(server, big);
      await assert.rejects(
        installBinaries(fixture(), [CUDA], { registry: server.endpoint }),
        isDownloadFailure(/The tarball of .*linux-x64-cuda@.* \(4\.0 MB\) is larger than 1\.0 MB, more than any pinned package/),
      );
      assert.deepEqual(tarballRequests(server), [], 'refused on the size the server announced, before the download');

      server.hideLength = true;
      server.throttleBytesPerSecond = 4 << 20;
      await assert.rejects(
        installBinaries(fixture(), [CUDA], { registry: server.endpoint }),
        isDownloadFailure(
          /The tarball of @node-llama-cpp\/linux-x64-cuda@\S+ is larger than 1\.0 MB, more than any pinned package, so it is refused/,
        ),
      );
      const sent = server.requests.find((r) => r.method === 'GET' && r.path.endsWith('.tgz'))?.bytesSent ?? 0;
      assert.ok(sent > 0 && sent < statSync(big.path).size, `the transfer was cut short (${sent} bytes sent)`);
    } finally {
      await server.close();
    }
    assert.deepEqual(listing(folder), []);
  });

  it('refuses plain http to another machine, as the registry or as the tarball it names', async function () {
    const { server, folder, cuda } = fixture();
    await assert.rejects(installBinaries(fixture(), [CUDA], { registry: 'http://registry.example.invalid/' }),
      isDownloadFailure(/not downloaded from http:\/\/registry\.example\.invalid\/: plain http is used only on this machine .*use https/));
    server.documents.set(`/${CUDA}/${VERSION}`, {
      name: CUDA,
      version: VERSION,
      dist: { tarball: 'http://cdn.example.invalid/cuda.tgz', integrity: cuda.integrity },
    });
    await assert.rejects(
      installBinaries(fixture(), [CUDA]),
      isDownloadFailure(/tarball of .*linux-x64-cuda@.* is not fetched: plain http is used only on this machine/),
    );
    assert.equal(existsSync(folder), false);
  });

  it('refuses a redirect to plain http on another machine before sending anything there', async function () {
    const { server, folder } = fixture();
    // A .invalid host cannot resolve: had the redirect been followed, the error would be a failed lookup instead.
    server.cdnOrigin = 'http://cdn.example.invalid';
    const refusal = /redirects to http:\/\/cdn\.example\.invalid\/cdn\/\S+, which is not fetched: plain http is used only on this machine/;
    await assert.rejects(installBinaries(fixture(), [CUDA]), isDownloadFailure(refusal));
    assert.deepEqual(listing(folder), [], 'nothing is left behind');
  });

  it('refuses a package or a version it does not pin, before asking the registry anything', async function () {
    const { server, folder } = fixture();
    const vulkan = '@node-llama-cpp/linux-x64-vulkan';
    await assert.rejects(
      installBinaries(fixture(), [CUDA, vulkan]),
      isDownloadFailure(escape(`${vulkan}@${VERSION} is not one of the binary packages this build of Llama Lens installs`)),
    );
    await assert.rejects(
      installBinaries(fixture(), [CUDA], { version: '9.9.9' }),
      isDownloadFailure(escape(`installs ${CUDA} only at version ${VERSION}, not 9.9.9. Nothing was downloaded.`)),
    );
    assert.deepEqual(server.requests.filter((r) => r.path.includes('vulkan') || r.path.includes('9.9.9')), []);
    assert.equal(existsSync(folder), false);
  });

  it("takes a test's pins only in their exact shape, and lets them lower the size cap but never raise it", function () {
    const { pinsFile, cuda } = fixture();
    const env = { [TEST_BINARY_PINS_ENV]: pinsFile };
    writeBinaryPins(pinsFile, [cuda], 1024);
    assert.deepEqual(binaryPins(env), {
      packages: [{ name: cuda.name, version: cuda.version, integrity: cuda.integrity }],
      maxTarballBytes: 1024,
      testFile: pinsFile,
    });
    writeBinaryPins(pinsFile, [cuda], MAX_BINARY_TARBALL_BYTES * 4);
    assert.equal(binaryPins(env).maxTarballBytes, MAX_BINARY_TARBALL_BYTES);
    writeFileSync(pinsFile, JSON.stringify({ packages: [{ name: 'left-pad', version: '1.0.0', integrity: cuda.integrity }] }));
    assert.throws(() => binaryPins(env), /is not a list of binary pins/);
    assert.equal(binaryPins({}).testFile, undefined, 'without the variable, the built-in pins');
  });
});
