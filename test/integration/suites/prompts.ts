// Generate at Cursor, Explain Selection and Write Doc Comment inside a real extension host, on the oracle-answers
// model: its greedy answer to any chat prompt is known from its count table (test/support/oracle.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { generatedModelPath, greedyContinuation, loadOracleTable, oracleTokenWithText } from '../../support/oracle';
import { api, closeAllScratch, openScratch, setUserSetting, waitFor, waitForAsync } from './host';

const MAX_TOKENS = 24;
const SETTINGS: Record<string, unknown> = {
  'llamaLens.modelPath': generatedModelPath('oracle-answers.gguf'),
  'llamaLens.gpu': 'cpu',
  'llamaLens.completions.enabled': false,
  'llamaLens.prompts.temperature': 0,
  'llamaLens.prompts.maxTokens': MAX_TOKENS,
};

describe('Llama Lens palette prompts in the extension host', () => {
  const table = loadOracleTable(generatedModelPath('oracle-answers.table.json'));
  // A chat prompt ends with the space after [/INST]; the answer is the greedy chain from there.
  const answer = greedyContinuation(table, oracleTokenWithText(table, ' '), { maxTokens: MAX_TOKENS, stopAtNewline: false });

  before(async () => {
    for (const [key, value] of Object.entries(SETTINGS)) await setUserSetting(key, value);
    const lens = await api();
    await waitFor(() => lens.state().kind, (kind) => kind === 'idle' || kind === 'ready', 'the oracle-answers model to be configured');
  });

  after(async () => {
    for (const key of Object.keys(SETTINGS)) await setUserSetting(key, undefined);
  });

  /** The JSDoc-style block the oracle's answer becomes. */
  const blockComment = () => {
    const lines = answer
      .split('\n')
      .map((line) => line.trim())
      .filter((line, index, all) => line !== '' || (index > 0 && index < all.length - 1));
    return ['/**', ...lines.map((line) => ` * ${line}`), ' */'].join('\n');
  };

  // Closing a changed untitled editor would ask to save it, and nobody is there to answer.
  afterEach(closeAllScratch);

  it('Generate at Cursor streams the answer in at the cursor as one undo step', async () => {
    assert.match(answer, /^y=x\+1;\nlet y=x\+1;/);
    const original = 'let x = 1;\n';
    const editor = await openScratch('generate', original);
    const { document } = editor;
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    await vscode.commands.executeCommand('llamaLens.generateAtCursor', 'add one to x');
    assert.equal(document.getText(), original + answer);
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), original);
  });

  it('Explain Selection answers in a Markdown document beside the file, which it leaves as it was', async () => {
    const source = 'let x = 1;\nconsole.log(x);\n';
    const editor = await openScratch('explain', source);
    editor.selection = new vscode.Selection(0, 0, 1, 0);
    await vscode.commands.executeCommand('llamaLens.explainSelection');
    const answers = vscode.window.visibleTextEditors
      .filter((shown) => shown.document.languageId === 'markdown')
      .map((shown) => shown.document.getText());
    assert.deepEqual(answers, [`## Explanation of the selection\n\n${answer}`]);
    assert.equal(editor.document.getText(), source);
  });

  it('Write Doc Comment puts a JSDoc block above the function at the cursor', async () => {
    const source = 'function add(a: number, b: number) {\n  return a + b;\n}\n';
    const editor = await openScratch('doc-comment', source);
    const { document } = editor;
    editor.selection = new vscode.Selection(1, 4, 1, 4);
    // The TypeScript extension answers symbol requests once its server is up.
    await waitForAsync(
      () => vscode.commands.executeCommand<unknown[] | undefined>('vscode.executeDocumentSymbolProvider', document.uri),
      (symbols) => (symbols?.length ?? 0) > 0,
      'TypeScript symbols',
      60_000,
    );
    await vscode.commands.executeCommand('llamaLens.writeDocComment');
    assert.equal(document.getText(), `${blockComment()}\n${source}`);
  });

  it('Write Doc Comment in a language whose comments it does not know proposes the comment as a diff first', async () => {
    const source = 'to add a and b\n  give back a + b\nend\n';
    const editor = await openScratch('doc-comment-unknown', source, 'txt');
    const { document } = editor;
    assert.equal(document.languageId, 'plaintext');
    const range = new vscode.Range(0, 0, 2, 3);
    const symbols = vscode.languages.registerDocumentSymbolProvider({ language: 'plaintext' }, {
      provideDocumentSymbols: () => [new vscode.DocumentSymbol('add', '', vscode.SymbolKind.Function, range, range)],
    });
    try {
      editor.selection = new vscode.Selection(1, 4, 1, 4);
      const command = vscode.commands.executeCommand('llamaLens.writeDocComment');
      const proposed = await waitFor(
        () => vscode.window.tabGroups.all.flatMap((group) => group.tabs).map((tab) => tab.input)
          .find((input): input is vscode.TabInputTextDiff =>
            input instanceof vscode.TabInputTextDiff && input.modified.scheme === 'llamalens-edit'),
        (input) => input !== undefined,
        'the proposed doc comment in a diff',
      );
      const expected = `${blockComment()}\n${source}`;
      await waitForAsync(async () => (await vscode.workspace.openTextDocument(proposed!.modified)).getText(), (text) => text === expected,
        'the diff to show the comment above the function');
      assert.equal(document.getText(), source, 'nothing is written before the user accepts');
      await vscode.commands.executeCommand('llamaLens.acceptEdit');
      assert.equal(document.getText(), expected);
      // Settles the "Insert this doc comment?" question the command is still waiting on.
      await vscode.commands.executeCommand('notifications.clearAll');
      await command;
    } finally {
      symbols.dispose();
    }
  });

  it('samples at llamaLens.prompts.temperature, whose default is 0.2, not always greedily', async () => {
    await setUserSetting('llamaLens.prompts.temperature', undefined);
    assert.equal((await api()).settings().prompts.temperature, 0.2, 'the default a user gets');
    // At temperature 2 the oracle-answers model gives its greedy 24-token answer with a probability below 1e-9.
    await setUserSetting('llamaLens.prompts.temperature', 2);
    try {
      const original = 'let x = 1;\n';
      const editor = await openScratch('generate-hot', original);
      editor.selection = new vscode.Selection(1, 0, 1, 0);
      await vscode.commands.executeCommand('llamaLens.generateAtCursor', 'add one to x');
      const generated = editor.document.getText().slice(original.length);
      assert.notEqual(generated, answer, 'a sampled answer, not the greedy one');
    } finally {
      await setUserSetting('llamaLens.prompts.temperature', 0);
    }
  });
});
