import { strict as assert } from 'node:assert';
import { trustedModelPath } from '../../src/core/trustedModelPath';

describe('trustedModelPath', () => {
  it('uses the user value', () => {
    assert.deepEqual(trustedModelPath({ globalValue: '/home/u/m.gguf' }, true, '/home/u'), { path: '/home/u/m.gguf', problem: undefined });
  });

  it('ignores a workspace value in an untrusted workspace, says so, and falls back to the user value', () => {
    const choice = trustedModelPath({ globalValue: '/home/u/m.gguf', workspaceValue: '/evil/model.gguf' }, false, '/home/u');
    assert.equal(choice.path, '/home/u/m.gguf');
    assert.match(choice.problem ?? '', /untrusted workspace is ignored: only your user settings/);
  });

  it('ignores a workspace value in a trusted workspace too: the setting is machine-scoped', () => {
    const choice = trustedModelPath({ workspaceValue: '/ws/model.gguf' }, true, '/home/u');
    assert.equal(choice.path, undefined);
    assert.match(choice.problem ?? '', /set by this workspace is ignored/);
  });

  it('ignores a workspace-folder value even with no user value', () => {
    const choice = trustedModelPath({ workspaceFolderValue: '/evil.gguf' }, false, '/home/u');
    assert.equal(choice.path, undefined);
    assert.ok(choice.problem);
  });

  it('expands ~ and treats empty as no model', () => {
    assert.equal(trustedModelPath({ globalValue: '~/models/a.gguf' }, true, '/home/u').path, '/home/u/models/a.gguf');
    assert.equal(trustedModelPath({ globalValue: '' }, true, '/home/u').path, undefined);
  });

  it('reports a value that is not a string', () => {
    assert.match(trustedModelPath({ globalValue: 42 }, true, '/home/u').problem ?? '', /must be a path/);
  });
});
