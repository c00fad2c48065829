// What a device call sends besides its carried paths: the working tree's tracked files and the untracked ones git
// does not ignore (a link travels as a link, so it counts as one).
import { execFileSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';

/** Repository-relative paths of the files that travel, those deleted from the working tree left out. */
export function workingTreeFiles(root: string): string[] {
  const listing = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root, timeout: 60_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8',
  });
  return [...new Set(listing.split('\0').filter(Boolean))].filter((path) => {
    try {
      lstatSync(join(root, path));
      return true;
    } catch {
      return false;
    }
  });
}

export function workingTreeBytes(root: string): number {
  return workingTreeFiles(root).reduce((sum, path) => sum + lstatSync(join(root, path)).size, 0);
}
