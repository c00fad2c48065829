// VS Code's chat sends any run of messages; our chat templates take whole turns (user, then assistant) and one new
// user message. This folds the one into the other: messages of the same role in a row are joined, an answer with no
// question before it is dropped, and the last user message is the new one. Pure, so the rule is unit-tested.
import type { ChatMessage, ChatRole } from '../../protocol/chatProtocol';

export interface WholeTurns {
  history: ChatMessage[];
  message: string;
}

export function toWholeTurns(messages: readonly { role: ChatRole; content: string }[]): WholeTurns {
  const joined: ChatMessage[] = [];
  for (const { role, content } of messages) {
    const last = joined.at(-1);
    if (last && last.role === role) last.content = `${last.content}\n\n${content}`;
    else if (last || role === 'user') joined.push({ role, content });
  }
  // The new message is the last user message; an answer after it (a prefill) has nowhere to go and is dropped.
  if (joined.at(-1)?.role === 'assistant') joined.pop();
  const message = joined.pop()?.content ?? '';
  return { history: joined, message };
}
