// Picking `gpu: cuda` in a real VS Code (code-server in Chromium): the VSIX carries no CUDA binaries, so the user is
// offered the download where an NVIDIA driver is found, and told why CUDA cannot be used where none is (as on the
// CI machines). Either way the notification names what to do; nothing is downloaded without a yes.
// The second suite walks the download itself on a machine with a driver: the driver is faked for code-server's
// process tree only (a private mount namespace), and the registry is a local one serving fake CUDA packages, which the
// engine installs only because this test pins them (TEST_BINARY_PINS_ENV, in code-server's environment).
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { outputChannelLog } from '../../scripts/lib/codeServer';
import { STATUS_BAR_ID_PREFIX } from '../../scripts/lib/llamaLensStage';
import { cudaPackages } from '../../src/core/gpu/cudaOffer';
import { formatBytes } from '../../src/core/text/formatBytes';
import { hasNvidiaGpu } from '../../src/extension/cuda/cudaMachineFacts';
import { TEST_BINARY_PINS_ENV } from '../../src/protocol/binariesProtocol';
import { useCodeServer } from '../support/e2eSession';
import {
  NODE_LLAMA_CPP_VERSION,
  packFakePackage,
  publishFakePackage,
  writeBinaryPins,
  type FakePackage,
} from '../support/fakeBinaryPackage';
import { assertFakeNvidiaDriverWorks, FAKE_NVIDIA_DRIVER_PREFIX } from '../support/fakeNvidiaDriver';
import { generatedModelPath } from '../support/oracle';
import { RangeServer } from '../support/rangeServer';
import { openFileFromExplorer, SELECTORS, statusBarText, statusBarTooltip, waitFor } from '../support/workbench';

const OFFER = /Download them from the npm registry at http:\/\/127\.0\.0\.1:\d+ \(about [\d.]+ MB\)\?/;

function toast(page: Page, text: RegExp | string) {
  return page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
}

describe('E2E: choosing the CUDA backend', function () {
  this.timeout(600_000);
  const session = useCodeServer('cuda', { 'cuda.js': 'const x = 1;\n' }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle.gguf'),
    'llamaLens.gpu': 'cuda',
  }));

  it('offers the CUDA download where an NVIDIA driver is found, and otherwise says why CUDA cannot run and what to set', async function () {
    const { page } = session().workbench;
    const expected = (await hasNvidiaGpu())
      ? /Download them from the npm registry \(about [\d.]+ MB\)\?/
      : /no NVIDIA GPU driver was found on this machine\. Set llamaLens\.gpu to "auto"/;
    await toast(page, expected).waitFor({ state: 'visible', timeout: 60_000 });
  });
});

describe('E2E: downloading the CUDA binaries on a machine with an NVIDIA driver', function () {
  this.timeout(600_000);
  let root: string;
  let registry: RangeServer;
  let packages: FakePackage[];
  let pinsFile: string;

  before(async function () {
    assertFakeNvidiaDriverWorks();
    root = mkdtempSync(join(tmpdir(), 'llama-lens-e2e-cuda-registry-'));
    const names = (cudaPackages('linux', 'x64', NODE_LLAMA_CPP_VERSION) ?? []).map((pkg) => pkg.name);
    // What node-llama-cpp looks for in its CUDA packages, but no real library: there is no GPU here. 2 MiB of padding,
    // sent at 1 MiB/s, keep the progress notification up long enough to be seen.
    packages = names.map((name, index) =>
      packFakePackage(root, name, NODE_LLAMA_CPP_VERSION, {
        bins:
          index === 0
            ? { 'linux-x64-cuda/llama-addon.node': 'not a real addon', 'linux-x64-cuda/_nlcBuildMetadata.json': '{}' }
            : { 'linux-x64-cuda/libggml-cuda.so': 'not a real library' },
        paddingBytes: index === 0 ? 2 << 20 : 0,
      }),
    );
    registry = await RangeServer.start(packages.map((pkg) => pkg.path));
    registry.throttleBytesPerSecond = 1 << 20;
    for (const pkg of packages) publishFakePackage(registry, pkg);
    pinsFile = join(root, 'pins.json');
    writeBinaryPins(pinsFile, packages);
  });

  after(async function () {
    await registry?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const session = useCodeServer('cuda-download', { 'cuda.js': 'const x = 1;\n' }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle.gguf'),
    'llamaLens.gpu': 'cuda',
    'llamaLens.cuda.registry': registry.endpoint,
  }), () => ({ launchPrefix: FAKE_NVIDIA_DRIVER_PREFIX, env: { [TEST_BINARY_PINS_ENV]: pinsFile } }));

  const binaries = () => join(session().server.userDataDir, 'User', 'globalStorage', 'llama-lens.llama-lens', 'binaries');
  const log = () => outputChannelLog(session().server.userDataDir, 'Llama Lens');

  // The two cases share one window, in this order: the offer is made once per window, and a reload asks again.
  it('downloads nothing when the user answers Not Now, and asks again in the next window', async function () {
    const { page } = session().workbench;
    const offer = toast(page, OFFER);
    await offer.waitFor({ state: 'visible', timeout: 60_000 });
    await offer.locator('.monaco-button', { hasText: 'Not Now' }).click();
    await offer.waitFor({ state: 'hidden', timeout: 10_000 });
    assert.deepEqual(registry.requests, [], 'nothing was asked of the registry');
    assert.equal(existsSync(binaries()), false, `${binaries()} was not created`);

    await page.reload();
    await page.locator(SELECTORS.workbench).first().waitFor({ state: 'visible', timeout: 60_000 });
    await openFileFromExplorer(page, 'cuda.js');
    // Asked again: had anything been installed, the binaries would be "ready" and no offer made.
    await toast(page, OFFER).waitFor({ state: 'visible', timeout: 60_000 });
    assert.deepEqual(registry.requests, [], 'still nothing was asked of the registry');
    assert.equal(existsSync(binaries()), false);
  });

  it("downloads them with progress on Download, installs them at node-llama-cpp's version and restarts the engine, which says at once why CUDA cannot run here", async function () {
    const { page } = session().workbench;
    const offer = toast(page, OFFER);
    await offer.waitFor({ state: 'visible', timeout: 60_000 });
    await offer.locator('.monaco-button', { hasText: 'Download' }).click();

    const total = packages.reduce((sum, pkg) => sum + readFileSync(pkg.path).length, 0);
    await toast(page, new RegExp(`downloading the CUDA binaries.*of ${formatBytes(total).replace('.', '\\.')}`, 's')).waitFor({
      state: 'visible',
      timeout: 30_000,
    });
    await toast(page, 'the CUDA binaries are installed. The engine restarts to use them.').waitFor({ state: 'visible', timeout: 60_000 });
    await waitFor(log, {
      message: 'the log to say the binaries were installed and the engine restarts',
      until: (text) => /Installed .* Restarting the engine to use CUDA\./.test(text),
    });

    for (const pkg of packages) {
      const folder = join(binaries(), 'node_modules', ...pkg.name.split('/'));
      assert.equal(
        (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string }).version,
        NODE_LLAMA_CPP_VERSION,
        pkg.name,
      );
      for (const [path, { text }] of Object.entries(pkg.files))
        assert.equal(readFileSync(join(folder, path), 'utf8'), text, `${pkg.name} ${path}`);
      assert.ok(log().includes(`${pkg.name}@${NODE_LLAMA_CPP_VERSION} in ${folder}`), `the log names ${pkg.name} in ${folder}`);
    }

    // The restarted engine finds the (fake) CUDA binaries, which fail node-llama-cpp's test load, as real ones do
    // without a working driver: it says so at once, in a notification, the status bar and the log, and builds nothing.
    const why =
      "node-llama-cpp's CUDA binaries are missing, or did not load: the NVIDIA driver may be missing, not working or too old for them";
    await toast(
      page,
      `the CUDA binaries are installed, but the engine could not use them. The cuda backend is not available on this machine (${why}). Set llamaLens.gpu to "auto" or "cpu".`,
    ).waitFor({ state: 'visible', timeout: 120_000 });
    assert.equal(await statusBarText(page, STATUS_BAR_ID_PREFIX), 'Llama Lens: error');
    // Off the notifications, whose own hovers would cover the status bar item's.
    await page
      .locator(SELECTORS.editorPart)
      .first()
      .hover({ position: { x: 600, y: 500 } });
    assert.ok((await statusBarTooltip(page, STATUS_BAR_ID_PREFIX)).includes(why), 'the status bar tooltip says why');
    const after = log().slice(log().indexOf('Restarting the engine to use CUDA.'));
    assert.match(
      after,
      /\[error\] The cuda backend is not available on this machine \(node-llama-cpp's CUDA binaries are missing, or did not load/,
    );
    assert.doesNotMatch(after, /killed by SIGKILL/, 'no load on the engine the restart stopped is reported as the outcome');
  });
});
