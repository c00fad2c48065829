// The chat's conversation as the host keeps it: what the user typed, what the model saw, and what it answered. Pure,
// so the rules (what a follow-up sends, what Regenerate drops, what a stored file may hold) are unit-tested.
import type { ChatMessage } from '../../protocol/chatProtocol';
import { MAX_STORED_TURNS, type ChatTurn, type Conversation } from '../../protocol/chatViewProtocol';

export type { ChatTurn, Conversation };

/** The history a new message is sent after: every earlier turn that has an answer, as the model saw it. */
export function historyBefore(conversation: Conversation, turnIndex = conversation.turns.length): ChatMessage[] {
  return conversation.turns.slice(0, turnIndex)
    .filter((turn) => turn.state !== 'error' && turn.answer.length > 0)
    .flatMap((turn) => [{ role: 'user', content: turn.content }, { role: 'assistant', content: turn.answer }]);
}

export function startTurn(conversation: Conversation, message: string, attachments: string[], content: string): Conversation {
  const turns = [...conversation.turns, { message, attachments, content, answer: '', state: 'streaming' as const, notes: [] }];
  return { turns: turns.slice(-MAX_STORED_TURNS) };
}

/** Regenerate: the last turn asked again, its answer and notes gone. Undefined when there is nothing to regenerate. */
export function reopenLastTurn(conversation: Conversation): Conversation | undefined {
  const last = conversation.turns.at(-1);
  if (!last || last.state === 'streaming') return undefined;
  return { turns: [...conversation.turns.slice(0, -1), { ...last, answer: '', state: 'streaming', notes: [] }] };
}

export function updateLastTurn(conversation: Conversation, change: Partial<ChatTurn>): Conversation {
  const last = conversation.turns.at(-1);
  if (!last) return conversation;
  return { turns: [...conversation.turns.slice(0, -1), { ...last, ...change }] };
}

/** A conversation read back after a reload: a turn that was streaming when the window went is marked stopped. */
export function settled(conversation: Conversation): Conversation {
  return { turns: conversation.turns.map((turn) => (turn.state === 'streaming' ? { ...turn, state: 'stopped' } : turn)) };
}
