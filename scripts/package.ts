// npm run package [-- --target linux-x64|darwin-arm64|win32-x64]
// Builds the production bundles and a platform-specific VSIX at the repository root, prints its size
// and fails when it is over MAX_VSIX_BYTES. Without --target, packages for this machine.
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from './lib/e2ePaths';
import { stagePackage } from './lib/package/stagePackage';
import { hostTarget, isPackageTarget, MAX_VSIX_BYTES, vsixPath, type PackageTarget } from './lib/package/targets';
import { mustRun } from './lib/processes';

const MINUTE = 60_000;

function log(message: string): void {
  process.stdout.write(`[package] ${message}\n`);
}

function requestedTarget(argv: readonly string[]): PackageTarget {
  const index = argv.indexOf('--target');
  const value = index >= 0 ? argv[index + 1] : hostTarget();
  if (value === undefined) {
    throw new Error(`No VSIX is built for ${process.platform}-${process.arch}; pass --target linux-x64, darwin-arm64 or win32-x64.`);
  }
  if (!isPackageTarget(value)) throw new Error(`Unknown --target ${value}: use linux-x64, darwin-arm64 or win32-x64.`);
  return value;
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const started = Date.now();
  const repoRoot = findRepoRoot();
  const target = requestedTarget(process.argv.slice(2));
  const vsix = vsixPath(repoRoot, target);

  log(`production bundles (minified, no source maps)`);
  await mustRun(process.execPath, ['esbuild.config.mjs', '--production', '--dist-only'], {
    cwd: repoRoot,
    timeoutMs: 2 * MINUTE,
    echo: false,
  });
  const stage = join(repoRoot, '.cache', 'package', target);
  log(`staging ${target} in ${stage}`);
  await stagePackage(repoRoot, stage, target);

  rmSync(vsix, { force: true });
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  // Relative links stay relative: the README's screenshots ship inside the VSIX, and there is no public repository to point at.
  await mustRun(
    process.execPath,
    [vsce, 'package', '--target', target, '--out', vsix, '--no-rewrite-relative-links', '--allow-missing-repository'],
    {
      cwd: stage,
      timeoutMs: 10 * MINUTE,
      echo: false,
    },
  );
  if (!existsSync(vsix)) throw new Error(`vsce finished without writing ${vsix}.`);
  const size = statSync(vsix).size;
  log(`${vsix}: ${megabytes(size)} (limit ${megabytes(MAX_VSIX_BYTES)}), ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (size > MAX_VSIX_BYTES) throw new Error(`The ${target} VSIX is ${megabytes(size)}, over the ${megabytes(MAX_VSIX_BYTES)} limit.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[package] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
