// Installs node-llama-cpp's binary packages (the CUDA ones, too large for the VSIX) from the npm registry into
// `<folder>/node_modules`, where binaryResolveHook finds them.
//
// All or nothing: every package is unpacked into a hidden sibling folder, and only when every one has matched the
// registry's sha512 are they renamed into place. A failure, a mismatch or a cancel removes what was unpacked. A
// process killed mid-way leaves its hidden folder, which the next install removes once that process is gone.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type BinaryPackage, type InstallBinariesParams, type InstallBinariesResult, packageLabel as label } from '../protocol/binariesProtocol';
import type { DownloadProgress } from '../protocol/engineProtocol';
import { DownloadProgressMeter } from './DownloadProgressMeter';
import { errnoCode, writeFailure } from './downloadErrors';
import { CodedError } from './EngineError';
import { tarballInfo } from './npmRegistry';
import { unpackTarball } from './unpackTarball';

/** Folders this engine is installing into: two installs renaming into one folder would undo each other. */
const installing = new Set<string>();

/** `.<package>.<stage>-<pid>-<random>`: hidden, and tells whose it is. */
const WORK_FOLDER = /^\.[a-z0-9-]+\.(?:partial|old)-(\d+)-[0-9a-f]+$/;

interface Staged {
  pkg: BinaryPackage;
  dir: string;
}

export async function installBinaries(params: InstallBinariesParams, signal: AbortSignal, onProgress: (progress: DownloadProgress) => void): Promise<InstallBinariesResult> {
  const folder = resolve(params.folder);
  if (installing.has(folder)) throw new CodedError('downloadFailed', `Binaries are already being installed in ${folder}.`);
  installing.add(folder);
  try {
    return await install(params, join(folder, 'node_modules', '@node-llama-cpp'), signal, onProgress);
  } finally {
    installing.delete(folder);
  }
}

async function install(params: InstallBinariesParams, scopeDir: string, signal: AbortSignal, onProgress: (progress: DownloadProgress) => void): Promise<InstallBinariesResult> {
  await mkdir(scopeDir, { recursive: true }).catch((error: unknown) => {
    throw new CodedError('downloadFailed', writeFailure(error, scopeDir));
  });
  await removeAbandonedWork(scopeDir);
  // Every package's registry entry first: one that is missing fails the install before hundreds of MB are fetched.
  const infos = [];
  for (const pkg of params.packages) infos.push({ pkg, ...(await tarballInfo(params.registry, pkg, signal)) });
  const totalBytes = infos.every((info) => info.sizeBytes > 0) ? infos.reduce((sum, info) => sum + info.sizeBytes, 0) : 0;
  const meter = new DownloadProgressMeter(onProgress);
  const staged: Staged[] = [];
  let doneBytes = 0;
  try {
    for (const info of infos) {
      const dir = join(scopeDir, workName(info.pkg, 'partial'));
      staged.push({ pkg: info.pkg, dir });
      await mkdir(dir);
      const unpacked = await unpackTarball(info.url, dir, label(info.pkg), signal, (bytes) => meter.update(doneBytes + bytes, totalBytes));
      if (unpacked.sha512 !== info.sha512) {
        throw new CodedError('downloadFailed', `The download of ${label(info.pkg)} does not match the registry's checksum `
          + `(sha512-${info.sha512.slice(0, 16)}… expected, sha512-${unpacked.sha512.slice(0, 16)}… received), so nothing was installed.`);
      }
      await checkPackageJson(dir, info.pkg);
      doneBytes += unpacked.bytes;
    }
    meter.finish(doneBytes);
    return { installed: await moveIntoPlace(staged, scopeDir), downloadedBytes: doneBytes };
  } finally {
    // After a success the folders were renamed away, so this removes only what a failure left.
    await Promise.all(staged.map(({ dir }) => rm(dir, { recursive: true, force: true })));
  }
}

/** The tarball holds the package that was asked for: an entry of the registry pointing elsewhere is refused. */
async function checkPackageJson(dir: string, pkg: BinaryPackage): Promise<void> {
  const manifest: unknown = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8').catch(() => 'null'));
  const { name, version } = (manifest ?? {}) as { name?: unknown; version?: unknown };
  if (name !== pkg.name || version !== pkg.version) {
    throw new CodedError('downloadFailed', `The tarball of ${label(pkg)} holds ${String(name)}@${String(version)}, so nothing was installed.`);
  }
}

/** Renames each unpacked package over the installed one (whose old files are then removed). */
async function moveIntoPlace(staged: readonly Staged[], scopeDir: string): Promise<InstallBinariesResult['installed']> {
  const installed: InstallBinariesResult['installed'] = [];
  for (const { pkg, dir } of staged) {
    const target = join(scopeDir, basename(pkg.name));
    const aside = join(scopeDir, workName(pkg, 'old'));
    const hadOld = await rename(target, aside).then(() => true, (error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return false;
      throw new CodedError('downloadFailed', `Cannot replace ${target}: ${String(error)}`);
    });
    try {
      await rename(dir, target);
    } catch (error) {
      if (hadOld) await rename(aside, target).catch(() => undefined);
      throw new CodedError('downloadFailed', `Cannot move ${pkg.name} into ${target}: ${String(error)}`);
    }
    if (hadOld) await rm(aside, { recursive: true, force: true });
    installed.push({ name: pkg.name, version: pkg.version, path: target });
  }
  return installed;
}

function workName(pkg: BinaryPackage, stage: 'partial' | 'old'): string {
  return `.${basename(pkg.name)}.${stage}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Work folders of engines that were killed mid-install (another window's engine may be installing: its are kept). */
async function removeAbandonedWork(scopeDir: string): Promise<void> {
  for (const name of await readdir(scopeDir)) {
    const pid = Number(WORK_FOLDER.exec(name)?.[1]);
    if (pid && !isAlive(pid)) await rm(join(scopeDir, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to someone else.
    return errnoCode(error) === 'EPERM';
  }
}
