// The archives the kit carries: Node, the built check with node-llama-cpp and its CPU binaries, node-llama-cpp's
// CUDA binaries, and the CUDA fallback with its own libraries. npm tarballs are checked against a pinned sha512
// (package-lock.json's for node-llama-cpp's packages, KIT_NODE's for Node) before anything is taken from them.
import { createHash } from 'node:crypto';
import { cpSync, createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import lockedPins from 'llama-lens:binary-pins';
import { sha512Of } from '../../../src/core/gpu/binaryPins';
import { TYPING_SOURCES } from '../bench/completionStrategies';
import { HEATMAP_SOURCES } from '../bench/heatmapPasses';
import { fetchRegistryTarball } from '../package/registryTarball';
import { stageProductionModules } from '../package/stagePackage';
import { mustRun } from '../processes';
import {
  APP_BUILT_FILES, ARCHIVES_FOLDER, CUDA_EXT_ARCHIVE, CUDA_EXT_PACKAGE, CUDA_PACKAGE, DOWNLOADS_FOLDER, KIT_CPU_NATIVES, KIT_NODE, mib,
} from './kitLayout';

const MINUTE = 60_000;

export interface KitArchive {
  name: string;
  path: string;
  bytes: number;
  sha256: string;
  /** What it was made from, e.g. "@node-llama-cpp/linux-x64-cuda@3.22.1 (sha512 checked against package-lock.json)". */
  from: string;
}

export type Log = (message: string) => void;

async function digestOf(path: string, algorithm: 'sha256' | 'sha512', encoding: 'hex' | 'base64'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest(encoding);
}

/** `name@version` from the registry, refused (and deleted) unless its sha512 is the pinned one. */
async function verifiedTarball(
  root: string,
  name: string,
  version: string,
  integrity: string,
  pinnedBy: string,
  log: Log,
): Promise<string> {
  log(`fetching ${name}@${version} (npm pack)`);
  const tarball = await fetchRegistryTarball(join(root, DOWNLOADS_FOLDER), name, version);
  const want = sha512Of(integrity);
  const got = await digestOf(tarball, 'sha512', 'base64');
  if (!want || got !== want) {
    rmSync(tarball, { force: true });
    throw new Error(
      `${name}@${version}'s tarball has sha512-${got.slice(0, 16)}…, not the sha512-${(want ?? 'none').slice(0, 16)}… that ${pinnedBy} pins: refused.`,
    );
  }
  log(`${name}@${version}: ${mib(statSync(tarball).size)}, sha512 matches ${pinnedBy}`);
  return tarball;
}

/** node-llama-cpp's package at the version package-lock.json pins, with the lock's integrity (esbuild's binary-pins). */
function lockedPin(name: string): { name: string; version: string; integrity: string } {
  const pin = lockedPins.find((candidate) => candidate.name === name);
  if (!pin) {
    throw new Error(`package-lock.json pins no ${name}: run npm install so that the lock file lists node-llama-cpp's CUDA packages.`);
  }
  return pin;
}

/**
 * Reuses `<name>` when its stamp says it was made from the same input (the CUDA archive takes minutes to compress on
 * two cores), else builds it through a temporary file and stamps it.
 */
async function cachedArchive(
  root: string,
  name: string,
  stamp: string,
  from: string,
  build: (out: string) => Promise<void>,
  log: Log,
): Promise<KitArchive> {
  const path = join(root, ARCHIVES_FOLDER, name);
  const stampPath = `${path}.stamp`;
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) {
    log(`${name}: up to date (${mib(statSync(path).size)})`);
  } else {
    rmSync(stampPath, { force: true });
    const started = Date.now();
    await build(`${path}.partial`);
    renameSync(`${path}.partial`, path);
    writeFileSync(stampPath, stamp);
    log(`${name}: ${mib(statSync(path).size)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  return { name, path, bytes: statSync(path).size, sha256: await digestOf(path, 'sha256', 'hex'), from };
}

/** A fresh staging folder beside the archives. */
function stageFolder(root: string, name: string): string {
  const stage = join(root, ARCHIVES_FOLDER, `stage-${name}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  return stage;
}

/** xz with every core: -6 took 37 s for Node's 125 MB binary here (29 MB out, against gzip -9's 44 MB). */
async function xzTar(out: string, stage: string, entries: readonly string[]): Promise<void> {
  await mustRun('tar', ['--owner=0', '--group=0', '--numeric-owner', '-cJf', out, '-C', stage, ...entries], {
    env: { ...process.env, XZ_OPT: '-6 -T0' }, timeoutMs: 20 * MINUTE, echo: false,
  });
}

interface PinnedTarball {
  name: string;
  version: string;
  integrity: string;
  /** Who pins the integrity, for messages. */
  pinnedBy: string;
}

/**
 * An npm package repacked with xz: its own files (or just `members`, paths under package/) go to `folder` in the
 * archive. Cached by the pinned integrity, so the minutes of compression are spent once per version.
 */
async function repackedTarball(
  root: string,
  archive: string,
  pin: PinnedTarball,
  folder: string,
  members: readonly string[],
  log: Log,
): Promise<KitArchive> {
  const label = `${pin.name}@${pin.version}`;
  return cachedArchive(
    root,
    archive,
    `${label} ${pin.integrity}`,
    `${label} (sha512 checked against ${pin.pinnedBy})`,
    async (out) => {
      const tarball = await verifiedTarball(root, pin.name, pin.version, pin.integrity, pin.pinnedBy, log);
      const stage = stageFolder(root, archive);
      mkdirSync(join(stage, folder), { recursive: true });
      // npm tarballs keep every file under package/.
      await mustRun('tar', ['-xzf', tarball, '-C', join(stage, folder), '--strip-components=1', ...members], {
        timeoutMs: 10 * MINUTE,
        echo: false,
      });
      log(`compressing ${label} with xz`);
      await xzTar(out, stage, [folder.split('/')[0] ?? folder]);
      rmSync(stage, { recursive: true, force: true });
      rmSync(tarball, { force: true });
    },
    log,
  );
}

/** Node's binary and licence as node/ (xz: 125 MB of binary is 29 MB, against gzip -9's 44 MB). */
export async function nodeArchive(root: string, log: Log): Promise<KitArchive> {
  return repackedTarball(
    root,
    'node.tar.xz',
    { ...KIT_NODE, pinnedBy: 'kitLayout.ts' },
    'node',
    ['package/bin/node', 'package/LICENSE'],
    log,
  );
}

/** node-llama-cpp's CUDA build as node_modules/@node-llama-cpp/linux-x64-cuda (143 MB of gzip is 130 MB of xz: 3.5 minutes here, once). */
export async function cudaArchive(root: string, log: Log): Promise<KitArchive> {
  const pin = lockedPin(CUDA_PACKAGE);
  return repackedTarball(root, 'cuda.tar.xz', { ...pin, pinnedBy: 'package-lock.json' }, `node_modules/${pin.name}`, [], log);
}

/** The fallback with CUDA's own libraries, kept as the registry's tarball: xz saves little on it and takes minutes. */
export async function cudaExtArchive(root: string, log: Log): Promise<KitArchive> {
  const pin = lockedPin(CUDA_EXT_PACKAGE);
  return cachedArchive(
    root,
    CUDA_EXT_ARCHIVE,
    `${pin.name}@${pin.version} ${pin.integrity}`,
    `${pin.name}@${pin.version} (sha512 checked against package-lock.json)`,
    async (out) => {
      renameSync(await verifiedTarball(root, pin.name, pin.version, pin.integrity, 'package-lock.json', log), out);
    },
    log,
  );
}

/**
 * The kit's own files, laid out like the repository so that the check finds them from its own folder: the built
 * check and engine, the model generator and its fixtures, the source files the benches read, and node_modules with
 * node-llama-cpp's production dependencies and its Linux CPU binaries (the VSIX stage's selection). Rebuilt each pack.
 */
export async function appArchive(root: string, log: Log): Promise<KitArchive> {
  for (const built of ['dist/engine.mjs', 'out/scripts/gpuCheck.js', 'out/scripts/generateModels.js']) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run npm run build first (npm run check:gpu does).`);
  }
  return cachedArchive(
    root,
    'app.tar.xz',
    `built ${new Date().toISOString()}`,
    'this working tree (npm run build) and node_modules',
    async (out) => {
      const stage = stageFolder(root, 'app');
      for (const path of [...APP_BUILT_FILES, ...new Set([...TYPING_SOURCES, ...HEATMAP_SOURCES])]) {
        cpSync(join(root, path), join(stage, path), { recursive: true, filter: (file) => !file.endsWith('.map') });
      }
      await stageProductionModules(root, stage, KIT_CPU_NATIVES);
      await xzTar(out, stage, ['.']);
      rmSync(stage, { recursive: true, force: true });
    },
    log,
  );
}
