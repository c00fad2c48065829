// Debian packages for the test stack: installed with apt-get (through sudo when not root), checked with dpkg-query.
import { mustRun, runWithDeadline } from './processes';

const MINUTE = 60_000;

/** `apt-get`/`dpkg` commands need root: prefix with sudo when we are not. */
function asRoot(command: string, args: string[]): [string, string[]] {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot ? [command, args] : ['sudo', ['-n', command, ...args]];
}

/** The installed version of a package, or undefined. */
export async function dpkgInstalled(pkg: string): Promise<string | undefined> {
  const result = await runWithDeadline('dpkg-query', ['-W', '-f=${Status}\t${Version}', pkg], { timeoutMs: 30_000, echo: false });
  if (result.code !== 0) return undefined;
  const [status, version] = result.output.trim().split('\t');
  return status === 'install ok installed' ? (version ?? 'unknown') : undefined;
}

let aptUpdated = false;

export async function aptInstall(packages: string[], log: (message: string) => void): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('apt-get update');
    const [cmd, args] = asRoot('apt-get', ['update']);
    await mustRun(cmd, args, { env, timeoutMs: 5 * MINUTE });
    aptUpdated = true;
  }
  log(`apt-get install -y --no-install-recommends ${packages.join(' ')}`);
  const [cmd, args] = asRoot('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
  await mustRun(cmd, args, { env, timeoutMs: 15 * MINUTE });
}
