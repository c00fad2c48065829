// What the CUDA decision needs to know about this machine and this install, read from the file system: whether an
// NVIDIA driver is there, node-llama-cpp's version, and the versions of the binary packages found.
import { access, readFile } from 'node:fs/promises';
import { join, win32 } from 'node:path';

/**
 * Whether an NVIDIA driver is installed. Cheap file checks, no process started: the Linux driver's /proc entry or
 * device node (WSL 2 exposes the Windows driver's nvidia-smi instead), and on Windows the driver's nvidia-smi.exe.
 */
export async function hasNvidiaGpu(platform: string = process.platform, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const candidates = platform === 'linux'
    ? ['/proc/driver/nvidia/version', '/dev/nvidia0', '/usr/lib/wsl/lib/nvidia-smi']
    : platform === 'win32'
      ? [win32.join(env.SystemRoot ?? 'C:\\Windows', 'System32', 'nvidia-smi.exe'),
        ...(env.PATH ?? env.Path ?? '').split(';').filter(Boolean).map((dir) => win32.join(dir, 'nvidia-smi.exe'))]
      : [];
  for (const path of candidates) if (await exists(path)) return true;
  return false;
}

/** The version in `<nodeModules>/<name>/package.json`, or undefined when there is none. */
export async function packageVersion(nodeModules: string, name: string): Promise<string | undefined> {
  try {
    const { version } = JSON.parse(await readFile(join(nodeModules, ...name.split('/'), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The version of each named package, looking in each node_modules folder in turn: a later folder wins, as the engine's
 * resolve hook prefers the downloaded packages over the bundled ones.
 */
export async function installedVersions(nodeModulesFolders: readonly string[], names: readonly string[]): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const folder of nodeModulesFolders) {
    for (const name of names) {
      const version = await packageVersion(folder, name);
      if (version !== undefined) versions[name] = version;
    }
  }
  return versions;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}
