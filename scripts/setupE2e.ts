// Installs the real-VS-Code E2E stack into the git-ignored `.vscode-test/` folder:
//   1. Node 24 from the npm registry (`npm i node@24`): code-server 4.139 requires it.
//   2. Debian's libkrb5-dev (code-server's native `kerberos` module builds against it).
//   3. code-server 4.139.1 (= VS Code 1.139.1) from the npm registry, installed with Node 24 first on PATH.
//   4. Debian's chromium, driven by playwright-core (never `playwright install`).
// Idempotent: each component leaves a stamp in .vscode-test/stamps/ and is skipped (after a cheap check) next time.
// Every command runs with a deadline; any failure exits non-zero with the reason and the tail of the output.
//
// Usage: node out/scripts/setupE2e.js [--force]
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CODE_SERVER_VERSION, NODE_MAJOR, SYSTEM_CHROMIUM, e2ePaths, type E2ePaths } from './lib/e2ePaths';
import { aptInstall, dpkgInstalled } from './lib/apt';
import { mustRun, runWithDeadline } from './lib/processes';

const MINUTE = 60_000;
const force = process.argv.includes('--force');

function log(message: string): void {
  process.stdout.write(`[setup-e2e] ${message}\n`);
}

interface Stamp {
  component: string;
  version: string;
  installedAt: string;
  seconds: number;
}

function stampPath(paths: E2ePaths, component: string): string {
  return join(paths.stampDir, `${component}.json`);
}

function readStamp(paths: E2ePaths, component: string): Stamp | undefined {
  const file = stampPath(paths, component);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

function writeStamp(paths: E2ePaths, component: string, version: string, startedAt: number): void {
  mkdirSync(paths.stampDir, { recursive: true });
  const stamp: Stamp = { component, version, installedAt: new Date().toISOString(), seconds: (Date.now() - startedAt) / 1000 };
  writeFileSync(stampPath(paths, component), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** An npm project folder whose package.json approves the install scripts we rely on (npm 11's allowScripts). */
function writeInstallProject(prefix: string, name: string, allowScripts: string[]): void {
  mkdirSync(prefix, { recursive: true });
  const manifest = {
    name,
    private: true,
    description: 'Installed by scripts/setupE2e.ts; safe to delete.',
    allowScripts: Object.fromEntries(allowScripts.map((pkg) => [pkg, true])),
  };
  writeFileSync(join(prefix, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

async function nodeVersion(binary: string): Promise<string | undefined> {
  if (!existsSync(binary)) return undefined;
  const result = await runWithDeadline(binary, ['--version'], { timeoutMs: 30_000, echo: false });
  return result.code === 0 ? result.output.trim() : undefined;
}

async function ensureNode24(paths: E2ePaths): Promise<void> {
  const stamp = readStamp(paths, 'node24');
  const current = await nodeVersion(paths.node24Binary);
  if (!force && stamp && current?.startsWith(`v${NODE_MAJOR}.`)) {
    log(`Node ${NODE_MAJOR}: ${current} already installed (${paths.node24Binary})`);
    return;
  }
  const started = Date.now();
  log(`Node ${NODE_MAJOR}: npm install node@${NODE_MAJOR} into ${paths.node24Prefix}`);
  rmSync(join(paths.node24Prefix, 'node_modules'), { recursive: true, force: true });
  writeInstallProject(paths.node24Prefix, 'llama-lens-e2e-node24', ['node']);
  await mustRun('npm', ['install', '--no-audit', '--no-fund', '--no-save', `node@${NODE_MAJOR}`], {
    cwd: paths.node24Prefix,
    timeoutMs: 10 * MINUTE,
  });
  const installed = await nodeVersion(paths.node24Binary);
  if (!installed?.startsWith(`v${NODE_MAJOR}.`)) {
    throw new Error(
      `npm installed node@${NODE_MAJOR}, but ${paths.node24Binary} ${installed ? `reports ${installed}` : 'does not run'}. ` +
        'Its preinstall script (which fetches node-<platform>-<arch>) may have been skipped.',
    );
  }
  log(`Node ${NODE_MAJOR}: ${installed} at ${realpathSync(paths.node24Binary)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  writeStamp(paths, 'node24', installed, started);
}

async function ensureAptPackage(paths: E2ePaths, pkg: string, present: () => boolean = () => true): Promise<void> {
  const version = await dpkgInstalled(pkg);
  if (!force && version && present()) {
    log(`${pkg}: ${version} already installed`);
    if (!readStamp(paths, pkg)) writeStamp(paths, pkg, version, Date.now());
    return;
  }
  const started = Date.now();
  await aptInstall([pkg], log);
  const installed = await dpkgInstalled(pkg);
  if (!installed || !present()) throw new Error(`apt-get reported success, but ${pkg} is not installed.`);
  log(`${pkg}: ${installed} installed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  writeStamp(paths, pkg, installed, started);
}

function codeServerInstalledVersion(paths: E2ePaths): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(paths.codeServerPackageDir, 'package.json'), 'utf8')) as { version?: string };
    return existsSync(paths.codeServerEntry) ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The environment for anything that must run under Node 24: its bin dir first on PATH, and none of the
 * `npm_*` variables an outer `npm test` exports. The inner npm would read `npm_config_user_agent` as its own
 * config, and code-server's postinstall takes the Node version from that user agent (it would see Node 20).
 */
function node24Env(paths: E2ePaths): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, PATH: `${paths.node24BinDir}${delimiter}${process.env.PATH ?? ''}` };
}

async function ensureCodeServer(paths: E2ePaths): Promise<void> {
  const stamp = readStamp(paths, 'code-server');
  const installed = codeServerInstalledVersion(paths);
  // The VS Code server code inside the package; a half-finished postinstall leaves it without node_modules.
  const vscodeModules = join(paths.codeServerPackageDir, 'lib', 'vscode', 'node_modules');
  if (!force && stamp?.version === CODE_SERVER_VERSION && installed === CODE_SERVER_VERSION && existsSync(vscodeModules)) {
    log(`code-server: ${installed} already installed (${paths.codeServerEntry})`);
    return;
  }
  const started = Date.now();
  log(
    `code-server: npm install code-server@${CODE_SERVER_VERSION} into ${paths.codeServerPrefix} with Node ${NODE_MAJOR} first on PATH (takes minutes)`,
  );
  rmSync(join(paths.codeServerPrefix, 'node_modules'), { recursive: true, force: true });
  writeInstallProject(paths.codeServerPrefix, 'llama-lens-e2e-code-server', ['code-server', 'argon2']);
  await mustRun(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`],
    { cwd: paths.codeServerPrefix, env: node24Env(paths), timeoutMs: 20 * MINUTE },
  );
  if (codeServerInstalledVersion(paths) !== CODE_SERVER_VERSION || !existsSync(vscodeModules)) {
    throw new Error(
      `npm finished, but code-server ${CODE_SERVER_VERSION} is incomplete at ${paths.codeServerPackageDir} (postinstall skipped or failed?).`,
    );
  }
  // `--config` keeps code-server from writing a default ~/.config/code-server/config.yaml.
  const version = await mustRun(
    paths.node24Binary,
    [paths.codeServerEntry, '--config', join(paths.cacheDir, 'code-server-config.yaml'), '--version'],
    { env: node24Env(paths), timeoutMs: 60_000, echo: false },
  );
  const versionLine = version.output.split('\n').find((line) => line.startsWith(CODE_SERVER_VERSION)) ?? version.output.trim();
  log(`code-server: ${versionLine} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  writeStamp(paths, 'code-server', CODE_SERVER_VERSION, started);
}

async function ensureChromium(paths: E2ePaths): Promise<void> {
  if (paths.chromium !== SYSTEM_CHROMIUM) {
    if (!existsSync(paths.chromium)) throw new Error(`LLAMA_LENS_CHROMIUM names ${paths.chromium}, which does not exist.`);
    log(`chromium: using ${paths.chromium} (LLAMA_LENS_CHROMIUM)`);
    return;
  }
  await ensureAptPackage(paths, 'chromium', () => existsSync(SYSTEM_CHROMIUM));
}

async function main(): Promise<void> {
  const started = Date.now();
  const paths = e2ePaths();
  log(`repo root: ${paths.repoRoot}`);
  log(`cache: ${paths.cacheDir}${force ? ' (--force: reinstalling everything)' : ''}`);
  mkdirSync(paths.cacheDir, { recursive: true });
  await ensureNode24(paths);
  await ensureAptPackage(paths, 'libkrb5-dev');
  await ensureCodeServer(paths);
  await ensureChromium(paths);
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  log(`  node24      ${paths.node24Binary}`);
  log(`  code-server ${paths.codeServerEntry}`);
  log(`  chromium    ${paths.chromium}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[setup-e2e] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
