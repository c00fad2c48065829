// A module resolve hook (node:module register), bundled on its own as dist/binaryResolveHook.mjs. node-llama-cpp finds
// its binaries with a bare `import("@node-llama-cpp/<platform>")`, which Node looks up only in the node_modules folders
// above node-llama-cpp. CUDA's packages are downloaded into another folder (the VSIX cannot carry them), so this hook
// resolves `@node-llama-cpp/*` from `<folder>/node_modules` when the package is there, and leaves the rest alone.
import { existsSync } from 'node:fs';
import type { InitializeHook, ResolveHook } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

let folder: string | undefined;

export const initialize: InitializeHook<{ folder?: unknown } | undefined> = (data) => {
  folder = typeof data?.folder === 'string' && data.folder !== '' ? data.folder : undefined;
};

export const resolve: ResolveHook = (specifier, context, nextResolve) => {
  const name = /^@node-llama-cpp\/[a-z0-9][a-z0-9-]*/.exec(specifier)?.[0];
  if (folder && name && existsSync(join(folder, 'node_modules', name, 'package.json'))) {
    // Resolved as if imported from a file in the folder: Node's own lookup (and the package's exports) then finds it.
    return nextResolve(specifier, { ...context, parentURL: pathToFileURL(join(folder, 'resolve-from-here.mjs')).href });
  }
  return nextResolve(specifier, context);
};
