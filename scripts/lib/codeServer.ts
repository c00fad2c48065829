// Starts a real VS Code (code-server 4.139.1 = VS Code 1.139.1, under Node 24) for E2E tests.
// Each start gets a fresh temp user-data-dir and extensions-dir, predictable user settings, and the extension
// folders it is given, installed by copying. Everything waits on a real condition with a deadline.
// Install the stack first: `node out/scripts/setupE2e.js`.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  createWriteStream,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { e2ePaths, missingE2eComponents } from './e2ePaths';
import { OutputTail, killProcessTree, mustRun } from './processes';

/** Settings every test workbench starts with; a test's own settings are merged over them. */
export const DEFAULT_TEST_SETTINGS: Readonly<Record<string, unknown>> = {
  // Nothing opens by itself, nothing steals the keyboard focus.
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'git.enabled': false,
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
  'workbench.editor.restoreViewState': false,
  // Typed text lands exactly as typed.
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoClosingComments': 'never',
  'editor.autoSurround': 'never',
  'editor.autoIndent': 'none',
  'editor.formatOnType': false,
  'editor.formatOnPaste': false,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.wordBasedSuggestions': 'off',
  'editor.parameterHints.enabled': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.hover.enabled': false,
  'editor.minimap.enabled': false,
  'editor.lightbulb.enabled': 'off',
  'editor.stickyScroll.enabled': false,
  'editor.cursorBlinking': 'solid',
  'editor.smoothScrolling': false,
  'workbench.list.smoothScrolling': false,
  'editor.inlineSuggest.enabled': true,
};

export interface CodeServerOptions {
  /** The folder opened as the workspace. */
  workspace: string;
  /** User settings, merged over DEFAULT_TEST_SETTINGS (a key set to `undefined` removes a default). */
  settings?: Record<string, unknown>;
  /** Extension folders (each with a package.json) to install by copying into the fresh extensions dir. */
  extensions?: string[];
  /** The port to bind on 127.0.0.1; a free one is picked when absent. */
  port?: number;
  /** Extra environment for code-server; its extension host inherits it. */
  env?: Record<string, string>;
  /**
   * A command that code-server's own command line is appended to, and that must `exec` it (so that the process
   * stop() ends is code-server's), e.g. one that starts it in a namespace of its own. Default: none.
   */
  launchPrefix?: readonly string[];
  /** How long to wait for code-server to answer /healthz. Default 90 s. */
  startTimeoutMs?: number;
  /** Keep the temp dirs after stop() (also: LLAMA_LENS_E2E_KEEP=1), for looking at logs. */
  keepTemp?: boolean;
  /**
   * A fresh profile as a new user has it: no settings written (`settings` is ignored), workspace trust asked for and
   * VS Code's own welcome page shown, as code-server does by default.
   */
  asNewUser?: boolean;
  /** VSIX files installed into the fresh extensions dir with code-server's `--install-extension`, before it starts. */
  vsixFiles?: readonly string[];
}

export interface CodeServer {
  /** Open this in the browser: the workbench with the workspace folder. */
  readonly url: string;
  readonly port: number;
  /** code-server's own process; the extension host and the pty host are its descendants. */
  readonly pid: number | undefined;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** The ids (`publisher.name`) of the extensions installed. */
  readonly extensionIds: readonly string[];
  /** Kills code-server and every process it started, and awaits their exit. Safe to call twice. */
  stop(): Promise<void>;
  /** The extension host's log (USER_DATA_DIR/logs/<time>/exthost<N>/remoteexthost.log), '' until it exists. */
  extensionHostLog(): string;
  /** The last part of code-server's own stdout/stderr. */
  serverOutput(): string;
}

/** Environment variables that would make code-server do something other than start a fresh server. */
const INHERITED_ENV_TO_DROP =
  /^(VSCODE_|ELECTRON_)|^(PORT|PASSWORD|HASHED_PASSWORD|CODE_SERVER_CONFIG|CODE_SERVER_PARENT_PID|GITHUB_TOKEN)$/;

/** Folders never copied when installing an extension folder. */
const NEVER_COPY = new Set(['.git', '.vscode-test', 'test-results', '.cache', 'coverage']);

export async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('Could not find a free port'));
      });
    });
  });
}

interface ExtensionManifest {
  publisher?: string;
  name?: string;
  version?: string;
}

/**
 * Copies an extension folder into the extensions dir as `<publisher>.<name>-<version>`, which is what VS Code's
 * scanner expects. A `node_modules` (real folder or symlink) becomes a symlink to the original's real path, so
 * hundreds of MB are never copied and native modules keep loading from where they were built.
 */
export function installExtensionFolder(folder: string, extensionsDir: string): string {
  const manifestPath = join(folder, 'package.json');
  if (!existsSync(manifestPath)) throw new Error(`Not an extension folder (no package.json): ${folder}`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ExtensionManifest;
  if (!manifest.publisher || !manifest.name || !manifest.version) {
    throw new Error(`${manifestPath} needs publisher, name and version to be installed`);
  }
  const id = `${manifest.publisher}.${manifest.name}`;
  const target = join(extensionsDir, `${id}-${manifest.version}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(folder)) {
    if (NEVER_COPY.has(entry)) continue;
    const source = join(folder, entry);
    if (entry === 'node_modules') {
      symlinkSync(realpathSync(source), join(target, entry), 'dir');
      continue;
    }
    // Symlinks stay symlinks; relative targets are resolved so they still point at the original.
    cpSync(source, join(target, entry), { recursive: true, dereference: false });
  }
  return id;
}

function writeUserSettings(userDataDir: string, settings: Record<string, unknown> | undefined): void {
  const merged: Record<string, unknown> = { ...DEFAULT_TEST_SETTINGS };
  for (const [key, value] of Object.entries(settings ?? {})) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify(merged, null, 2)}\n`);
  // The browser window is a remote window of code-server: machine-scoped settings (the model path)
  // are read from the server's machine settings, not the user's.
  mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(join(userDataDir, 'Machine', 'settings.json'), `${JSON.stringify(merged, null, 2)}\n`);
}

/** GET http://127.0.0.1:port/path; resolves with the status code, or undefined when nothing answers. */
function httpStatus(port: number, path: string, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => {
      request.destroy();
      resolve(undefined);
    });
    request.on('error', () => resolve(undefined));
  });
}

/** What an extension wrote to its LogOutputChannel `channel`, in every extension host session of this server. */
export function outputChannelLog(userDataDir: string, channel: string): string {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry === `${channel}.log`) found.push(path);
    }
  };
  const logs = join(userDataDir, 'logs');
  if (existsSync(logs)) walk(logs);
  return found.map((file) => readFileSync(file, 'utf8')).join('\n');
}

/** Every `remoteexthost.log` under USER_DATA_DIR/logs, oldest session first. */
export function extensionHostLogFiles(userDataDir: string): string[] {
  const logsDir = join(userDataDir, 'logs');
  if (!existsSync(logsDir)) return [];
  const found: string[] = [];
  for (const session of readdirSync(logsDir).sort()) {
    const sessionDir = join(logsDir, session);
    if (!statSync(sessionDir).isDirectory()) continue;
    for (const entry of readdirSync(sessionDir).sort()) {
      const file = join(sessionDir, entry, 'remoteexthost.log');
      if (/^exthost\d*$/.test(entry) && existsSync(file)) found.push(file);
    }
  }
  return found;
}

/** Our environment, less what would confuse code-server, plus `extra`, with Node 24 first on PATH. */
export function codeServerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!INHERITED_ENV_TO_DROP.test(key)) env[key] = value;
  Object.assign(env, extra);
  env.PATH = `${e2ePaths().node24BinDir}${delimiter}${env.PATH ?? ''}`;
  return env;
}

/**
 * Installs a VSIX into `extensionsDir` with code-server's own `--install-extension`, as `code --install-extension`
 * does for a user. `root` holds code-server's config file.
 */
export async function installVsix(vsix: string, dirs: { root: string; userDataDir: string; extensionsDir: string }): Promise<void> {
  const paths = e2ePaths();
  await mustRun(
    paths.node24Binary,
    [
      paths.codeServerEntry,
      '--config',
      join(dirs.root, 'config.yaml'),
      '--user-data-dir',
      dirs.userDataDir,
      '--extensions-dir',
      dirs.extensionsDir,
      '--install-extension',
      vsix,
    ],
    { env: codeServerEnv(), timeoutMs: 180_000, echo: false },
  );
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const paths = e2ePaths();
  const missing = missingE2eComponents(paths);
  if (missing.length > 0) {
    throw new Error(`The E2E stack is not installed (missing: ${missing.join(', ')}). Run: node out/scripts/setupE2e.js`);
  }
  if (!existsSync(options.workspace)) throw new Error(`Workspace folder does not exist: ${options.workspace}`);

  const root = mkdtempSync(join(tmpdir(), 'llama-lens-code-server-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  if (!options.asNewUser) writeUserSettings(userDataDir, options.settings);
  const extensionIds = (options.extensions ?? []).map((folder) => installExtensionFolder(folder, extensionsDir));
  for (const vsix of options.vsixFiles ?? []) await installVsix(vsix, { root, userDataDir, extensionsDir });

  const port = options.port ?? (await freePort());
  const env = codeServerEnv(options.env);

  const args = [
    paths.codeServerEntry,
    '--config', join(root, 'config.yaml'), // Never read or write ~/.config/code-server/config.yaml.
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.asNewUser ? [] : ['--disable-workspace-trust', '--disable-getting-started-override']),
    '--ignore-last-opened',
    options.workspace,
  ];
  const tail = new OutputTail(6000);
  const logFile = createWriteStream(join(root, 'code-server.log'));
  const [command, ...commandArgs] = [...(options.launchPrefix ?? []), paths.node24Binary, ...args];
  const child: ChildProcess = spawn(command ?? paths.node24Binary, commandArgs, {
    cwd: options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // Its own process group: stop() ends the server, the extension host, the pty host, watchers.
  });
  const onOutput = (chunk: Buffer): void => {
    tail.push(chunk);
    logFile.write(chunk);
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  let exit: string | undefined;
  let spawnError: Error | undefined;
  child.on('exit', (code, sig) => (exit = `exited with ${sig ?? `code ${String(code)}`}`));
  child.on('error', (error) => (spawnError = error));

  let stopped: Promise<void> | undefined;
  const keep = options.keepTemp === true || process.env.LLAMA_LENS_E2E_KEEP === '1';
  // Last resort when the test process exits without stop() (a crash, mocha --exit, Ctrl+C): no orphans, no litter.
  const onProcessExit = (): void => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    if (!keep) rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', onProcessExit);
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.off('exit', onProcessExit);
      await killProcessTree(child, 5000);
      await new Promise<void>((resolve) => logFile.end(() => resolve()));
      if (keep) process.stdout.write(`[code-server] kept ${root}\n`);
      else rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    })();
    return stopped;
  };

  // Ready when /healthz answers 200; fail at once if the process dies, and with its output past the deadline.
  const timeoutMs = options.startTimeoutMs ?? 90_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError || exit) {
      await stop();
      throw new Error(
        `code-server ${spawnError ? `could not start: ${spawnError.message}` : exit} before answering.\n` +
          `--- code-server output (tail) ---\n${tail.toString()}`,
      );
    }
    if ((await httpStatus(port, '/healthz', 2000)) === 200) break;
    if (Date.now() >= deadline) {
      await stop();
      throw new Error(
        `code-server did not answer http://127.0.0.1:${port}/healthz within ${timeoutMs / 1000} s.\n` +
          `--- code-server output (tail) ---\n${tail.toString()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`,
    port,
    pid: child.pid,
    userDataDir,
    extensionsDir,
    extensionIds,
    stop,
    extensionHostLog: () => {
      const files = extensionHostLogFiles(userDataDir);
      return files
        .map(
          (file) =>
            (files.length > 1 ? `--- ${basename(dirname(dirname(file)))}/${basename(dirname(file))} ---\n` : '') +
            readFileSync(file, 'utf8'),
        )
        .join('\n');
    },
    serverOutput: () => tail.toString(),
  };
}
