// The chat's conversation: runs each turn on the model, streams the answer to the view, keeps the history in the
// workspace's storage, and says what was left out to fit. One turn at a time; Stop keeps what was answered so far.
import type * as vscode from 'vscode';
import { isCancellation } from '../../client/Engine';
import type { ModelSession } from '../../client/ModelSession';
import { chatMessageContent } from '../../core/chat/chatContent';
import {
  type Conversation, historyBefore, reopenLastTurn, settled, startTurn, updateLastTurn,
} from '../../core/chat/conversation';
import { turnNotes } from '../../core/chat/turnNotes';
import { errorMessage } from '../../core/text/errorMessage';
import type { ChatAttachment } from '../../protocol/chatProtocol';
import type { HostToChat, TokenBudget } from '../../protocol/chatViewProtocol';
import type { PromptSettings } from '../config';
import type { StoredJson } from '../storedJson';

/** The answer streams to the view at most this often: each update re-renders the message's Markdown. */
const STREAM_INTERVAL_MS = 50;

export class ChatController {
  private conversation: Conversation = { turns: [] };
  private running: AbortController | undefined;
  private restored: Promise<void>;
  private streamTimer: ReturnType<typeof setTimeout> | undefined;
  /** Counts New chats: a turn still finishing from a cleared conversation must not write into the new one. */
  private epoch = 0;

  constructor(
    private readonly session: ModelSession,
    private readonly store: StoredJson<Conversation>,
    private readonly settings: () => PromptSettings,
    private readonly post: (message: HostToChat) => void,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.restored = store.read().then((stored) => {
      if (stored && this.conversation.turns.length === 0) this.conversation = settled(stored);
    });
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  get turns(): Conversation['turns'] {
    return this.conversation.turns;
  }

  /** Sends the whole conversation to the view (on `ready`, and after every change that is not streaming text). */
  async show(): Promise<void> {
    await this.restored;
    this.post({ kind: 'conversation', turns: this.conversation.turns, busy: this.busy });
  }

  async send(message: string, labels: string[], attachments: ChatAttachment[]): Promise<void> {
    await this.restored;
    if (this.busy) return;
    // Until the model says how it fitted the message, it is taken as written in full.
    this.conversation = startTurn(this.conversation, message, labels, chatMessageContent(message, attachments));
    await this.run(message, attachments);
  }

  /** Asks the last message again, exactly as the model saw it the first time (attachments as cut included). */
  async regenerate(): Promise<void> {
    await this.restored;
    const reopened = this.busy ? undefined : reopenLastTurn(this.conversation);
    if (!reopened) return;
    this.conversation = reopened;
    await this.run(reopened.turns.at(-1)?.content ?? '', []);
  }

  stop(): void {
    this.running?.abort();
  }

  /** Forgets the conversation, here and on disk. */
  async clear(): Promise<void> {
    await this.restored;
    this.stop();
    this.epoch++;
    this.conversation = { turns: [] };
    await this.store.delete();
    await this.show();
  }

  /** How full the context will be with the conversation so far and `extra` (the chips); null while no model is loaded. */
  async budget(extra: string[]): Promise<{ counts: number[]; budget: TokenBudget } | null> {
    if (this.session.state.kind !== 'ready') return null;
    const history = historyBefore(this.conversation).map((message) => message.content).join('\n');
    const { counts, contextSize } = await this.session.request('countTokens', { texts: [history, ...extra] });
    const used = counts.reduce((sum, count) => sum + count, 0);
    return { counts: counts.slice(1), budget: { used, contextSize, answer: this.settings().maxTokens } };
  }

  private async run(message: string, attachments: ChatAttachment[]): Promise<void> {
    const index = this.conversation.turns.length - 1;
    const epoch = this.epoch;
    const abort = new AbortController();
    this.running = abort;
    await this.show();
    const { systemPrompt, temperature, maxTokens } = this.settings();
    let answer = '';
    try {
      const result = await this.session.request('chat', {
        system: systemPrompt, history: historyBefore(this.conversation, index), message, attachments, temperature, maxTokens,
      }, {
        signal: abort.signal,
        onProgress: ({ text }) => {
          answer += text;
          this.streamSoon(index, () => answer);
        },
      });
      this.log.info(
        `Chat: evaluated ${result.evaluatedTokens} of ${result.promptTokens} prompt tokens (${result.reusedTokens} reused), ` +
        `${result.generatedTokens} generated in ${Math.round(result.durationMs)} ms with ${result.chatWrapper} (${result.stopReason}).`,
      );
      if (epoch !== this.epoch) return;
      this.conversation = updateLastTurn(this.conversation, {
        answer: result.text, content: result.content, state: result.stopReason === 'cancelled' ? 'stopped' : 'done',
        notes: turnNotes(result, maxTokens),
      });
    } catch (error) {
      const stopped = isCancellation(error);
      if (epoch !== this.epoch) return;
      if (!stopped) this.log.error(`Chat failed: ${errorMessage(error)}`);
      this.conversation = updateLastTurn(this.conversation, {
        answer, state: stopped ? 'stopped' : 'error', notes: stopped ? [] : [errorMessage(error)],
      });
    } finally {
      if (this.streamTimer) clearTimeout(this.streamTimer);
      this.streamTimer = undefined;
      if (this.running === abort) this.running = undefined;
    }
    if (epoch !== this.epoch) return;
    await this.store.write(this.conversation);
    await this.show();
  }

  private streamSoon(turn: number, text: () => string): void {
    this.streamTimer ??= setTimeout(() => {
      this.streamTimer = undefined;
      this.post({ kind: 'answer', turn, text: text() });
    }, STREAM_INTERVAL_MS);
  }
}
