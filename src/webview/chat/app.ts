// The chat webview: the conversation, the context chips with the token budget, and the message box. The host owns
// the conversation; this page shows what the host sends (validated) and asks it to act.
import {
  type ChatToHost, type ChatTurn, type ContextChip, type HostToChat, isHostToChat, MAX_CHAT_MESSAGE_CHARS, type TokenBudget,
} from '../../protocol/chatViewProtocol';
import { button, el } from '../common/dom';
import type { HostChannel } from '../common/vscodeApi';
import { renderMarkdown } from './markdownView';

interface SavedDraft {
  draft: string;
}

export class ChatApp {
  private turns: ChatTurn[] = [];
  private busy = false;
  private readonly messages = el('div', { className: 'messages', testId: 'chat-messages', attrs: { role: 'log', 'aria-live': 'polite' } });
  private readonly status = el('div', { className: 'status', testId: 'chat-status', attrs: { role: 'status' } });
  private readonly chips = el('div', { className: 'chips', testId: 'chat-chips' });
  private readonly budget = el('div', { className: 'budget', testId: 'chat-budget' });
  private readonly input = el('textarea', {
    className: 'input', testId: 'chat-input',
    title: 'Enter sends, Shift+Enter adds a line',
    attrs: { rows: '2', placeholder: 'Ask about your code', 'aria-label': 'Message' },
  });
  private readonly sendButton = button('Send', { className: 'primary', testId: 'chat-send' }, () => this.sendOrStop());

  constructor(private readonly channel: HostChannel<ChatToHost>, container: HTMLElement) {
    this.input.maxLength = MAX_CHAT_MESSAGE_CHARS;
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (!this.busy) this.sendOrStop();
      }
    });
    this.input.addEventListener('input', () => channel.saveState({ draft: this.input.value } satisfies SavedDraft));
    const add = (label: string, source: 'selection' | 'file' | 'pick', title: string) =>
      button(label, { className: 'add-context', testId: `chat-add-${source}`, title }, () => channel.post({ kind: 'addContext', source }));
    const composer = el('div', { className: 'composer' },
      el('div', { className: 'context-bar' },
        add('+ Selection', 'selection', 'Attach the selection in the editor'),
        add('+ File', 'file', 'Attach the file open in the editor'),
        add('+ Files…', 'pick', 'Pick files to attach'),
        button('New chat', { className: 'new-chat', testId: 'chat-new', title: 'Start over: clears this workspace\'s chat history' },
          () => channel.post({ kind: 'newChat' }))),
      this.chips,
      this.budget,
      el('div', { className: 'input-row' }, this.input, this.sendButton));
    container.replaceChildren(el('div', { className: 'chat' }, this.messages, this.status, composer));
  }

  start(): void {
    const saved = this.channel.loadState();
    if (typeof saved === 'object' && saved !== null && typeof (saved as SavedDraft).draft === 'string') {
      this.input.value = (saved as SavedDraft).draft.slice(0, MAX_CHAT_MESSAGE_CHARS);
    }
    this.renderConversation();
    this.channel.post({ kind: 'ready' });
  }

  receive(data: unknown): void {
    if (!isHostToChat(data)) {
      this.channel.post({ kind: 'log', level: 'warn', message: 'dropped a malformed message from the host' });
      return;
    }
    this.handle(data);
  }

  private handle(message: HostToChat): void {
    switch (message.kind) {
      case 'conversation':
        this.turns = message.turns;
        this.busy = message.busy;
        return this.renderConversation();
      case 'answer': {
        const turn = this.turns[message.turn];
        if (!turn || turn.state !== 'streaming') return;
        turn.answer = message.text;
        return this.renderAnswer(message.turn);
      }
      case 'context':
        return this.renderContext(message.chips, message.budget);
      case 'status':
        this.status.textContent = message.message;
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  private sendOrStop(): void {
    if (this.busy) return this.channel.post({ kind: 'stop' });
    const text = this.input.value.trim();
    if (!text) return;
    this.channel.post({ kind: 'send', text });
    this.input.value = '';
    this.channel.saveState({ draft: '' } satisfies SavedDraft);
  }

  private renderConversation(): void {
    this.sendButton.textContent = this.busy ? 'Stop' : 'Send';
    this.sendButton.dataset.testid = this.busy ? 'chat-stop' : 'chat-send';
    if (this.turns.length === 0) {
      this.messages.replaceChildren(el('p', {
        className: 'empty', testId: 'chat-empty',
        text: 'Ask the local model about your code. Attach the selection or files below; the conversation stays on this machine.',
      }));
      return;
    }
    const stick = this.atBottom();
    this.messages.replaceChildren(...this.turns.map((turn, index) => this.renderTurn(turn, index)));
    if (stick) this.scrollToBottom();
  }

  private renderTurn(turn: ChatTurn, index: number): HTMLElement {
    const last = index === this.turns.length - 1;
    const actions = turn.state === 'streaming' ? [] : [
      button('Copy', { className: 'turn-action', testId: 'chat-copy', title: 'Copy the answer as Markdown' },
        () => this.channel.post({ kind: 'code', action: 'copy', turn: index, block: null })),
      ...(last && !this.busy ? [button('Regenerate', {
        className: 'turn-action', testId: 'chat-regenerate', title: 'Answer the last message again',
      }, () => this.channel.post({ kind: 'regenerate' }))] : []),
    ];
    return el('div', { className: `turn ${turn.state}`, testId: 'chat-turn', attrs: { 'data-state': turn.state } },
      el('div', { className: 'user-message', testId: 'chat-user-message' },
        ...turn.attachments.map((name) => el('span', { className: 'chip attached', text: name })),
        el('div', { className: 'user-text', text: turn.message })),
      el('div', { className: 'answer', testId: 'chat-answer' }, this.answerContent(turn, index)),
      ...turn.notes.map((note) =>
        el('div', { className: turn.state === 'error' ? 'note error' : 'note', testId: 'chat-note', text: note })),
      ...(turn.state === 'stopped' ? [el('div', { className: 'note', testId: 'chat-note', text: 'Stopped.' })] : []),
      el('div', { className: 'turn-actions' }, ...actions));
  }

  private answerContent(turn: ChatTurn, index: number): HTMLElement {
    if (turn.state === 'streaming' && turn.answer === '') return el('span', { className: 'thinking', text: 'Thinking…' });
    return renderMarkdown(turn.answer, turn.state === 'streaming', (action, block) =>
      this.channel.post({ kind: 'code', action, turn: index, block }));
  }

  private renderAnswer(index: number): void {
    const answer = this.messages.querySelectorAll<HTMLElement>('[data-testid="chat-answer"]')[index];
    const turn = this.turns[index];
    if (!answer || !turn) return this.renderConversation();
    const stick = this.atBottom();
    answer.replaceChildren(this.answerContent(turn, index));
    if (stick) this.scrollToBottom();
  }

  private renderContext(chips: readonly ContextChip[], budget: TokenBudget | null): void {
    this.chips.replaceChildren(...chips.map((chip) => el('span', { className: 'chip', testId: 'chat-chip' },
      el('span', { text: chip.tokens === null ? chip.label : `${chip.label} · ${chip.tokens} tokens` }),
      button('×', { className: 'chip-remove', title: `Remove ${chip.label}`, attrs: { 'aria-label': `Remove ${chip.label}` } },
        () => this.channel.post({ kind: 'removeContext', id: chip.id })))));
    if (!budget) {
      this.budget.textContent = '';
      return;
    }
    const room = budget.contextSize - budget.answer;
    this.budget.textContent = `About ${budget.used} of ${room} tokens of context in use (${budget.answer} kept for the answer)` +
      (budget.used > room ? ': the oldest turns, then the attachments, will be cut.' : '.');
    this.budget.classList.toggle('over', budget.used > room);
  }

  private atBottom(): boolean {
    return this.messages.scrollHeight - this.messages.scrollTop - this.messages.clientHeight < 24;
  }

  private scrollToBottom(): void {
    this.messages.scrollTop = this.messages.scrollHeight;
  }
}
