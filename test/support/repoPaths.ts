// Paths the tests share. Tests run from out/test/..., so the repository root is found by walking up.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRepoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'esbuild.config.mjs'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No repository root above ${__dirname}`);
  }
}

export const REPO_ROOT = findRepoRoot();
export const ENGINE_ENTRY = join(REPO_ROOT, 'dist', 'engine.mjs');
