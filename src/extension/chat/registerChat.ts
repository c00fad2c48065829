// Wires the chat view, its history file and its commands.
import * as vscode from 'vscode';
import type { ModelSession } from '../../client/ModelSession';
import { isConversation } from '../../protocol/chatViewProtocol';
import { COMMANDS } from '../commandIds';
import type { PromptSettings } from '../config';
import type { EditProposals } from '../prompts/editProposal';
import { StoredJson } from '../storedJson';
import { ChatContext } from './chatContext';
import { ChatController } from './ChatController';
import { CHAT_VIEW_ID, ChatViewProvider } from './ChatViewProvider';

export interface ChatDeps {
  extensionUri: vscode.Uri;
  session: ModelSession;
  log: vscode.LogOutputChannel;
  settings: () => PromptSettings;
  proposals: EditProposals;
  /** The extension's storage for this workspace: the history stays with the workspace, on this machine. */
  storage: vscode.Uri;
}

export function registerChat(deps: ChatDeps): vscode.Disposable[] {
  let view: ChatViewProvider | undefined;
  const history = new StoredJson(deps.storage, 'chat-history.json', isConversation, deps.log, 'the chat history');
  const controller = new ChatController(deps.session, history, deps.settings, (message) => view?.post(message), deps.log);
  const context = new ChatContext(() => void view?.refreshContext());
  view = new ChatViewProvider(deps.extensionUri, controller, context, deps.proposals, deps.log);
  const provider = view;
  const focus = () => vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  return [
    provider,
    { dispose: () => controller.stop() },
    // Kept alive while hidden: an answer streaming into a hidden view would otherwise be re-rendered from scratch.
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.commands.registerCommand(COMMANDS.showChat, focus),
    vscode.commands.registerCommand(COMMANDS.newChat, () => controller.clear()),
    vscode.commands.registerCommand(COMMANDS.addSelectionToChat, async () => {
      await context.add('selection');
      await focus();
    }),
  ];
}
