// Placeholder suite: proves the integration runner reaches a real extension host with the whole workbench behind it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('integration smoke', () => {
  it('runs against a real VS Code API', () => {
    assert.equal(typeof vscode.version, 'string');
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
  });

  it('sees commands from the whole workbench', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('workbench.action.files.save'), `workbench.action.files.save missing among ${commands.length} commands`);
  });
});
