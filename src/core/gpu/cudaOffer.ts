// Whether the CUDA backend can be used, and what it takes: node-llama-cpp's CUDA binaries are two npm packages too
// large for the VSIX (a build and an "ext" with CUDA's own libraries), published for Linux and Windows on x64 only,
// at node-llama-cpp's exact version (it ignores any other).
import type { BinaryPackage } from '../../protocol/binariesProtocol';

export interface CudaSituation {
  /** process.platform and process.arch. */
  platform: string;
  arch: string;
  hasNvidiaGpu: boolean;
  /** The version of each `@node-llama-cpp/*` package found, downloaded or bundled, by name. */
  installedVersions: Readonly<Record<string, string>>;
  nodeLlamaCppVersion: string;
  /** The CUDA packages this build pins (package-lock.json's): a platform whose packages are not all pinned has none. */
  pinnedNames: readonly string[];
}

export type CudaOffer =
  | { kind: 'ready'; packages: BinaryPackage[] }
  /** `approxBytes` is undefined where it was never measured; `replacing` when another version is installed. */
  | { kind: 'offerDownload'; packages: BinaryPackage[]; approxBytes: number | undefined; replacing: boolean }
  | { kind: 'noNvidiaGpu'; message: string }
  | { kind: 'unsupportedPlatform'; message: string };

/** node-llama-cpp's names for the platforms that have CUDA packages. */
const CUDA_PLATFORMS: Readonly<Record<string, string>> = { 'linux-x64': 'linux-x64', 'win32-x64': 'win-x64' };

/** Tarball sizes measured for 3.21.1 and 3.22.1 (142.9 MB + 176.7 MB on Linux); Windows' were not measured. */
const APPROX_BYTES: Readonly<Record<string, number>> = { 'linux-x64': 320e6 };

/** The CUDA packages for a platform and architecture, at node-llama-cpp's version; undefined where there are none. */
export function cudaPackages(platform: string, arch: string, version: string): BinaryPackage[] | undefined {
  const name = CUDA_PLATFORMS[`${platform}-${arch}`];
  return name ? [`${name}-cuda`, `${name}-cuda-ext`].map((suffix) => ({ name: `@node-llama-cpp/${suffix}`, version })) : undefined;
}

export function cudaOffer(situation: CudaSituation): CudaOffer {
  const { platform, arch } = situation;
  const packages = cudaPackages(platform, arch, situation.nodeLlamaCppVersion);
  if (!packages) {
    return {
      kind: 'unsupportedPlatform',
      message:
        platform === 'darwin'
          ? 'CUDA is for NVIDIA GPUs on Linux and Windows; on macOS Llama Lens runs the model with Metal. Set llamaLens.gpu to "auto" or "metal".'
          : `node-llama-cpp has CUDA builds only for Linux and Windows on x64, not for ${platform}-${arch}. Set llamaLens.gpu to "auto", "vulkan" or "cpu".`,
    };
  }
  // node-llama-cpp 3.22.1, for one, published no Windows packages: the lock file, and so this build, has no pins for them.
  if (!packages.every((pkg) => situation.pinnedNames.includes(pkg.name))) {
    return {
      kind: 'unsupportedPlatform',
      message: `This build of Llama Lens has no CUDA binaries for ${platform}-${arch}: node-llama-cpp ${situation.nodeLlamaCppVersion} published none to the npm registry. Set llamaLens.gpu to "auto", "vulkan" or "cpu".`,
    };
  }
  const found = packages.map((pkg) => situation.installedVersions[pkg.name]);
  if (found.every((version) => version === situation.nodeLlamaCppVersion)) return { kind: 'ready', packages };
  // Checked after "ready": a GPU the detection misses (an unusual driver layout) must not hide binaries already there.
  if (!situation.hasNvidiaGpu) {
    return {
      kind: 'noNvidiaGpu',
      message:
        'llamaLens.gpu is "cuda", but no NVIDIA GPU driver was found on this machine. Set llamaLens.gpu to "auto" (or "vulkan" for another GPU).',
    };
  }
  return {
    kind: 'offerDownload',
    packages,
    approxBytes: APPROX_BYTES[`${platform}-${arch}`],
    replacing: found.some((version) => version !== undefined),
  };
}
