// The engine's resolve hook for downloaded binary packages: registered only when pinned packages are installed, and
// then node-llama-cpp's own import of its CUDA package finds the installed one; any other package or version in the
// folder is left to Node's own lookup. A child Node process registers the hook as the engine does.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EXTRA_BINARIES_ENV, TEST_BINARY_PINS_ENV, type BinaryPackage } from '../../src/protocol/binariesProtocol';
import { CUDA, CUDA_EXT, installBinaries, scopeDir, useBinaryInstallFixture, VERSION } from '../support/binaryInstallFixture';
import { startEngine } from '../support/engineHarness';
import { packFakePackage, placeFakePackage } from '../support/fakeBinaryPackage';
import { REPO_ROOT } from '../support/repoPaths';

const NODE_LLAMA_CPP = join(REPO_ROOT, 'node_modules', 'node-llama-cpp');
const VULKAN = '@node-llama-cpp/linux-x64-vulkan';

interface Seen {
  bins: Record<string, string>;
  prebuilt: { binaryPath: string; extBackendsPath: string } | null;
}

/**
 * In a fresh Node, with the hook registered for `packages` in `folder`: each specifier's bins folder, and
 * node-llama-cpp's own CUDA lookup.
 */
async function resolveThroughHook(folder: string, packages: BinaryPackage[], specifiers: string[]): Promise<Seen> {
  const hook = join(REPO_ROOT, 'dist', 'binaryResolveHook.mjs');
  const compileLlamaCpp = join(NODE_LLAMA_CPP, 'dist', 'bindings', 'utils', 'compileLLamaCpp.js');
  const script = `
    import { register } from 'node:module';
    import { pathToFileURL } from 'node:url';
    register(pathToFileURL(${JSON.stringify(hook)}), { data: ${JSON.stringify({ folder, packages })} });
    const bins = {};
    for (const specifier of ${JSON.stringify(specifiers)}) bins[specifier] = (await import(specifier)).getBinsDir().binsDir;
    // node-llama-cpp's internal lookup (pinned version): the bare import inside it goes through the hook too.
    const { getPrebuiltBinaryPath } = await import(pathToFileURL(${JSON.stringify(compileLlamaCpp)}));
    const prebuilt = await getPrebuiltBinaryPath({ platform: 'linux', arch: 'x64', gpu: 'cuda' }, 'linux-x64-cuda');
    console.log(JSON.stringify({ bins, prebuilt }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    timeout: 30_000,
  });
  return JSON.parse(stdout) as Seen;
}

describe('the resolve hook for downloaded binary packages', function () {
  const fixture = useBinaryInstallFixture();
  const lookedUp = (logs: string[]) => logs.filter((line) => line.includes(' are looked up in '));

  it('is registered only when pinned packages are installed at their version, and only for those', async function () {
    const { engine, folder, pinsFile } = fixture();
    await engine.client.request('health', {});
    assert.deepEqual(lookedUp(engine.logs), [], 'nothing is installed in its folder');
    await installBinaries(fixture(), [CUDA]);
    const fresh = startEngine({ [EXTRA_BINARIES_ENV]: folder, [TEST_BINARY_PINS_ENV]: pinsFile });
    try {
      await fresh.client.request('health', {});
      assert.deepEqual(lookedUp(fresh.logs), [`[info] Binary packages ${CUDA}@${VERSION} are looked up in ${folder} first.`]);
    } finally {
      fresh.client.dispose();
    }
  });

  it("makes node-llama-cpp's own import of its CUDA package resolve to the installed one", async function () {
    const { folder } = fixture();
    await installBinaries(fixture(), [CUDA, CUDA_EXT]);
    const seen = await resolveThroughHook(folder, [CUDA, CUDA_EXT].map((name) => ({ name, version: VERSION })), [CUDA]);
    const scope = scopeDir(folder);
    assert.deepEqual(seen.bins, { [CUDA]: join(scope, 'linux-x64-cuda', 'bins') });
    assert.equal(seen.prebuilt?.binaryPath, join(scope, 'linux-x64-cuda', 'bins', 'linux-x64-cuda', 'llama-addon.node'));
    assert.equal(seen.prebuilt?.extBackendsPath, join(scope, 'linux-x64-cuda-ext', 'bins', 'linux-x64-cuda'));
  });

  it('answers only for a pinned name at its pinned version: anything else in the folder is left to Node', async function () {
    const { root, folder } = fixture();
    const nodeModules = join(folder, 'node_modules');
    // In the folder: CUDA at another version than its pin, and Vulkan (at the right version), which is not pinned.
    placeFakePackage(nodeModules, packFakePackage(root, CUDA, '0.0.1', { bins: {} }));
    placeFakePackage(nodeModules, packFakePackage(root, VULKAN, VERSION, { bins: {} }));
    // Node resolves through the symlinks a checkout's node_modules may be.
    const repo = (name: string) => join(realpathSync(join(REPO_ROOT, 'node_modules', name)), 'bins');
    const seen = await resolveThroughHook(folder, [{ name: CUDA, version: VERSION }], [CUDA, VULKAN]);
    assert.deepEqual(seen.bins, { [CUDA]: repo(CUDA), [VULKAN]: repo(VULKAN) });
    // The same folder with Vulkan pinned: the hook does answer for it, so the refusals above were the pins'.
    const control = await resolveThroughHook(folder, [{ name: VULKAN, version: VERSION }], [VULKAN]);
    assert.deepEqual(control.bins, { [VULKAN]: join(scopeDir(folder), 'linux-x64-vulkan', 'bins') });
  });
});
