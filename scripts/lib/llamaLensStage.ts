// The built Llama Lens extension, staged like an installed VSIX, for the E2E tests and the demo.
import { join } from 'node:path';
import { e2ePaths } from './e2ePaths';
import { stageExtension } from './stageExtension';

export function stageLlamaLens(): string {
  const { repoRoot, cacheDir } = e2ePaths();
  return stageExtension(repoRoot, join(cacheDir, 'stage', 'llama-lens'));
}

/** The DOM id VS Code gives our status bar item starts with the extension id. */
export const STATUS_BAR_ID_PREFIX = 'llama-lens.llama-lens';
