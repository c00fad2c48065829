// The pins compiled into the engine (esbuild.config.mjs's binary-pins plugin, which builds this test too) and the
// pure rules that apply them.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import builtInPins from 'llama-lens:binary-pins';
import { matchPin, MAX_BINARY_TARBALL_BYTES, sha512Of } from '../../src/core/gpu/binaryPins';
import { cudaPackages } from '../../src/core/gpu/cudaOffer';
import { isBinaryPinsFile } from '../../src/protocol/binariesProtocol';
import { REPO_ROOT } from '../support/repoPaths';

interface LockEntry {
  version?: string;
  integrity?: string;
}

const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const LLAMA_VERSION = lock.packages['node_modules/node-llama-cpp']?.version ?? '';
const PIN = { name: '@node-llama-cpp/linux-x64-cuda', version: '3.21.1', integrity: `sha512-${'A'.repeat(86)}==` };

describe('binary pins', () => {
  it("are the lock file's integrity of every CUDA package the lock file has, at node-llama-cpp's locked version", () => {
    // Linux's must be there; Windows' are where node-llama-cpp published them (3.22.1 did not).
    const offered = [...cudaPackages('linux', 'x64', LLAMA_VERSION) ?? [], ...cudaPackages('win32', 'x64', LLAMA_VERSION) ?? []]
      .filter((pkg) => pkg.name.startsWith('@node-llama-cpp/linux-') || lock.packages[`node_modules/${pkg.name}`]?.integrity);
    const expected = offered.map(({ name, version }) => ({ name, version, integrity: lock.packages[`node_modules/${name}`]?.integrity }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    assert.deepEqual([...builtInPins].sort(byName), expected.sort(byName));
    for (const pin of builtInPins) assert.ok(sha512Of(pin.integrity), `${pin.name} has a sha512`);
  });

  it('match a package only by its pinned name and version', () => {
    const match = matchPin([PIN], { name: PIN.name, version: PIN.version });
    assert.deepEqual(match, { pin: PIN, sha512: `${'A'.repeat(86)}==` });
    assert.deepEqual(matchPin([PIN], { name: '@node-llama-cpp/linux-x64-vulkan', version: PIN.version }), {
      problem:
        '@node-llama-cpp/linux-x64-vulkan@3.21.1 is not one of the binary packages this build of Llama Lens installs (@node-llama-cpp/linux-x64-cuda@3.21.1).',
    });
    assert.deepEqual(matchPin([PIN], { name: PIN.name, version: '3.21.2' }), {
      problem: 'This build of Llama Lens installs @node-llama-cpp/linux-x64-cuda only at version 3.21.1, not 3.21.2.',
    });
    const none = matchPin([], PIN);
    assert.ok('problem' in none && none.problem.endsWith('installs (none).'), JSON.stringify(none));
  });

  it('read the sha512 of an npm integrity field, which may list other digests', () => {
    assert.equal(sha512Of('sha512-abc+/='), 'abc+/=');
    assert.equal(sha512Of('sha1-xyz sha512-abc='), 'abc=');
    assert.equal(sha512Of('sha256-abc='), undefined);
    assert.equal(sha512Of('sha512-ab!c'), undefined);
  });

  it('cap a tarball well above the largest pinned one (176.7 MB) and below what would fill a disk unnoticed', () => {
    assert.ok(MAX_BINARY_TARBALL_BYTES > 176.7e6 * 1.25 && MAX_BINARY_TARBALL_BYTES < 1e9);
  });

  it("accept a test's pins file only in its exact shape", () => {
    assert.ok(isBinaryPinsFile({ packages: [PIN] }));
    assert.ok(isBinaryPinsFile({ packages: [PIN], maxTarballBytes: 1024 }));
    for (const bad of [
      {},
      { packages: [{ ...PIN, integrity: 'sha1-abc' }] },
      { packages: [{ ...PIN, name: 'evil' }] },
      { packages: [PIN], maxTarballBytes: -1 },
    ]) {
      assert.equal(isBinaryPinsFile(bad), false, JSON.stringify(bad));
    }
  });
});
