// npm ci refuses a lock file that lacks an entry for any optional dependency a locked package names, even one for
// another platform that the registry never published. CI starts with npm ci, so this is checked here first.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/repoPaths';

interface LockEntry {
  version?: string;
  optional?: boolean;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

describe('package-lock.json', () => {
  it("has an entry for each of node-llama-cpp's optional natives, at its exact version", () => {
    const llama = lock.packages['node_modules/node-llama-cpp'];
    const natives = Object.entries(llama?.optionalDependencies ?? {}).filter(([name]) => name.startsWith('@node-llama-cpp/'));
    assert.ok(natives.length >= 8, `node-llama-cpp names ${natives.length} natives`);
    const missing = natives
      .filter(
        ([name, version]) =>
          lock.packages[`node_modules/${name}`]?.version !== version || lock.packages[`node_modules/${name}`]?.optional !== true,
      )
      .map(([name, version]) => `${name}@${version}`);
    assert.deepEqual(missing, []);
  });
});
