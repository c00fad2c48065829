// What the user is told about a chat turn: every way the conversation was shortened to fit, and why an answer ended
// early. Pure, so each sentence is unit-tested.
import type { ChatResult } from '../../protocol/chatProtocol';

export function turnNotes(result: ChatResult, maxTokens: number): string[] {
  const notes: string[] = [];
  if (result.droppedMessages > 0) {
    const turns = result.droppedMessages / 2;
    notes.push(
      `The oldest ${turns === 1 ? 'turn was' : `${turns} turns were`} left out so that the conversation fits the ` +
      `model's context (${result.contextSize} tokens, ${maxTokens} kept for the answer).`,
    );
  }
  for (const cut of result.cuts) {
    const total = cut.keptTokens + cut.cutTokens;
    notes.push(
      cut.keptTokens === 0
        ? `${cut.name} was left out: it did not fit the context (${total} tokens).`
        : `${cut.name} was cut to fit the context: its last ${cut.cutTokens} of ${total} tokens were left out.`,
    );
  }
  if (result.stopReason === 'maxTokens') notes.push(`The answer stopped at llamaLens.prompts.maxTokens (${maxTokens} tokens).`);
  return notes;
}
