// One package's tarball from the npm registry at an exact version (`npm pack`, which checks it against the
// registry's integrity), for the natives a VSIX or the GPU check kit needs that npm did not install for this machine.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun } from '../processes';

const MINUTE = 60_000;

/** The path of `name@version`'s tarball, fetched into `folder`. */
export async function fetchRegistryTarball(folder: string, name: string, version: string): Promise<string> {
  mkdirSync(folder, { recursive: true });
  // node-llama-cpp 3.22.1 names natives it never published (macOS, Windows): say which, not only npm's E404.
  const published = await mustRun('npm', ['view', name, 'versions', '--json'], { cwd: folder, timeoutMs: 2 * MINUTE, echo: false });
  if (!([JSON.parse(published.output)].flat() as string[]).includes(version)) {
    throw new Error(`${name}@${version} is not on the npm registry.`);
  }
  const { output } = await mustRun('npm', ['pack', `${name}@${version}`, '--pack-destination', folder, '--silent'], {
    cwd: folder,
    timeoutMs: 10 * MINUTE,
    echo: false,
  });
  const tarball = join(folder, output.trim().split('\n').pop() ?? '');
  if (!existsSync(tarball) || !statSync(tarball).isFile()) {
    throw new Error(`npm pack ${name}@${version} did not leave a tarball (${tarball}).`);
  }
  return tarball;
}
