// The extension bundle's loading cost is part of its activation time (npm run bench:activation). Each
// `require("vscode")` in a CommonJS bundle comes wrapped in a copy of the whole API object; esbuild.config.mjs routes
// every import through one module so the copy is made once. This checks the bundle `npm run build` wrote.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/repoPaths';

describe('the extension bundle', function () {
  it('requires the vscode module once, whatever the number of files that import it', function () {
    const bundle = readFileSync(join(REPO_ROOT, 'dist', 'extension.js'), 'utf8');
    const requires = bundle.match(/require\(["']vscode["']\)/g) ?? [];
    assert.equal(requires.length, 1, `dist/extension.js requires "vscode" ${requires.length} times`);
  });

  it('leaves node-llama-cpp out: it loads only in the engine process', function () {
    const bundle = readFileSync(join(REPO_ROOT, 'dist', 'extension.js'), 'utf8');
    const load = /\b(?:require|import)\(\s*["']node-llama-cpp["']\s*\)/.exec(bundle);
    assert.equal(load?.[0], undefined, 'dist/extension.js loads node-llama-cpp');
  });
});
