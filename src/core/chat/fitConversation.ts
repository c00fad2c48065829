// Fits a conversation to the context window with room for the answer, by one stated rule, for both backends:
// 1. the oldest turns go first, a whole turn (the user's message and its answer) at a time;
// 2. then the new message's attachments are cut from their end, the last attachment first;
// 3. what still does not fit (the message itself, or the system prompt) is refused with a reason.
// The system prompt always stays. How a conversation renders to tokens is the backend's: it is passed in.
import type { AttachmentCut, ChatAttachment, ChatMessage } from '../../protocol/chatProtocol';
import { CUT_SLACK_TOKENS } from '../prompts/contextFit';
import { chatMessageContent } from './chatContent';

export interface ConversationMeasure {
  /** Tokens of the conversation rendered by the chat template: system, these turns and this message, up to the answer. */
  render(history: readonly ChatMessage[], content: string): Promise<number>;
  /** Tokens of an attachment's text as it continues the message. */
  count(text: string): Promise<number>;
  /** The start of `text` that its first `keep` tokens spell. */
  start(text: string, keep: number): Promise<string>;
}

export interface ConversationToFit {
  history: readonly ChatMessage[];
  message: string;
  attachments: readonly ChatAttachment[];
  contextSize: number;
  maxTokens: number;
}

export interface FittedConversation {
  history: ChatMessage[];
  /** The new message as it will be sent, attachments (as cut) included. */
  content: string;
  promptTokens: number;
  droppedMessages: number;
  cuts: AttachmentCut[];
}

export class ConversationTooLongError extends Error {}

/** Re-measures after a cut this many times at most: merges at a cut and at the fence can differ from the text alone. */
const CUT_ATTEMPTS = 4;

export async function fitConversation(input: ConversationToFit, measure: ConversationMeasure): Promise<FittedConversation> {
  const room = input.contextSize - input.maxTokens;
  const content = chatMessageContent(input.message, input.attachments);
  const fitted = (history: readonly ChatMessage[], promptTokens: number, text = content, cuts: AttachmentCut[] = []) =>
    ({ history: [...history], content: text, promptTokens, droppedMessages: input.history.length - history.length, cuts });
  // Fewer turns never render longer, so the fewest to drop is found by bisection over whole turns.
  const turns = input.history.length / 2;
  const sizeWithout = (dropped: number) => measure.render(input.history.slice(dropped * 2), content);
  const alone = await sizeWithout(turns);
  if (alone <= room) {
    let [low, high] = [0, turns];
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if ((await sizeWithout(middle)) <= room) high = middle;
      else low = middle + 1;
    }
    const history = input.history.slice(low * 2);
    return fitted(history, low === turns ? alone : await measure.render(history, content));
  }
  const counts = await Promise.all(input.attachments.map((attachment) => measure.count(attachment.text)));
  let keepTotal = counts.reduce((sum, n) => sum + n, 0) - (alone - room) - CUT_SLACK_TOKENS;
  for (let attempt = 0; attempt < CUT_ATTEMPTS && keepTotal >= 0; attempt++) {
    const kept = keepFromStart(counts, keepTotal);
    const attachments = await Promise.all(input.attachments.map(async (attachment, index) => {
      const keep = kept[index] ?? 0;
      return keep === counts[index] ? attachment : { ...attachment, text: await measure.start(attachment.text, keep) };
    }));
    const text = chatMessageContent(input.message, attachments);
    const size = await measure.render([], text);
    if (size <= room) {
      const cuts = input.attachments
        .map((attachment, index) => {
          const keptTokens = kept[index] ?? 0;
          return { name: attachment.name, keptTokens, cutTokens: (counts[index] ?? 0) - keptTokens };
        })
        .filter((cut) => cut.cutTokens > 0);
      return fitted([], size, text, cuts);
    }
    keepTotal -= size - room;
  }
  throw new ConversationTooLongError(
    `The message is too long for the model's context of ${input.contextSize} tokens with ${input.maxTokens} kept for the answer, ` +
      'even with every earlier turn left out and its attachments cut. Shorten it, lower llamaLens.prompts.maxTokens, or raise llamaLens.contextSize.',
  );
}

/** How many tokens of each count to keep so that `total` are kept in all, cutting the last ones first. */
function keepFromStart(counts: readonly number[], total: number): number[] {
  let left = total;
  return counts.map((count) => {
    const keep = Math.max(0, Math.min(count, left));
    left -= keep;
    return keep;
  });
}
