// Runs the integration suite (./index.ts) in a VS Code that @vscode/test-electron downloads, with this repository
// as the extension under development. That download is impossible where only package registries are reachable,
// so the default test command uses code-server instead (test/e2e/harness.test.ts); this runner is for machines
// that can reach the VS Code update service.
//
// Usage (after `node esbuild.config.mjs`): node out/test/integration/runElectron.js
import { runTests } from '@vscode/test-electron';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '../../scripts/lib/e2ePaths';

async function main(): Promise<void> {
  const repoRoot = findRepoRoot(__dirname);
  const workspace = mkdtempSync(join(tmpdir(), 'llama-lens-it-workspace-'));
  writeFileSync(join(workspace, 'hello.js'), 'console.log("hello");\n');
  try {
    await runTests({
      version: process.env.LLAMA_LENS_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: repoRoot,
      // Exports run(), which throws when any test failed.
      extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'electron', 'index.js'),
      extensionTestsEnv: { LLAMA_LENS_IT_MOCHA: join(repoRoot, 'node_modules', 'mocha') },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`Integration tests (test-electron) failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
