// Resident memory of processes found by their command line, read from /proc (Linux only).
import { readFileSync } from 'node:fs';
import { descendantPids } from '../processes';

/** The first descendant of `rootPid` whose command line matches `pattern`. */
export function findDescendant(rootPid: number, pattern: RegExp): number | undefined {
  for (const pid of descendantPids(rootPid)) {
    try {
      if (pattern.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '))) return pid;
    } catch {
      // It exited while we looked.
    }
  }
  return undefined;
}

/** VmRSS in MiB. */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) / 1024;
}
