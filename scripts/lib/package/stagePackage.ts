// Lays out the folder `vsce package` turns into a VSIX: the shipped files, and node_modules holding
// node-llama-cpp's production dependencies plus the target platform's native packages only.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { mustRun } from '../processes';
import { fetchRegistryTarball } from './registryTarball';
import { isPlatformNative, TARGET_NATIVES, type PackageTarget, type TargetNatives } from './targets';

/** What the VSIX holds besides node_modules; .vscodeignore is the final word on what goes in. */
const SHIPPED = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'dist', 'media', 'docs/screenshots'];

/** Needed only to build llama.cpp from source, which an installed extension never does. */
const BUILD_ONLY = ['node-llama-cpp/llama/gitRelease.bundle'];

/** An optional peer of node-llama-cpp (for its CLI), 23 MB we never load. */
const NOT_SHIPPED_PACKAGES = new Set(['typescript']);

const MINUTE = 60_000;

export async function stagePackage(repoRoot: string, stage: string, target: PackageTarget): Promise<void> {
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const path of SHIPPED) {
    const source = join(repoRoot, path);
    if (!existsSync(source)) throw new Error(`${path} is missing: it must ship in the VSIX.`);
    cpSync(source, join(stage, path), { recursive: true, filter: (file) => !file.endsWith('.map') });
  }
  await stageProductionModules(repoRoot, stage, TARGET_NATIVES[target]);
}

/**
 * `<stage>/node_modules`: node-llama-cpp's production dependencies, with only `natives` of the platform packages
 * (the VSIX's target's; the GPU check kit's Linux CPU binaries).
 */
export async function stageProductionModules(repoRoot: string, stage: string, natives: TargetNatives): Promise<void> {
  for (const dir of await productionPackageDirs(repoRoot)) {
    const name = packageName(dir);
    if (isPlatformNative(name) || NOT_SHIPPED_PACKAGES.has(name)) continue;
    copyPackage(join(repoRoot, dir), join(stage, dir));
  }
  for (const name of nativePackages(repoRoot, natives)) {
    copyPackage(await nativePackageSource(repoRoot, name.name, name.version), join(stage, 'node_modules', name.name));
  }
  for (const path of BUILD_ONLY) rmSync(join(stage, 'node_modules', path), { recursive: true, force: true });
}

/** `node_modules/...` folders of every production dependency, nested ones included. */
async function productionPackageDirs(repoRoot: string): Promise<string[]> {
  const { output } = await mustRun('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: repoRoot,
    timeoutMs: 2 * MINUTE,
    echo: false,
  });
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(repoRoot + sep))
    .map((line) => relative(repoRoot, line))
    .filter((dir) => dir.startsWith(`node_modules${sep}`));
}

/** The package name of a `node_modules/.../node_modules/<name>` folder (scoped names included). */
function packageName(dir: string): string {
  const parts = dir.split(sep);
  const last = parts.lastIndexOf('node_modules');
  return parts.slice(last + 1).join('/');
}

/** Each package's own files: nested node_modules are listed (and copied) separately, .bin never. */
function copyPackage(source: string, destination: string): void {
  mkdirSync(dirname(destination), { recursive: true });
  cpSync(source, destination, {
    recursive: true,
    filter: (file) => {
      const inside = relative(source, file);
      return !inside.startsWith('node_modules') && !/\.(d\.ts|map)$/.test(file);
    },
  });
}

interface PinnedPackage {
  name: string;
  version: string;
}

/** The natives, at the versions our installed node-llama-cpp and @reflink/reflink ask for. */
function nativePackages(repoRoot: string, natives: TargetNatives): PinnedPackage[] {
  const llama = readManifest(join(repoRoot, 'node_modules', 'node-llama-cpp'));
  const reflink = readManifest(join(repoRoot, 'node_modules', '@reflink', 'reflink'));
  const pinned = (name: string, wanted: Record<string, string> | undefined): PinnedPackage => {
    const version = wanted?.[name];
    if (!version) throw new Error(`No version of ${name} is named in the installed dependencies' optionalDependencies.`);
    return { name, version };
  };
  return [
    ...natives.llamaBinaries.map((name) => pinned(name, llama.optionalDependencies)),
    pinned(natives.reflink, reflink.optionalDependencies),
  ];
}

interface Manifest {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/**
 * A folder holding the package at exactly `version`: node_modules when npm installed it for this
 * machine, else the registry's tarball (`npm pack`), unpacked once into .cache/npm-packs.
 */
async function nativePackageSource(repoRoot: string, name: string, version: string): Promise<string> {
  const installed = join(repoRoot, 'node_modules', name);
  if (existsSync(join(installed, 'package.json')) && readManifest(installed).version === version) return installed;
  const cache = join(repoRoot, '.cache', 'npm-packs');
  const unpacked = join(cache, `${name.replace('/', '+')}@${version}`);
  if (existsSync(join(unpacked, 'package.json'))) return unpacked;
  let tarball: string;
  try {
    tarball = await fetchRegistryTarball(cache, name, version);
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)} No VSIX for its platform can be built at this node-llama-cpp version.`,
    );
  }
  const partial = `${unpacked}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  // npm tarballs keep every file under package/.
  await mustRun('tar', ['-xzf', tarball, '-C', partial, '--strip-components=1'], { timeoutMs: 5 * MINUTE, echo: false });
  rmSync(tarball, { force: true });
  cpSync(partial, unpacked, { recursive: true });
  rmSync(partial, { recursive: true, force: true });
  if (readdirSync(unpacked).length === 0) throw new Error(`${name}@${version} unpacked to nothing.`);
  return unpacked;
}
