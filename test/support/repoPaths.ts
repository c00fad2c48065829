// Paths the tests share. Tests run from out/test/..., so the repository root is found by walking up.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

function findRepoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'esbuild.config.mjs'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No repository root above ${__dirname}`);
  }
}

export const REPO_ROOT = findRepoRoot();
export const ENGINE_ENTRY = join(REPO_ROOT, 'dist', 'engine.mjs');

/** The TypeScript files under `dir` (a path from the repository root), as paths from the root with forward slashes. */
export function sourceFiles(dir: string): string[] {
  const walk = (path: string): string[] =>
    readdirSync(path, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(path, entry.name)) : entry.name.endsWith('.ts') ? [join(path, entry.name)] : []);
  return walk(join(REPO_ROOT, dir)).map((file) => relative(REPO_ROOT, file).split('\\').join('/'));
}
