import { strict as assert } from 'node:assert';
import { cudaOffer, cudaPackages, type CudaSituation } from '../../src/core/gpu/cudaOffer';

const VERSION = '3.22.1';
const situation = (extra: Partial<CudaSituation> = {}): CudaSituation => ({
  platform: 'linux',
  arch: 'x64',
  hasNvidiaGpu: true,
  installedVersions: {},
  nodeLlamaCppVersion: VERSION,
  pinnedNames: [...linux, ...windows].map((p) => p.name),
  ...extra,
});
const linux = [
  { name: '@node-llama-cpp/linux-x64-cuda', version: VERSION },
  { name: '@node-llama-cpp/linux-x64-cuda-ext', version: VERSION },
];
const windows = [
  { name: '@node-llama-cpp/win-x64-cuda', version: VERSION },
  { name: '@node-llama-cpp/win-x64-cuda-ext', version: VERSION },
];
const installed = (version: string, names = linux.map((p) => p.name)) => Object.fromEntries(names.map((name) => [name, version]));

describe('cudaOffer', () => {
  it('offers both CUDA packages at node-llama-cpp\'s version on Linux x64 with an NVIDIA GPU, with the measured size', () => {
    assert.deepEqual(cudaOffer(situation()), { kind: 'offerDownload', packages: linux, approxBytes: 320e6, replacing: false });
  });

  it("offers Windows' packages, whose size was not measured", () => {
    const offer = cudaOffer(situation({ platform: 'win32' }));
    assert.deepEqual(offer, {
      kind: 'offerDownload', approxBytes: undefined, replacing: false,
      packages: windows,
    });
  });

  it('calls a platform unsupported when this build pins only part of its packages, even with them installed', () => {
    const pinnedNames = [...linux.map((p) => p.name), windows[0]?.name ?? ''];
    const offer = cudaOffer(
      situation({
        platform: 'win32',
        pinnedNames,
        installedVersions: installed(
          VERSION,
          windows.map((p) => p.name),
        ),
      }),
    );
    assert.equal(offer.kind, 'unsupportedPlatform');
    assert.match(
      offer.kind === 'unsupportedPlatform' ? offer.message : '',
      /no CUDA binaries for win32-x64: node-llama-cpp 3\.22\.1 published none/,
    );
    assert.equal(cudaOffer(situation({ pinnedNames })).kind, 'offerDownload');
  });

  it('is ready when both packages are there at the right version, with or without a detected GPU', () => {
    for (const hasNvidiaGpu of [true, false]) {
      assert.deepEqual(cudaOffer(situation({ hasNvidiaGpu, installedVersions: installed(VERSION) })), { kind: 'ready', packages: linux });
    }
  });

  it('offers a download again when one package is missing or another version is installed', () => {
    const onlyMain = cudaOffer(situation({ installedVersions: installed(VERSION, ['@node-llama-cpp/linux-x64-cuda']) }));
    assert.equal(onlyMain.kind, 'offerDownload');
    const old = cudaOffer(situation({ installedVersions: installed('3.20.0') }));
    assert.deepEqual(old, { kind: 'offerDownload', packages: linux, approxBytes: 320e6, replacing: true });
  });

  it('says there is no NVIDIA GPU rather than offering a download', () => {
    const offer = cudaOffer(situation({ hasNvidiaGpu: false }));
    assert.equal(offer.kind, 'noNvidiaGpu');
    assert.match(offer.kind === 'noNvidiaGpu' ? offer.message : '', /no NVIDIA GPU .* "auto"/);
  });

  it('explains Metal on macOS and names the platform elsewhere', () => {
    for (const arch of ['arm64', 'x64']) {
      const mac = cudaOffer(situation({ platform: 'darwin', arch }));
      assert.equal(mac.kind, 'unsupportedPlatform');
      assert.match(mac.kind === 'unsupportedPlatform' ? mac.message : '', /macOS .* Metal/);
    }
    for (const [platform, arch] of [['linux', 'arm64'], ['win32', 'arm64'], ['freebsd', 'x64']] as const) {
      const other = cudaOffer(situation({ platform, arch, installedVersions: installed(VERSION) }));
      assert.equal(other.kind, 'unsupportedPlatform');
      assert.match(other.kind === 'unsupportedPlatform' ? other.message : '', new RegExp(`not for ${platform}-${arch}`));
    }
  });

  it('lists packages only for Linux and Windows on x64', () => {
    assert.deepEqual(
      cudaPackages('linux', 'x64', '1.2.3')?.map((p) => p.name),
      ['@node-llama-cpp/linux-x64-cuda', '@node-llama-cpp/linux-x64-cuda-ext'],
    );
    assert.equal(cudaPackages('darwin', 'arm64', '1.2.3'), undefined);
    assert.equal(cudaPackages('linux', 'arm64', '1.2.3'), undefined);
  });
});
