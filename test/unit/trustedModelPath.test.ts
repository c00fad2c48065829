import { strict as assert } from 'node:assert';
import { trustedModelPath } from '../../src/core/trustedModelPath';

describe('trustedModelPath', () => {
  it('uses the effective value in a trusted workspace', () => {
    assert.deepEqual(trustedModelPath('/ws/model.gguf', { workspaceValue: '/ws/model.gguf' }, true, '/home/u'), { path: '/ws/model.gguf', problem: undefined });
  });

  it('ignores a workspace value in an untrusted workspace and falls back to the user value', () => {
    const choice = trustedModelPath('/evil/model.gguf', { globalValue: '/home/u/m.gguf', workspaceValue: '/evil/model.gguf' }, false, '/home/u');
    assert.equal(choice.path, '/home/u/m.gguf');
    assert.match(choice.problem ?? '', /untrusted workspace is ignored/);
  });

  it('ignores a workspace-folder value in an untrusted workspace even with no user value', () => {
    const choice = trustedModelPath('/evil.gguf', { workspaceFolderValue: '/evil.gguf' }, false, '/home/u');
    assert.equal(choice.path, undefined);
    assert.ok(choice.problem);
  });

  it('keeps the user value in an untrusted workspace that sets nothing', () => {
    assert.deepEqual(trustedModelPath('/home/u/m.gguf', { globalValue: '/home/u/m.gguf' }, false, '/home/u'), { path: '/home/u/m.gguf', problem: undefined });
  });

  it('expands ~ and treats empty as no model', () => {
    assert.equal(trustedModelPath('~/models/a.gguf', {}, true, '/home/u').path, '/home/u/models/a.gguf');
    assert.equal(trustedModelPath('', {}, true, '/home/u').path, undefined);
  });

  it('reports a value that is not a string', () => {
    assert.match(trustedModelPath(42, {}, true, '/home/u').problem ?? '', /must be a path/);
  });
});
