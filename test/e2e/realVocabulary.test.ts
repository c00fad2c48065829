// What a user of Llama-2/CodeLlama sees, in a real VS Code (code-server in Chromium), on the oracle over the real
// vocabulary (oracle-spm.gguf): a suggestion whose tokens start with "▁" keeps its leading space through ghost text,
// Tab, an alternative, the Lens's Insert path and Generate at Cursor, and a character spelled in byte-fallback
// tokens arrives whole. Expected tokens come from the closed form (test/support/spmOracle.ts); the texts below are
// those tokens' pieces, spelled out by hand.
import * as assert from 'node:assert/strict';
import { typeAtEndOf, useCodeServer, waitForFileText, waitForLoadedModel } from '../support/e2eSession';
import { lensFrame } from '../support/lensFrame';
import { generatedModelPath } from '../support/oracle';
import { CODELLAMA_FIM_IDS, SPM_ORACLE_MODEL, loadSpmOracleTable, spmArgmax, spmGreedyTokens } from '../support/spmOracle';
import {
  answerInputBox,
  focusActiveEditor,
  openFileFromExplorer,
  runCommand,
  runCommandThatAsks,
  saveWithKeyboard,
  screenshot,
  visibleEditorText,
  waitFor,
  waitForGhostText,
} from '../support/workbench';

const HEADER = '// Llama Lens end-to-end test\n';
/** Pieces of the Llama-2 vocabulary, by id: ▁x, ▁=, ▁, 5, ;, ▁+, ), ▁▁▁▁, //, ▁ok, . and <0xE9> (ids 3–258 are <0x00>–<0xFF>). */
const PIECE = {
  x: 921, equals: 353, space: 29871, five: 29945, semicolon: 29936, plus: 718, closeParen: 29897, fourSpaces: 268, comment: 458, ok: 3431,
  dot: 29889, byteE9: 236,
} as const;

describe('E2E: completions keep their spaces and characters on the real vocabulary', function () {
  this.timeout(600_000);
  const table = loadSpmOracleTable();
  const session = useCodeServer('real-vocabulary', { 'assign.js': HEADER, 'alternative.js': HEADER, 'cjk.js': HEADER }, () => ({
    'llamaLens.modelPath': generatedModelPath(SPM_ORACLE_MODEL),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.maxTokens': 16,
    'llamaLens.completions.maxLines': 1,
    'llamaLens.completions.alternatives': 3,
    'llamaLens.completions.maxPromptMs': 0,
    'llamaLens.completions.maxGenerationMs': 0,
    'editor.fontSize': 22,
  }));

  before(async function () {
    // The closed form: after ▁x come ▁= ▁ 5 ; (then ▁<EOT>), and the second most likely first token is ▁+.
    assert.deepEqual(spmGreedyTokens(table, PIECE.x, 16), [PIECE.equals, PIECE.space, PIECE.five, PIECE.semicolon]);
    assert.deepEqual(spmGreedyTokens(table, PIECE.plus, 16), [29922 /* = */, PIECE.space, PIECE.five, PIECE.semicolon]);
    assert.equal(spmArgmax(table, PIECE.semicolon), CODELLAMA_FIM_IDS.eot);
    await waitForLoadedModel(session().workbench);
  });

  it('shows " = 5;" after "const x", and Tab writes "const x = 5;"', async function () {
    const { workbench, workspace } = session();
    await typeAtEndOf(workbench, 'assign.js', 'const x');
    await waitForGhostText(workbench.page, { timeoutMs: 90_000, message: 'ghost text " = 5;"', until: (text) => text === ' = 5;' });
    await screenshot(workbench.page, 'real-vocabulary-ghost-text');
    await workbench.page.keyboard.press('Tab');
    await saveWithKeyboard(workbench.page);
    await waitForFileText(workspace, 'assign.js', `${HEADER}const x = 5;`);
  });

  it('keeps the space of an alternative suggestion: Alt+] shows " += 5;", and Tab writes it', async function () {
    const { workbench, workspace } = session();
    const { page } = workbench;
    await typeAtEndOf(workbench, 'alternative.js', 'const x');
    await waitForGhostText(page, { timeoutMs: 90_000, message: 'ghost text " = 5;"', until: (text) => text === ' = 5;' });
    await page.keyboard.press('Alt+BracketRight');
    await waitForGhostText(page, { message: 'the next suggestion, " += 5;"', until: (text) => text === ' += 5;' });
    await page.keyboard.press('Tab');
    await saveWithKeyboard(page);
    await waitForFileText(workspace, 'alternative.js', `${HEADER}const x += 5;`);
  });

  it('shows and inserts a CJK identifier spelled in byte-fallback tokens whole', async function () {
    const { workbench, workspace } = session();
    await typeAtEndOf(workbench, 'cjk.js', 'obj.');
    await waitForGhostText(workbench.page, { timeoutMs: 90_000, message: 'ghost text "鱷();"', until: (text) => text === '鱷();' });
    await screenshot(workbench.page, 'real-vocabulary-cjk');
    await workbench.page.keyboard.press('Tab');
    await saveWithKeyboard(workbench.page);
    await waitForFileText(workspace, 'cjk.js', `${HEADER}obj.鱷();`);
  });
});

describe('E2E: Generate at Cursor and Insert path keep their spaces on the real vocabulary', function () {
  this.timeout(600_000);
  const table = loadSpmOracleTable();
  const files = { 'path.js': HEADER, 'chips.js': HEADER, 'generate.js': `${HEADER}const x = ` };
  const session = useCodeServer('real-vocabulary-lens', files, () => ({
    'llamaLens.modelPath': generatedModelPath(SPM_ORACLE_MODEL),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
    'llamaLens.prompts.temperature': 0,
    'llamaLens.prompts.maxTokens': 16,
    'editor.fontSize': 18,
  }));

  before(async function () {
    await waitForLoadedModel(session().workbench);
  });

  it('Generate at Cursor after "const x = " writes the answer "5;": the line reads "const x = 5;"', async function () {
    const { workbench, workspace } = session();
    const { page } = workbench;
    // Llama-2's chat prompt ends with "] ▁": the answer is the closed form's continuation of ▁.
    assert.deepEqual(spmGreedyTokens(table, PIECE.space, 16), [PIECE.five, PIECE.semicolon]);
    await openFileFromExplorer(page, 'generate.js');
    await focusActiveEditor(page);
    await page.keyboard.press('Control+End');
    await runCommandThatAsks(page, 'Llama Lens: Generate at Cursor…', 'Llama Lens: Generate at Cursor');
    await answerInputBox(page, 'finish the line');
    await waitFor(() => visibleEditorText(page), {
      timeoutMs: 120_000,
      message: 'the editor to show "const x = 5;"',
      until: (text) => text.includes('const x = 5;'),
    });
    await focusActiveEditor(page);
    await saveWithKeyboard(page);
    await waitForFileText(workspace, 'generate.js', `${HEADER}const x = 5;`);
  });

  it('shows a byte token as a hex chip, ▁<EOT> as a control-token chip and spaces as glyphs styled apart', async function () {
    const { workbench } = session();
    const { page } = workbench;
    const lens = lensFrame(page);
    const topText = (id: number) =>
      lens.locator(`[data-testid="top-row"][data-rank="1"][data-token-id="${id}"] [data-testid="token-text"]`);
    // The closed form's first choices: <0xE9> after ".", ▁<EOT> after ";", ▁▁▁▁ after ")".
    assert.deepEqual([PIECE.dot, PIECE.semicolon, PIECE.closeParen].map((id) => spmArgmax(table, id)),
      [PIECE.byteE9, CODELLAMA_FIM_IDS.eot, PIECE.fourSpaces]);
    await typeAtEndOf(workbench, 'chips.js', 'obj.');
    await runCommand(page, 'Llama Lens: Open the Lens');
    const byte = topText(PIECE.byteE9);
    await byte.waitFor({ timeout: 60_000 });
    assert.deepEqual(await byte.locator('[data-testid="byte-chip"]').allTextContents(), ['⟨E9⟩']);
    assert.equal(await byte.textContent(), '⟨E9⟩', 'the chip is the whole token: no "\uFFFD", no vocabulary name');
    await screenshot(page, 'lens-byte-chip');

    await focusActiveEditor(page);
    await page.keyboard.press('Enter');
    await page.keyboard.type('const x = 5;');
    const end = topText(CODELLAMA_FIM_IDS.eot);
    await end.waitFor({ timeout: 60_000 });
    assert.deepEqual(await end.locator('[data-testid="special-chip"]').allTextContents(), ['▁<EOT>']);
    assert.equal(await end.locator('[data-testid="ws-glyph"]').count(), 0, 'a control token is one chip');

    await focusActiveEditor(page);
    await page.keyboard.press('Enter');
    await page.keyboard.type('f(a)');
    const spaces = topText(PIECE.fourSpaces);
    await spaces.waitFor({ timeout: 60_000 });
    const glyph = spaces.locator('[data-testid="ws-glyph"]');
    assert.deepEqual(await glyph.allTextContents(), ['····']);
    assert.equal(await spaces.textContent(), '····', 'four spaces, drawn with four glyphs and nothing else');
    // Styled apart: the glyphs take the theme's whitespace colour, not the token text's.
    const [glyphColour, textColour] = await Promise.all([
      glyph.evaluate((node) => getComputedStyle(node).color), spaces.evaluate((node) => getComputedStyle(node).color),
    ]);
    assert.notEqual(glyphColour, textColour);
    // The next test opens its file from the Explorer, which the Lens's view container replaced.
    await runCommand(page, 'View: Show Explorer');
  });

  it('Insert path writes "    // ok" after "f(a)": ▁▁▁▁ // ▁ok expanded in the token tree', async function () {
    const { workbench, workspace } = session();
    // After a non-word character the Lens asks for the next token itself (mid-word it would step back over the word).
    const path = [PIECE.fourSpaces, PIECE.comment, PIECE.ok];
    assert.deepEqual(spmGreedyTokens(table, PIECE.closeParen, 16), path, 'the closed form after ")"');
    await typeAtEndOf(workbench, 'path.js', 'f(a)');
    await runCommand(workbench.page, 'Llama Lens: Open the Lens');
    const lens = lensFrame(workbench.page);
    await lens.locator(`[data-testid="top-row"][data-token-id="${path[0]}"] [data-testid="expand"]`).click({ timeout: 60_000 });
    const second = lens.locator(`[data-testid="tree-node"][data-path="${path.slice(0, 2).join(',')}"]`).first();
    await second.waitFor({ state: 'visible', timeout: 60_000 });
    await second.locator('[data-testid="expand"]').first().click();
    const third = lens.locator(`[data-testid="tree-node"][data-path="${path.join(',')}"]`).first();
    await third.waitFor({ state: 'visible', timeout: 60_000 });
    await screenshot(workbench.page, 'real-vocabulary-lens-tree');
    await third.locator('[data-testid="insert-path"]').first().click();
    // The host asks the engine to decode the path before it edits: save once the edit is in the editor.
    await waitFor(() => visibleEditorText(workbench.page), {
      message: 'the editor to show "f(a)    // ok"',
      until: (text) => text.includes('f(a)    // ok'),
    });
    await focusActiveEditor(workbench.page);
    await saveWithKeyboard(workbench.page);
    await waitForFileText(workspace, 'path.js', `${HEADER}f(a)    // ok`);
  });
});
