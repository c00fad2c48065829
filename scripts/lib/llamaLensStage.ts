// Llama Lens as a user gets it: the VSIX `npm run package` built, installed by code-server itself.
// The E2E tests and the demo copy the installed folder into each code-server they start, so the
// package's contents (not the development folder) are what runs.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerEnv } from './codeServer';
import { hostTarget, vsixPath } from './package/targets';
import { e2ePaths } from './e2ePaths';
import { mustRun } from './processes';

/** The DOM id VS Code gives our status bar item starts with the extension id. */
export const STATUS_BAR_ID_PREFIX = 'llama-lens.llama-lens';

/** The VSIX for this machine, as `npm run package` names it. */
export function packagedVsixPath(): string {
  const { repoRoot } = e2ePaths();
  const target = hostTarget();
  if (!target) throw new Error(`No VSIX is built for ${process.platform}-${process.arch}.`);
  return vsixPath(repoRoot, target);
}

/**
 * The folder code-server installed the packaged VSIX into. Installed once per VSIX build (the
 * stamp holds its size and time), because `--install-extension` takes seconds and every test
 * file starts its own code-server.
 */
export async function installedLlamaLens(): Promise<string> {
  const paths = e2ePaths();
  const vsix = packagedVsixPath();
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first.`);
  const root = join(paths.cacheDir, 'installed-vsix');
  const extensionsDir = join(root, 'extensions');
  const stampFile = join(root, 'installed-from.json');
  const { size, mtimeMs } = statSync(vsix);
  const stamp = JSON.stringify({ vsix, size, mtimeMs });
  const installed = (): string | undefined => {
    const folder = existsSync(extensionsDir) ? readdirSync(extensionsDir).find((name) => name.startsWith(`${STATUS_BAR_ID_PREFIX}-`)) : undefined;
    return folder && join(extensionsDir, folder);
  };
  const current = installed();
  if (current && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return current;

  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  await mustRun(
    paths.node24Binary,
    [paths.codeServerEntry, '--config', join(root, 'config.yaml'), '--user-data-dir', join(root, 'user-data'), '--extensions-dir', extensionsDir, '--install-extension', vsix],
    { env: codeServerEnv(), timeoutMs: 180_000, echo: false },
  );
  const folder = installed() ?? (() => {
    throw new Error(`code-server installed ${vsix}, but no ${STATUS_BAR_ID_PREFIX}-* folder is in ${extensionsDir}.`);
  })();
  writeFileSync(stampFile, stamp);
  return folder;
}
