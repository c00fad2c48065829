import { strict as assert } from 'node:assert';
import { cudaRegistry, NPM_REGISTRY } from '../../src/core/gpu/cudaRegistry';

describe('cudaRegistry', () => {
  it("is npm's registry when the user sets none", () => {
    for (const globalValue of [undefined, null, ''])
      assert.deepEqual(cudaRegistry({ globalValue }), { registry: NPM_REGISTRY, problem: undefined });
    assert.deepEqual(cudaRegistry(undefined), { registry: NPM_REGISTRY, problem: undefined });
  });

  it("uses the user's https mirror, or an http one on this machine, path kept, without a trailing slash", () => {
    assert.deepEqual(cudaRegistry({ globalValue: 'https://npm.example.com/artifactory/api/npm/npm/' }), {
      registry: 'https://npm.example.com/artifactory/api/npm/npm',
      problem: undefined,
    });
    assert.deepEqual(cudaRegistry({ globalValue: ' http://127.0.0.1:4873 ' }), { registry: 'http://127.0.0.1:4873', problem: undefined });
    assert.deepEqual(cudaRegistry({ globalValue: 'http://localhost:4873/' }), { registry: 'http://localhost:4873', problem: undefined });
  });

  it("refuses a plain http mirror on another machine, says why and uses npm's registry", () => {
    const choice = cudaRegistry({ globalValue: 'http://npm.example.com/' });
    assert.equal(choice.registry, NPM_REGISTRY);
    assert.match(
      choice.problem ?? '',
      /^llamaLens\.cuda\.registry "http:\/\/npm\.example\.com\/" is not used \(plain http is used only on this machine .*use https\); using https:\/\/registry\.npmjs\.org instead\.$/,
    );
  });

  it("refuses what is not an http(s) URL, says so and uses npm's registry", () => {
    for (const globalValue of ['registry.npmjs.org', 'file:///tmp/registry', 'ftp://mirror', 42, 'https://']) {
      const choice = cudaRegistry({ globalValue });
      assert.equal(choice.registry, NPM_REGISTRY, String(globalValue));
      assert.match(
        choice.problem ?? '',
        /llamaLens\.cuda\.registry must be an http\(s\) URL such as "https:\/\/registry\.npmjs\.org"; using https:\/\/registry\.npmjs\.org instead of /,
      );
    }
  });

  it('ignores a workspace value and says so: a workspace cannot redirect the download', () => {
    for (const inspected of [{ workspaceValue: 'http://evil.example' }, { workspaceFolderValue: 'http://evil.example', globalValue: '' }]) {
      const choice = cudaRegistry(inspected);
      assert.equal(choice.registry, NPM_REGISTRY);
      assert.match(choice.problem ?? '', /set by this workspace is ignored/);
    }
    assert.equal(
      cudaRegistry({ workspaceValue: 'http://evil.example', globalValue: 'https://mirror.example' }).registry,
      'https://mirror.example',
    );
  });
});
