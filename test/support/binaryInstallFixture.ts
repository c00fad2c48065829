// What the engine tests of binary installs share: fake CUDA packages packed by the system's tar, a local server that
// answers like the npm registry (version entries, tarballs behind a redirect), pins for the fake packages
// (TEST_BINARY_PINS_ENV) and a real engine that reads them, and a fresh install folder per test.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTRA_BINARIES_ENV, TEST_BINARY_PINS_ENV } from '../../src/protocol/binariesProtocol';
import type { DownloadProgress, InstallBinariesParams, InstallBinariesResult } from '../../src/protocol/engineProtocol';
import { startEngine, type EngineUnderTest } from './engineHarness';
import { NODE_LLAMA_CPP_VERSION, packFakePackage, publishFakePackage, writeBinaryPins, type FakePackage } from './fakeBinaryPackage';
import { RangeServer } from './rangeServer';

export const VERSION = NODE_LLAMA_CPP_VERSION;
export const CUDA = '@node-llama-cpp/linux-x64-cuda';
export const CUDA_EXT = '@node-llama-cpp/linux-x64-cuda-ext';
/** Longer than a tar header's 100-byte name field: pax 'path' records and GNU 'L' entries carry it. */
const DEEP = `linux-x64-cuda/${'nested-folder/'.repeat(8)}libggml-cuda.so`;

export interface BinaryInstallFixture {
  root: string;
  server: RangeServer;
  /** Started with the pins file and `<root>/extra` as its extra binaries folder. */
  engine: EngineUnderTest;
  cuda: FakePackage;
  cudaExt: FakePackage;
  /** This test's install folder, which does not exist yet. */
  folder: string;
  pinsFile: string;
}

/** Registers the hooks on the enclosing describe; before each test the pins are cuda's and cudaExt's, both published. */
export function useBinaryInstallFixture(): () => BinaryInstallFixture {
  let fixture: BinaryInstallFixture | undefined;
  let caseNumber = 0;

  before(async function () {
    const root = mkdtempSync(join(tmpdir(), 'llama-lens-binaries-'));
    const cuda = packFakePackage(root, CUDA, VERSION, {
      bins: { 'linux-x64-cuda/llama-addon.node': 'addon', 'linux-x64-cuda/_nlcBuildMetadata.json': '{}', [DEEP]: 'deep' },
    });
    const cudaExt = packFakePackage(root, CUDA_EXT, VERSION, { bins: { 'linux-x64-cuda/fallback/libggml-cuda.so': 'ext' }, format: 'gnu' });
    const server = await RangeServer.start([cuda.path, cudaExt.path]);
    const pinsFile = join(root, 'pins.json');
    const engine = startEngine({ [EXTRA_BINARIES_ENV]: join(root, 'extra'), [TEST_BINARY_PINS_ENV]: pinsFile });
    fixture = { root, server, engine, cuda, cudaExt, folder: '', pinsFile };
  });

  after(async function () {
    fixture?.engine.client.dispose();
    await fixture?.server.close();
    if (fixture) rmSync(fixture.root, { recursive: true, force: true });
  });

  beforeEach(function () {
    const { server, cuda, cudaExt, root, pinsFile } = current();
    server.reset();
    server.documents.clear();
    server.requests.length = 0;
    current().folder = join(root, `case-${++caseNumber}`, 'binaries');
    // Tarballs are named behind a Hugging Face-style path, which the server redirects to /cdn/: the redirect is followed.
    server.redirectToCdn = true;
    publishFakePackage(server, cuda);
    publishFakePackage(server, cudaExt);
    writeBinaryPins(pinsFile, [cuda, cudaExt]);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(current().engine.logs.slice(-20).join('\n'));
  });

  function current(): BinaryInstallFixture {
    if (!fixture) throw new Error('the binary install fixture has not started');
    return fixture;
  }
  return current;
}

/** Installs `names` at VERSION from `registry` (the fixture's server by default) through `engine`. */
export function installBinaries(
  fixture: BinaryInstallFixture,
  names: string[],
  options: { events?: DownloadProgress[]; signal?: AbortSignal; registry?: string; version?: string; engine?: EngineUnderTest } = {},
): Promise<InstallBinariesResult> {
  const params: InstallBinariesParams = {
    packages: names.map((name) => ({ name, version: options.version ?? VERSION })),
    registry: options.registry ?? fixture.server.endpoint,
    folder: fixture.folder,
  };
  return (options.engine ?? fixture.engine).client.request('installBinaries', params, {
    signal: options.signal,
    onProgress: (progress) => options.events?.push(progress),
  });
}

export const scopeDir = (folder: string) => join(folder, 'node_modules', '@node-llama-cpp');

/** What the scope folder holds, sorted; nothing when it does not exist. */
export function listing(folder: string): string[] {
  try {
    return readdirSync(scopeDir(folder)).sort();
  } catch {
    return [];
  }
}

/** Requests for tarballs (the redirecting path or the CDN it leads to). */
export function tarballRequests(server: RangeServer): string[] {
  return server.requests.filter((r) => r.method === 'GET' && /^\/(cdn|npm)\//.test(r.path)).map((r) => r.path);
}
