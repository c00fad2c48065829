// Which native npm packages each platform-specific VSIX carries. node-llama-cpp publishes one
// package of prebuilt binaries per platform and GPU backend; a VSIX holds only its platform's, and
// never CUDA's (hundreds of MB: fetched on demand instead, see src/extension/cuda).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PACKAGE_TARGETS = ['linux-x64', 'darwin-arm64', 'win32-x64'] as const;
export type PackageTarget = (typeof PACKAGE_TARGETS)[number];

export interface TargetNatives {
  /** node-llama-cpp binary packages, versioned with node-llama-cpp itself. */
  readonly llamaBinaries: readonly string[];
  /** @reflink's binding for the platform (ipull, node-llama-cpp's downloader, imports it). */
  readonly reflink: string;
}

export const TARGET_NATIVES: Readonly<Record<PackageTarget, TargetNatives>> = {
  'linux-x64': {
    llamaBinaries: ['@node-llama-cpp/linux-x64', '@node-llama-cpp/linux-x64-vulkan'],
    reflink: '@reflink/reflink-linux-x64-gnu',
  },
  'darwin-arm64': { llamaBinaries: ['@node-llama-cpp/mac-arm64-metal'], reflink: '@reflink/reflink-darwin-arm64' },
  'win32-x64': { llamaBinaries: ['@node-llama-cpp/win-x64', '@node-llama-cpp/win-x64-vulkan'], reflink: '@reflink/reflink-win32-x64-msvc' },
};

/** The most a VSIX may weigh: past this, downloads and installs stop feeling light. */
export const MAX_VSIX_BYTES = 60 * 1024 * 1024;

/** Packages that are platform-specific natives of some platform: each VSIX adds back only its own. */
export function isPlatformNative(packageName: string): boolean {
  return packageName.startsWith('@node-llama-cpp/') || packageName.startsWith('@reflink/reflink-');
}

export function isPackageTarget(value: string): value is PackageTarget {
  return (PACKAGE_TARGETS as readonly string[]).includes(value);
}

/** The target for the machine this runs on, if we package for it. */
export function hostTarget(): PackageTarget | undefined {
  const candidate = `${process.platform}-${process.arch}`;
  return isPackageTarget(candidate) ? candidate : undefined;
}

/** Where `npm run package` writes the target's VSIX: the repository root, named with package.json's version. */
export function vsixPath(repoRoot: string, target: PackageTarget): string {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return join(repoRoot, `llama-lens-${target}-${version}.vsix`);
}
