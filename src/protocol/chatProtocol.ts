// The engine wire's chat: a conversation whose history the engine keeps in its own sequence, so that a follow-up
// evaluates only the new message and the template's tokens around it.
import { Guard, hasFields, isArrayOf, isFiniteNumber, isNonNegativeInteger, isOneOf, isString } from './guards';
import { PROMPT_STOP_REASONS, type PromptStopReason } from './promptProtocol';

/** Most messages of history a chat request may carry; older ones would not fit any context anyway. */
export const MAX_CHAT_HISTORY = 512;
/** Most attachments (the selection, files) on one message. */
export const MAX_CHAT_ATTACHMENTS = 16;

export const CHAT_ROLES = ['user', 'assistant'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

/** A message as the model saw it: a user message carries its attachments already written into its content. */
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** Code the user attached to a message: the selection, the current file, or a file they picked. */
export interface ChatAttachment {
  /** How the user and the model know it, e.g. "src/app.ts" or "the selection in src/app.ts". */
  name: string;
  /** The language id, for its code fence. */
  language: string;
  text: string;
}

export interface ChatParams {
  system: string;
  /** Earlier turns, oldest first, alternating user and assistant, exactly as they were sent and answered. */
  history: ChatMessage[];
  /** The new user message, without its attachments. */
  message: string;
  attachments: ChatAttachment[];
  temperature: number;
  maxTokens: number;
}

/** Tokens left out of an attachment, from its end, so that the message fits the context. */
export interface AttachmentCut {
  name: string;
  keptTokens: number;
  cutTokens: number;
}

export interface ChatResult {
  text: string;
  /** The new message as the model saw it, attachments (as cut) included: the history of the next turn must carry this. */
  content: string;
  /** The chat template that rendered the conversation. */
  chatWrapper: string;
  /** Tokens of the rendered conversation before the answer. */
  promptTokens: number;
  /** Of those, the ones evaluated for this turn; the rest were already in the chat's KV state. */
  evaluatedTokens: number;
  reusedTokens: number;
  /** The oldest messages of history left out so that the conversation fits (always whole turns). */
  droppedMessages: number;
  cuts: AttachmentCut[];
  contextSize: number;
  generatedTokens: number;
  stopReason: PromptStopReason;
  durationMs: number;
}

const isChatMessage = hasFields<ChatMessage>({ role: isOneOf(CHAT_ROLES), content: isString });
const isAttachment = hasFields<ChatAttachment>({ name: isString, language: isString, text: isString });

export const isChatParams: Guard<ChatParams> = hasFields<ChatParams>({
  system: isString,
  history: (v): v is ChatMessage[] => isArrayOf(isChatMessage)(v) && v.length <= MAX_CHAT_HISTORY && isWholeTurns(v),
  message: isString,
  attachments: (v): v is ChatAttachment[] => isArrayOf(isAttachment)(v) && v.length <= MAX_CHAT_ATTACHMENTS,
  temperature: (v): v is number => isFiniteNumber(v) && v >= 0 && v <= 2,
  maxTokens: (v): v is number => isNonNegativeInteger(v) && v > 0 && v <= 32768,
});

const isAttachmentCut = hasFields<AttachmentCut>({ name: isString, keptTokens: isNonNegativeInteger, cutTokens: isNonNegativeInteger });
export const isChatResult: Guard<ChatResult> = hasFields<ChatResult>({
  text: isString,
  content: isString,
  chatWrapper: isString,
  promptTokens: isNonNegativeInteger,
  evaluatedTokens: isNonNegativeInteger,
  reusedTokens: isNonNegativeInteger,
  droppedMessages: isNonNegativeInteger,
  cuts: isArrayOf(isAttachmentCut),
  contextSize: isNonNegativeInteger,
  generatedTokens: isNonNegativeInteger,
  stopReason: isOneOf(PROMPT_STOP_REASONS),
  durationMs: isFiniteNumber,
});

export interface TokenCountParams {
  texts: string[];
}

export interface TokenCountResult {
  /** Tokens of each text as it would continue a message; the same order as asked. */
  counts: number[];
  contextSize: number;
}

export const isTokenCountParams = hasFields<TokenCountParams>({
  texts: (v): v is string[] => isArrayOf(isString)(v) && v.length <= MAX_CHAT_ATTACHMENTS + 1,
});
export const isTokenCountResult = hasFields<TokenCountResult>({
  counts: isArrayOf(isNonNegativeInteger),
  contextSize: isNonNegativeInteger,
});

/** Whole turns, user then assistant, as every chat template expects; a half turn is the new message's job. */
function isWholeTurns(history: readonly ChatMessage[]): boolean {
  return history.length % 2 === 0 && history.every((message, index) => message.role === (index % 2 === 0 ? 'user' : 'assistant'));
}

export type { PromptStopReason };
