// Fake node-llama-cpp binary packages, packed by the system's `tar` the way npm publishes them (everything under
// `package/`, gzipped): a package.json, a dist/index.js whose getBinsDir() is the real packages' and a bins folder with
// an executable "addon". Real tar output, so the engine's own tar reader meets what a real tool writes.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BinaryPinsFile } from '../../src/protocol/binariesProtocol';
import type { RangeServer } from './rangeServer';
import { REPO_ROOT } from './repoPaths';

/** node-llama-cpp's version: binary packages must have it, or it ignores them. */
export const NODE_LLAMA_CPP_VERSION = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'node-llama-cpp', 'package.json'), 'utf8')) as { version: string }
).version;

export interface FakePackage {
  name: string;
  version: string;
  /** The .tgz file. */
  path: string;
  /** npm's integrity string: "sha512-<base64>". */
  integrity: string;
  /** Paths of the files inside the package, and whether each is executable. */
  files: Record<string, { text: string; executable: boolean }>;
}

/** The dist/index.js of node-llama-cpp's binary packages: the bins folder and the package's version. */
const INDEX_JS = `import path from "path";
import { fileURLToPath } from "url";
import fs from "node:fs/promises";
const __dirname = path.dirname(fileURLToPath(import.meta.url));
const binsDir = path.join(__dirname, "..", "bins");
const packageVersion = (JSON.parse(await fs.readFile(path.join(__dirname, "..", "package.json"), "utf8"))).version;
export function getBinsDir() {
    return { binsDir, packageVersion };
}
`;

export interface FakePackageOptions {
  /** Files under bins/ (path → text); those ending in ".node" or ".so" are made executable. */
  bins: Record<string, string>;
  /** Incompressible bytes in bins/padding.bin, to make the tarball take a while to send. */
  paddingBytes?: number;
  /** GNU tar's format: 'pax' (what npm writes) or 'gnu' (long names as 'L' entries). */
  format?: 'pax' | 'gnu';
}

export function packFakePackage(outDir: string, name: string, version: string, options: FakePackageOptions): FakePackage {
  const work = mkdtempSync(join(tmpdir(), 'llama-lens-fake-package-'));
  try {
    const files: FakePackage['files'] = {
      'package.json': {
        text: JSON.stringify(
          {
            name,
            version,
            type: 'module',
            main: 'dist/index.js',
            exports: { '.': { import: './dist/index.js', default: './dist/index.js' } },
          },
          null,
          2,
        ),
        executable: false,
      },
      'dist/index.js': { text: INDEX_JS, executable: false },
    };
    for (const [path, text] of Object.entries(options.bins)) files[`bins/${path}`] = { text, executable: /\.(node|so)$/.test(path) };
    for (const [path, { text, executable }] of Object.entries(files)) {
      const full = join(work, 'package', path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
      chmodSync(full, executable ? 0o755 : 0o644);
    }
    if (options.paddingBytes) writeFileSync(join(work, 'package', 'bins', 'padding.bin'), randomBytes(options.paddingBytes));
    const path = join(outDir, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
    execFileSync('tar', [`--format=${options.format ?? 'pax'}`, '-czf', path, '-C', work, 'package']);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(path)).digest('base64')}`;
    return { name, version, path, integrity, files };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface PublishOptions {
  /** The integrity the registry gives (default: the true one). */
  integrity?: string;
  /** The tarball's file name on the server (default: the package's). */
  tarball?: string;
}

/**
 * Makes `server` (a RangeServer serving the package's .tgz) answer as the npm registry does for the package's version:
 * its entry names the tarball behind a Hugging Face-style path, which the server serves, or redirects to its /cdn/.
 */
export function publishFakePackage(server: RangeServer, pkg: FakePackage, options: PublishOptions = {}): void {
  const tarball = options.tarball ?? pkg.path.split('/').at(-1) ?? '';
  server.documents.set(`/${pkg.name}/${pkg.version}`, {
    name: pkg.name,
    version: pkg.version,
    dist: {
      tarball: `${server.endpoint}npm/tarballs/resolve/main/${tarball}`,
      integrity: options.integrity ?? pkg.integrity,
      shasum: 'ignored',
    },
  });
}

/**
 * Writes a pins file for TEST_BINARY_PINS_ENV: the engine then installs these fake packages, and only these, in place
 * of the real ones this build pins. `maxTarballBytes` lowers its size cap.
 */
export function writeBinaryPins(path: string, packages: readonly FakePackage[], maxTarballBytes?: number): void {
  const file: BinaryPinsFile = {
    packages: packages.map(({ name, version, integrity }) => ({ name, version, integrity })),
    maxTarballBytes,
  };
  writeFileSync(path, JSON.stringify(file));
}

/** Lays the package's files out in `<nodeModules>/<name>`, as an install would. */
export function placeFakePackage(nodeModules: string, pkg: FakePackage): void {
  for (const [path, { text }] of Object.entries(pkg.files)) {
    const full = join(nodeModules, ...pkg.name.split('/'), path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}
