// Installs node-llama-cpp's binary packages (the CUDA ones, too large for the VSIX) from the npm registry into
// `<folder>/node_modules`, where binaryResolveHook finds them.
//
// Only packages this build pins (planBinaryInstall.ts), each downloaded into a hidden file, capped in size, and
// unpacked only once its sha512 has matched the pin: a tarball that is not the pinned one is never read.
// All or nothing: every package is unpacked into a hidden sibling folder, and only when every one is there are they
// renamed into place. A failure, a mismatch or a cancel removes what was fetched and unpacked. A process killed
// mid-way leaves its hidden files, which the next install removes once that process is gone.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { shortDigest } from '../../core/gpu/binaryPins';
import {
  type BinaryPackage,
  type InstallBinariesParams,
  type InstallBinariesResult,
  packageLabel as label,
} from '../../protocol/binariesProtocol';
import type { DownloadProgress } from '../../protocol/engineProtocol';
import { DownloadProgressMeter } from '../transfer/DownloadProgressMeter';
import { downloadTarball } from './downloadTarball';
import { errnoCode, writeFailure } from '../transfer/downloadErrors';
import { CodedError } from '../EngineError';
import { planBinaryInstall } from './planBinaryInstall';
import { unpackTarball } from './unpackTarball';

/** Folders this engine is installing into: two installs renaming into one folder would undo each other. */
const installing = new Set<string>();

/** `.<package>.<stage>-<pid>-<random>`: hidden, and tells whose it is. */
const WORK_FOLDER = /^\.[a-z0-9-]+\.(?:download|partial|old)-(\d+)-[0-9a-f]+$/;

interface Staged {
  pkg: BinaryPackage;
  /** The downloaded tarball, removed once unpacked. */
  tarball: string;
  dir: string;
}

export async function installBinaries(
  params: InstallBinariesParams,
  signal: AbortSignal,
  onProgress: (progress: DownloadProgress) => void,
): Promise<InstallBinariesResult> {
  const folder = resolve(params.folder);
  if (installing.has(folder)) throw new CodedError('downloadFailed', `Binaries are already being installed in ${folder}.`);
  installing.add(folder);
  try {
    return await install(params, join(folder, 'node_modules', '@node-llama-cpp'), signal, onProgress);
  } finally {
    installing.delete(folder);
  }
}

async function install(
  params: InstallBinariesParams,
  scopeDir: string,
  signal: AbortSignal,
  onProgress: (progress: DownloadProgress) => void,
): Promise<InstallBinariesResult> {
  // Before anything is written: a refused install leaves no folder behind.
  const plan = await planBinaryInstall(params, signal);
  await mkdir(scopeDir, { recursive: true }).catch((error: unknown) => {
    throw new CodedError('downloadFailed', writeFailure(error, scopeDir));
  });
  await removeAbandonedWork(scopeDir);
  const totalBytes = plan.packages.every((item) => item.sizeBytes > 0) ? plan.packages.reduce((sum, item) => sum + item.sizeBytes, 0) : 0;
  const meter = new DownloadProgressMeter(onProgress);
  const staged: Staged[] = [];
  let doneBytes = 0;
  try {
    for (const { pkg, url, sha512 } of plan.packages) {
      const item = { pkg, tarball: join(scopeDir, workName(pkg, 'download')), dir: join(scopeDir, workName(pkg, 'partial')) };
      staged.push(item);
      const fetched = await downloadTarball(url, item.tarball, label(pkg), plan.maxTarballBytes, signal, (bytes) =>
        meter.update(doneBytes + bytes, totalBytes),
      );
      if (fetched.sha512 !== sha512) {
        throw new CodedError(
          'downloadFailed',
          `The download of ${label(pkg)} does not match the sha512 this build of Llama Lens pinned ` +
            `(${shortDigest(sha512)} expected, ${shortDigest(fetched.sha512)} received), so it was not unpacked and nothing was installed.`,
        );
      }
      await mkdir(item.dir);
      await unpackTarball(item.tarball, item.dir, label(pkg), signal);
      await rm(item.tarball, { force: true });
      await checkPackageJson(item.dir, pkg);
      doneBytes += fetched.bytes;
    }
    meter.finish(doneBytes);
    return { installed: await moveIntoPlace(staged, scopeDir), downloadedBytes: doneBytes };
  } finally {
    // After a success the folders were renamed away, so this removes only what a failure left.
    await Promise.all(staged.flatMap(({ tarball, dir }) => [rm(tarball, { force: true }), rm(dir, { recursive: true, force: true })]));
  }
}

/** The tarball holds the package that was asked for: an entry of the registry pointing elsewhere is refused. */
async function checkPackageJson(dir: string, pkg: BinaryPackage): Promise<void> {
  const manifest: unknown = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8').catch(() => 'null'));
  const { name, version } = (manifest ?? {}) as { name?: unknown; version?: unknown };
  if (name !== pkg.name || version !== pkg.version) {
    throw new CodedError(
      'downloadFailed',
      `The tarball of ${label(pkg)} holds ${String(name)}@${String(version)}, so nothing was installed.`,
    );
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

function workName(pkg: BinaryPackage, stage: 'download' | 'partial' | 'old'): string {
  return `.${basename(pkg.name)}.${stage}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Work files and folders of engines that were killed mid-install (another window's engine may be installing: its are kept). */
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
