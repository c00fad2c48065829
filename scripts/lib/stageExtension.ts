// Lays out the built extension the way an installed VSIX would hold it: the whitelisted files
// from .vscodeignore, with node_modules as a symlink (node-llama-cpp and its binaries are hundreds
// of MB; the engine process resolves them through the link).
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const SHIPPED = ['package.json', 'README.md', 'LICENSE', 'dist/extension.js', 'dist/engine.mjs', 'dist/binaryResolveHook.mjs', 'dist/webview', 'media'];

export function stageExtension(repoRoot: string, stageDir: string): string {
  for (const required of ['dist/extension.js', 'dist/engine.mjs']) {
    if (!existsSync(join(repoRoot, required))) throw new Error(`${required} is missing: run \`npm run build\` first.`);
  }
  rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(join(stageDir, 'dist'), { recursive: true });
  for (const path of SHIPPED) {
    const source = join(repoRoot, path);
    if (existsSync(source)) cpSync(source, join(stageDir, path), { recursive: true });
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(stageDir, 'node_modules'), 'dir');
  return stageDir;
}
