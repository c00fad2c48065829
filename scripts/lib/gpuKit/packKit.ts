// Packs the GPU check kit into .cache/gpu-kit: the archives, the core parts (Node, the check, CUDA) cut from one
// container so that no call carries a half-empty part, the cuda-ext parts, their sums, and a manifest.
import { readFileSync, rmSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun } from '../processes';
import { type DeviceCall, planCalls, roomForParts } from './callPlan';
import { appArchive, cudaArchive, cudaExtArchive, type KitArchive, type Log, nodeArchive } from './kitArchives';
import { ARCHIVES_FOLDER, CORE_ARCHIVES, KIT_NODE, MANIFEST_FILE, MAX_PART_BYTES, mib, PARTS_FOLDER, SUMS_FILE } from './kitLayout';
import { type KitPart, partSizes, splitFile } from './splitParts';
import { workingTreeBytes } from './workingTree';

export interface KitManifest {
  packedAt: string;
  node: string;
  nodeLlamaCpp: string;
  archives: Omit<KitArchive, 'path'>[];
  core: KitPart[];
  ext: KitPart[];
  /** The working tree when the kit was packed; the plan measures it again. */
  treeBytes: number;
  partLimitBytes: number;
}

/** More than the sums file of any kit this packs (a line is about 90 bytes): the part size is chosen before it exists. */
const SUMS_ALLOWANCE_BYTES = 4096;

export async function packKit(root: string, log: Log): Promise<KitManifest> {
  const treeBytes = workingTreeBytes(root);
  const partLimitBytes = Math.min(MAX_PART_BYTES, roomForParts(treeBytes, SUMS_ALLOWANCE_BYTES));
  log(`working tree: ${mib(treeBytes)}, so parts of at most ${mib(partLimitBytes)}`);
  const core = [await nodeArchive(root, log), await appArchive(root, log), await cudaArchive(root, log)];
  const ext = await cudaExtArchive(root, log);
  if (core.map((archive) => archive.name).join() !== CORE_ARCHIVES.join()) {
    throw new Error(`The core archives must be ${CORE_ARCHIVES.join(', ')}.`);
  }

  const parts = join(root, PARTS_FOLDER);
  rmSync(parts, { recursive: true, force: true });
  mkdirSync(parts, { recursive: true });
  // One uncompressed container: the device joins the parts and untars it, without a copy on disk.
  const container = join(root, ARCHIVES_FOLDER, 'core.tar');
  await mustRun(
    'tar',
    ['--owner=0', '--group=0', '--numeric-owner', '-cf', container, '-C', join(root, ARCHIVES_FOLDER), ...CORE_ARCHIVES],
    { timeoutMs: 5 * 60_000, echo: false },
  );
  const coreParts = splitFile(container, parts, 'core', partSizes(statSync(container).size, partLimitBytes));
  rmSync(container, { force: true });
  const extParts = splitFile(ext.path, parts, 'ext', partSizes(ext.bytes, partLimitBytes));

  const sums = [
    ...[...coreParts, ...extParts].map((part) => `${part.sha256}  parts/${part.name}`),
    ...[...core, ext].map((archive) => `${archive.sha256}  archives/${archive.name}`),
  ];
  writeFileSync(join(root, SUMS_FILE), `${sums.join('\n')}\n`);
  const manifest: KitManifest = {
    packedAt: new Date().toISOString(),
    node: `${KIT_NODE.name}@${KIT_NODE.version}`,
    nodeLlamaCpp: (JSON.parse(readFileSync(join(root, 'node_modules', 'node-llama-cpp', 'package.json'), 'utf8')) as { version: string })
      .version,
    archives: [...core, ext].map(({ path: _path, ...archive }) => archive),
    core: coreParts,
    ext: extParts,
    treeBytes,
    partLimitBytes,
  };
  writeFileSync(join(root, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export function readManifest(root: string): KitManifest {
  try {
    return JSON.parse(readFileSync(join(root, MANIFEST_FILE), 'utf8')) as KitManifest;
  } catch {
    throw new Error(`No kit in ${MANIFEST_FILE}: pack it first (npm run check:gpu -- pack).`);
  }
}

/** The calls for this kit with the working tree as it is now. */
export function kitPlan(root: string, manifest: KitManifest, runnerArgs: readonly string[]): DeviceCall[] {
  return planCalls({
    core: manifest.core,
    ext: manifest.ext,
    treeBytes: workingTreeBytes(root),
    sumsBytes: statSync(join(root, SUMS_FILE)).size,
    runnerArgs,
  });
}

export function describeKit(manifest: KitManifest): string {
  const rows = manifest.archives.map((archive) => `  ${archive.name.padEnd(14)} ${mib(archive.bytes).padStart(10)}  ${archive.from}`);
  const parts = (list: readonly KitPart[]) => list.map((part) => `${part.name} ${mib(part.bytes)}`).join(', ');
  return [
    `GPU check kit (${manifest.node}, node-llama-cpp ${manifest.nodeLlamaCpp}), packed ${manifest.packedAt}`,
    ...rows,
    `  core parts: ${parts(manifest.core)}`,
    `  ext parts (only where CUDA 13's libraries are missing): ${parts(manifest.ext)}`,
  ].join('\n');
}
