// A module resolve hook (node:module register), bundled on its own as dist/binaryResolveHook.mjs. node-llama-cpp finds
// its binaries with a bare `import("@node-llama-cpp/<platform>")`, which Node looks up only in the node_modules folders
// above node-llama-cpp. CUDA's packages are downloaded into another folder (the VSIX cannot carry them), so this hook
// resolves them from `<folder>/node_modules`. It answers only for the pinned packages it is given (main.ts registers
// it when some are installed), and only while the installed package.json has the pinned version: anything else that
// lands in the folder is left to Node's own lookup, which never looks there.
import type { InitializeHook, ResolveHook } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isBinaryPackage } from '../../protocol/binariesProtocol';
import { installedVersion } from './installedVersion';

let folder: string | undefined;
/** Pinned version by package name. */
let pinned = new Map<string, string>();

export const initialize: InitializeHook<{ folder?: unknown; packages?: unknown } | undefined> = (data) => {
  folder = typeof data?.folder === 'string' && data.folder !== '' ? data.folder : undefined;
  const packages = Array.isArray(data?.packages) ? data.packages.filter(isBinaryPackage) : [];
  pinned = new Map(packages.map((pkg) => [pkg.name, pkg.version]));
};

export const resolve: ResolveHook = (specifier, context, nextResolve) => {
  // The whole name, up to a subpath or the end: "@node-llama-cpp/linux-x64-cuda.x" is another package, not pinned.
  const name = /^@node-llama-cpp\/[a-z0-9][a-z0-9-]*(?=\/|$)/.exec(specifier)?.[0];
  const version = name ? pinned.get(name) : undefined;
  if (folder && name && version && installedVersion(join(folder, 'node_modules'), name) === version) {
    // Resolved as if imported from a file in the folder: Node's own lookup (and the package's exports) then finds it.
    return nextResolve(specifier, { ...context, parentURL: pathToFileURL(join(folder, 'resolve-from-here.mjs')).href });
  }
  return nextResolve(specifier, context);
};
