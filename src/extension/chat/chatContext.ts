// The context the next chat message carries, as chips: a selection (its text when it was added), the current file or
// picked files (read when the message is sent, so the model sees them as they are then). Sending takes the chips:
// each message carries its own context, and the history keeps it.
import * as vscode from 'vscode';
import type { ChatAttachment } from '../../protocol/chatProtocol';
import type { ContextSource } from '../../protocol/chatViewProtocol';
import { formatBytes } from '../../core/text/formatBytes';

/** Files bigger than this are refused: no model context holds them, and reading them would stall the host. */
const MAX_FILE_BYTES = 1_000_000;
const MAX_CHIPS = 16;

interface Chip {
  id: string;
  /** What the user sees on the chip, and what the model is told the code is. */
  label: string;
  language: string;
  read(): Promise<string>;
}

export class ChatContext {
  private chips: Chip[] = [];
  private count = 0;

  constructor(private readonly onChange: () => void) {}

  get labels(): { id: string; label: string }[] {
    return this.chips.map(({ id, label }) => ({ id, label }));
  }

  /** Adds what `source` names; says why when there is nothing to add. */
  async add(source: ContextSource): Promise<void> {
    const added = source === 'pick' ? await pickFiles() : fromEditor(source);
    if (typeof added === 'string') return void vscode.window.showInformationMessage(`Llama Lens: ${added}`);
    for (const chip of added) {
      if (this.chips.length >= MAX_CHIPS) break;
      // The same file twice is one chip; a selection is its own chip each time.
      if (this.chips.some((existing) => existing.label === chip.label)) continue;
      this.chips.push({ ...chip, id: `chip-${++this.count}` });
    }
    this.onChange();
  }

  remove(id: string): void {
    this.chips = this.chips.filter((chip) => chip.id !== id);
    this.onChange();
  }

  /** The chips' texts now, for counting. */
  texts(): Promise<string[]> {
    return Promise.all(this.chips.map((chip) => chip.read()));
  }

  /** Reads the chips as the next message's attachments and clears them. */
  async take(): Promise<{ labels: string[]; attachments: ChatAttachment[] }> {
    const chips = this.chips;
    const attachments = await Promise.all(
      chips.map(async (chip) => ({ name: chip.label, language: chip.language, text: await chip.read() })),
    );
    this.chips = [];
    this.onChange();
    return { labels: chips.map((chip) => chip.label), attachments };
  }
}

type NewChip = Omit<Chip, 'id'>;

function fromEditor(source: 'selection' | 'file'): NewChip[] | string {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return 'open a file first: the chat takes its context from the editor.';
  const { document, selection } = editor;
  const name = vscode.workspace.asRelativePath(document.uri);
  if (source === 'file') {
    return [{ label: name, language: document.languageId, read: () => Promise.resolve(document.getText()) }];
  }
  if (selection.isEmpty) return 'select some code first.';
  const text = document.getText(selection);
  const lines = selection.start.line === selection.end.line
    ? `line ${selection.start.line + 1}` : `lines ${selection.start.line + 1}-${selection.end.line + 1}`;
  return [{ label: `${name} (${lines})`, language: document.languageId, read: () => Promise.resolve(text) }];
}

async function pickFiles(): Promise<NewChip[] | string> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true, canSelectFolders: false, openLabel: 'Add to Chat', defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  if (!picked || picked.length === 0) return [];
  const chips: NewChip[] = [];
  for (const uri of picked) {
    const { size } = await vscode.workspace.fs.stat(uri);
    const name = vscode.workspace.asRelativePath(uri);
    if (size > MAX_FILE_BYTES) return `${name} is ${formatBytes(size)}: the chat takes files up to ${formatBytes(MAX_FILE_BYTES)}.`;
    chips.push({ label: name, language: languageOf(uri), read: () => readText(uri) });
  }
  return chips;
}

async function readText(uri: vscode.Uri): Promise<string> {
  // An open document may hold unsaved changes: the model sees what the user sees.
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  return open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** The fence's language: the file's extension, which is what Markdown code fences use. */
function languageOf(uri: vscode.Uri): string {
  const match = /\.([A-Za-z0-9+#-]+)$/.exec(uri.path);
  return match?.[1]?.toLowerCase() ?? '';
}
