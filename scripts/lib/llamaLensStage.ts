// Llama Lens as a user gets it: the VSIX `npm run package` built, installed by code-server itself.
// The E2E tests and the demo copy the installed folder into each code-server they start, so the
// package's contents (not the development folder) are what runs.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { installVsix } from './codeServer';
import { hostTarget, vsixPath } from './package/targets';
import { e2ePaths } from './e2ePaths';

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
 * The folder code-server installed the packaged VSIX into. Installed once per VSIX content, because
 * `--install-extension` takes seconds and every test file starts its own code-server. Each content gets its own
 * folder (`installed-vsix-by-content/<sha256>`), never replaced: several checkouts (git worktrees) share
 * `.vscode-test`, and one checkout's VSIX must not swap out the folder another one's running code-server reads.
 * Folders not used for a day are removed.
 */
export async function installedLlamaLens(): Promise<string> {
  const paths = e2ePaths();
  const vsix = packagedVsixPath();
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first.`);
  const byContent = join(paths.cacheDir, 'installed-vsix-by-content');
  const digest = createHash('sha256').update(readFileSync(vsix)).digest('hex').slice(0, 32);
  const root = join(byContent, digest);
  const extensionsDir = join(root, 'extensions');
  const installed = (): string | undefined => {
    const folder = existsSync(extensionsDir)
      ? readdirSync(extensionsDir).find((name) => name.startsWith(`${STATUS_BAR_ID_PREFIX}-`))
      : undefined;
    return folder && join(extensionsDir, folder);
  };
  const current = installed();
  if (current) {
    utimesSync(root, new Date(), new Date());
    return current;
  }

  removeUnused(byContent, digest);
  // Installed beside the final folder and renamed into place, so no reader ever sees half an install.
  const work = `${root}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await installVsix(vsix, { root: work, userDataDir: join(work, 'user-data'), extensionsDir: join(work, 'extensions') });
  try {
    renameSync(work, root);
  } catch (error) {
    // Another process installed the same content meanwhile: theirs is as good.
    rmSync(work, { recursive: true, force: true });
    if (!installed()) throw error;
  }
  return installed() ?? (() => {
    throw new Error(`code-server installed ${vsix}, but no ${STATUS_BAR_ID_PREFIX}-* folder is in ${extensionsDir}.`);
  })();
}

const UNUSED_MS = 24 * 60 * 60 * 1000;

/** Removes installs other than `keep` that were not used for a day (their folder's time is touched on each use). */
function removeUnused(byContent: string, keep: string): void {
  if (!existsSync(byContent)) return;
  for (const name of readdirSync(byContent)) {
    const folder = join(byContent, name);
    if (name !== keep && Date.now() - statSync(folder).mtimeMs > UNUSED_MS) rmSync(folder, { recursive: true, force: true });
  }
}
