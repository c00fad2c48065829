// The palette prompts: Ask, Explain Selection, Edit Selection, Generate at Cursor and Write Doc
// Comment. Each builds its prompt from the editor, then runs it through runPrompt.
import * as vscode from 'vscode';
import type { ModelSession } from '../../client/ModelSession';
import { codeFromAnswer, FenceStripper } from '../../core/prompts/codeAnswer';
import { commentStyleFor, docstringPlace, formatDocComment } from '../../core/prompts/docComment';
import type { PromptParams } from '../../protocol/engineProtocol';
import { COMMANDS } from '../commandIds';
import type { PromptSettings } from '../config';
import { CursorInsert } from './cursorInsert';
import { EditProposals, PROPOSAL_SCHEME } from './editProposal';
import { functionAtCursor } from './functionAtCursor';
import { openMarkdownAnswer } from './markdownAnswer';
import { runPrompt } from './runPrompt';

/** Lines before the cursor that Generate at Cursor shows the model. */
const GENERATE_CONTEXT_LINES = 60;

interface Deps {
  session: ModelSession;
  log: vscode.LogOutputChannel;
  settings: () => PromptSettings;
  /** The pending diff, shared with the chat's Apply. */
  proposals: EditProposals;
}

export function registerPrompts(deps: Deps): vscode.Disposable[] {
  const { proposals } = deps;
  return [
    proposals,
    vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, proposals),
    // The text a command would ask for may also come as its argument (keybindings, scripts, tests).
    vscode.commands.registerCommand(COMMANDS.ask, (text?: unknown) => ask(deps, given(text))),
    vscode.commands.registerCommand(COMMANDS.explainSelection, () => explain(deps)),
    vscode.commands.registerCommand(COMMANDS.editSelection, (text?: unknown) => editSelection(deps, proposals, given(text))),
    vscode.commands.registerCommand(COMMANDS.generateAtCursor, (text?: unknown) => generateAtCursor(deps, given(text))),
    vscode.commands.registerCommand(COMMANDS.writeDocComment, () => writeDocComment(deps, proposals)),
    vscode.commands.registerCommand(COMMANDS.acceptEdit, () => proposals.accept()),
    vscode.commands.registerCommand(COMMANDS.rejectEdit, () => proposals.clear()),
  ];
}

function given(text: unknown): string | undefined {
  return typeof text === 'string' && text.trim().length > 0 ? text : undefined;
}

function params(deps: Deps, instruction: string, context: string, language: string, extra: Partial<PromptParams> = {}): PromptParams {
  const { systemPrompt, temperature, maxTokens } = deps.settings();
  return {
    system: systemPrompt,
    instruction,
    context,
    contextName: 'the selection',
    language,
    allowCut: true,
    temperature,
    maxTokens,
    ...extra,
  };
}

function selectedText(editor: vscode.TextEditor | undefined): string {
  return editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
}

async function ask(deps: Deps, text?: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const context = selectedText(editor);
  const question = text ?? (await askFor('Llama Lens: Ask', context ? 'Ask about the selection' : 'Ask the model', 'What does this do?'));
  if (!question?.trim()) return;
  await answerInMarkdown(deps, 'Ask', question.trim(), params(deps, question, context, editor?.document.languageId ?? ''));
}

async function explain(deps: Deps): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return void vscode.window.showInformationMessage('Llama Lens: open a file and select the code to explain.');
  let context = selectedText(editor);
  let contextName = 'the selection';
  if (!context) {
    const range = await functionAtCursor(editor.document, editor.selection.active);
    if (!range) return void vscode.window.showInformationMessage('Llama Lens: select the code to explain.');
    context = editor.document.getText(range);
    contextName = 'the function';
  }
  const instruction = 'Explain what this code does, step by step, and point out anything surprising.';
  await answerInMarkdown(
    deps,
    'Explain Selection',
    `Explanation of ${contextName}`,
    params(deps, instruction, context, editor.document.languageId, { contextName }),
  );
}

async function answerInMarkdown(deps: Deps, title: string, heading: string, prompt: PromptParams): Promise<void> {
  const target = await openMarkdownAnswer(heading);
  await runPrompt(deps.session, deps.log, title, prompt, (text) => target.stream.push(text));
  await target.stream.flush();
}

async function editSelection(deps: Deps, proposals: EditProposals, text?: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) return void vscode.window.showInformationMessage('Llama Lens: select the code to edit first.');
  const instruction = text ?? (await askFor('Llama Lens: Edit Selection', 'How should the selection change?', 'Rename x to count'));
  if (!instruction?.trim()) return;
  const { document, selection } = editor;
  const original = document.getText(selection);
  await proposals.open(document, selection);
  let answer = '';
  const result = await runPrompt(deps.session, deps.log, 'Edit Selection', params(deps,
    `${instruction.trim()}\nRewrite the code below accordingly. Reply with the complete rewritten code only, in one code block.`,
    original, document.languageId, { allowCut: false }), (text) => {
    answer += text;
    proposals.update(codeFromAnswer(answer));
  });
  if (!result || result.stopReason === 'cancelled') return void (await proposals.clear());
  const code = codeFromAnswer(result.text);
  proposals.update(original.endsWith('\n') && !code.endsWith('\n') ? `${code}\n` : code);
  await askToApply(proposals, 'Llama Lens: apply the proposed edit?');
}

async function askToApply(proposals: EditProposals, question: string): Promise<void> {
  const choice = await vscode.window.showInformationMessage(question, 'Accept', 'Reject');
  // The diff's title-bar buttons may have settled it already.
  if (!proposals.pending) return;
  if (choice === 'Accept') await proposals.accept();
  else if (choice === 'Reject') await proposals.clear();
}

async function generateAtCursor(deps: Deps, text?: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return void vscode.window.showInformationMessage('Llama Lens: open a file to generate code in.');
  const instruction =
    text ?? (await askFor('Llama Lens: Generate at Cursor', 'What code should be written here?', 'a function that parses ISO dates'));
  if (!instruction?.trim()) return;
  const at = editor.selection.active;
  const before = editor.document.getText(new vscode.Range(Math.max(0, at.line - GENERATE_CONTEXT_LINES), 0, at.line, at.character));
  const insert = new CursorInsert(editor, at);
  const stripper = new FenceStripper();
  await runPrompt(deps.session, deps.log, 'Generate at Cursor', params(deps,
    `Write code for: ${instruction.trim()}\nIt goes at the end of the code below. Reply with the new code only, in one code block.`,
    before, editor.document.languageId, { contextName: 'the code before the cursor' }), (text) => insert.stream.push(stripper.push(text)));
  insert.stream.push(stripper.end());
  await insert.finish();
}

async function writeDocComment(deps: Deps, proposals: EditProposals): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return void vscode.window.showInformationMessage('Llama Lens: open a file and put the cursor in a function.');
  const { document } = editor;
  const range = await functionAtCursor(document, editor.selection.active);
  if (!range) {
    return void vscode.window.showInformationMessage(
      "Llama Lens: no function found at the cursor (this needs the language's symbol support).",
    );
  }
  const knownStyle = commentStyleFor(document.languageId);
  const style = knownStyle ?? 'block';
  const version = document.version;
  const result = await runPrompt(
    deps.session,
    deps.log,
    'Write Doc Comment',
    params(
      deps,
      'Write a documentation comment for this function in the usual style of its language: what it does, its parameters and its result. Reply with the comment only.',
      document.getText(range),
      document.languageId,
      { contextName: 'the function', maxTokens: Math.min(deps.settings().maxTokens, 256) },
    ),
    () => undefined,
  );
  if (!result || result.stopReason === 'cancelled') return;
  if (document.version !== version) {
    return void vscode.window.showWarningMessage('Llama Lens: the file changed while the comment was written, so it was not inserted.');
  }
  const lines = document.getText().split('\n');
  const place =
    style === 'docstring'
      ? docstringPlace(lines, range.start.line)
      : { line: range.start.line, indent: /^\s*/.exec(lines[range.start.line] ?? '')?.[0] ?? '' };
  const comment = formatDocComment(result.text, style, place.indent);
  const at = new vscode.Position(place.line, 0);
  if (knownStyle) return void (await editor.edit((builder) => builder.insert(at, comment)));
  // In a language whose comments are not known, a /** */ block may be code: the user reviews it as a diff first.
  await proposals.open(document, new vscode.Range(at, at));
  proposals.update(comment);
  await askToApply(proposals, `Llama Lens: comments in ${document.languageId} are not known to Llama Lens. Insert this doc comment?`);
}

/** The instruction for a palette prompt; kept open when focus moves, so the user can look at the code first. */
function askFor(title: string, prompt: string, placeHolder: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, placeHolder, ignoreFocusOut: true });
}
