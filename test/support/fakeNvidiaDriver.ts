// An NVIDIA driver that only one process tree sees: the command starts its program in a private mount namespace
// where a tmpfs over /proc/driver holds /proc/driver/nvidia/version, the file the Linux driver creates and that
// Llama Lens looks for. Nothing on the machine changes; the namespace goes away with the process tree. It needs root
// (or CAP_SYS_ADMIN) and `unshare`.
import { spawnSync } from 'node:child_process';

const SETUP = [
  'mount -t tmpfs -o size=64k,mode=755 llama-lens-fake-nvidia /proc/driver',
  'mkdir /proc/driver/nvidia',
  'echo "NVRM version: fake NVIDIA driver of the Llama Lens tests" > /proc/driver/nvidia/version',
  'exec "$@"',
].join(' && ');

/** The command prefix (for startCodeServer's launchPrefix): the program and its arguments are appended to it. */
export const FAKE_NVIDIA_DRIVER_PREFIX: readonly string[] = [
  'unshare',
  '--mount',
  '--propagation',
  'private',
  '--',
  'sh',
  '-c',
  SETUP,
  'llama-lens-fake-nvidia',
];

/** Throws, saying why, when this machine cannot fake the driver (no unshare, not permitted): checked before a test relies on it. */
export function assertFakeNvidiaDriverWorks(): void {
  const [command = 'unshare', ...args] = FAKE_NVIDIA_DRIVER_PREFIX;
  const probe = spawnSync(command, [...args, 'cat', '/proc/driver/nvidia/version'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.status !== 0 || !probe.stdout.includes('fake NVIDIA driver')) {
    const why = probe.error ? probe.error.message : `exit ${String(probe.status ?? probe.signal)}: ${probe.stderr.trim()}`;
    throw new Error(
      `This test fakes an NVIDIA driver in a private mount namespace (unshare --mount, then a tmpfs over /proc/driver), which needs root or CAP_SYS_ADMIN; here it failed (${why}).`,
    );
  }
}
