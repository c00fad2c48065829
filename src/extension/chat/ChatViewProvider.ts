// The chat side panel. Messages from the webview are untrusted: each is size-checked and validated before use, and a
// code block is named by its turn and index, never sent back as text, so the webview cannot make the host insert
// anything the model did not write.
import * as vscode from 'vscode';
import { codeBlockAt } from '../../core/chat/markdown';
import { errorMessage } from '../../core/text/errorMessage';
import { admitChatMessage, type ChatToHost, type HostToChat } from '../../protocol/chatViewProtocol';
import type { EditProposals } from '../prompts/editProposal';
import { loadWebview } from '../webviewHtml';
import type { ChatContext } from './chatContext';
import type { ChatController } from './ChatController';
import { runCodeAction } from './codeActions';

export const CHAT_VIEW_ID = 'llamaLens.chat';

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Counts budget requests, so that a slow count never overwrites a newer one. */
  private budgetRequest = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly controller: ChatController,
    private readonly context: ChatContext,
    private readonly proposals: EditProposals,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    loadWebview(view, this.extensionUri, 'chat', 'Llama Lens Chat');
    this.subscriptions.push(
      view.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
      }),
    );
  }

  /** Sends to the webview once it is ready; before that, `ready` brings it everything it needs. */
  post(message: HostToChat): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  /** Tells the view what the next message carries and how full the context will be. */
  async refreshContext(): Promise<void> {
    const request = ++this.budgetRequest;
    const chips = this.context.labels.map((chip) => ({ ...chip, tokens: null }));
    this.post({ kind: 'context', chips, budget: null });
    try {
      const counted = await this.controller.budget(await this.context.texts());
      if (!counted || request !== this.budgetRequest || counted.counts.length !== chips.length) return;
      const { counts, budget } = counted;
      this.post({ kind: 'context', chips: chips.map((chip, index) => ({ ...chip, tokens: counts[index] ?? null })), budget });
    } catch (error) {
      this.log.warn(`Chat: could not count the context's tokens: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private receive(raw: unknown): void {
    const message = admitChatMessage(raw, (warning) => this.log.warn(warning));
    if (!message) return;
    void this.handle(message).catch((error: unknown) => {
      this.log.warn(`Chat: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(`Llama Lens: ${errorMessage(error)}`);
    });
  }

  private async handle(message: ChatToHost): Promise<void> {
    switch (message.kind) {
      case 'ready':
        this.ready = true;
        await this.controller.show();
        return this.refreshContext();
      case 'send': {
        const { labels, attachments } = await this.context.take();
        await this.controller.send(message.text.trim(), labels, attachments);
        return this.refreshContext();
      }
      case 'stop':
        return this.controller.stop();
      case 'regenerate':
        await this.controller.regenerate();
        return this.refreshContext();
      case 'newChat':
        await this.controller.clear();
        return this.refreshContext();
      case 'addContext':
        return this.context.add(message.source);
      case 'removeContext':
        return this.context.remove(message.id);
      case 'code':
        return this.code(message);
      case 'log':
        this.log[message.level](`Chat webview: ${message.message}`);
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  private async code({ action, turn, block }: Extract<ChatToHost, { kind: 'code' }>): Promise<void> {
    const answer = this.controller.turns[turn]?.answer;
    if (answer === undefined) return;
    const code = block === null ? answer : codeBlockAt(answer, block)?.code;
    if (code === undefined) return this.log.warn(`Chat: turn ${turn} has no code block ${block}.`);
    await runCodeAction(action, code, this.proposals);
  }
}
