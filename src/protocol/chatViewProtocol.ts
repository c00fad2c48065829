// The typed wire between the extension host and the chat webview. As with the Lens, the webview says `ready` before
// the host sends anything, and every message is validated on receipt, on both sides.
import { type Guard, hasFields, isArrayOf, isBoolean, isNonNegativeInteger, isOneOf, isRecord, isString } from './guards';
import { admitWebviewMessage } from './webviewGate';

/** Longest message the user may type, in characters; attachments travel as chips, not in the message. */
export const MAX_CHAT_MESSAGE_CHARS = 32_000;
/** Largest message the chat webview may send, in characters of JSON. */
const MAX_CHAT_WEBVIEW_MESSAGE_CHARS = MAX_CHAT_MESSAGE_CHARS * 2 + 1024;

export const TURN_STATES = ['streaming', 'done', 'stopped', 'error'] as const;
export type TurnState = (typeof TURN_STATES)[number];

export interface ChatTurn {
  /** What the user typed. */
  message: string;
  /** The names of what was attached to it, shown as chips on the message. */
  attachments: string[];
  /**
   * The message exactly as the model saw it (attachments written in, as cut). The next turn's history carries this,
   * byte for byte, so the engine finds the conversation already in its KV state.
   */
  content: string;
  answer: string;
  state: TurnState;
  /** What the user should know about this turn: context cut, turns dropped, stopped at the token limit, an error. */
  notes: string[];
}

export interface Conversation {
  turns: ChatTurn[];
}

/** Most turns a stored conversation keeps: older ones are forgotten when a new one is added. */
export const MAX_STORED_TURNS = 200;
/** Most characters of one stored field; a bigger one is not ours. */
const MAX_FIELD_CHARS = 1_000_000;

const isBoundedString = (v: unknown): v is string => isString(v) && v.length <= MAX_FIELD_CHARS;
const isTurn = hasFields<ChatTurn>({
  message: isBoundedString,
  attachments: (v): v is string[] => isArrayOf(isBoundedString)(v) && v.length <= 64,
  content: isBoundedString,
  answer: isBoundedString,
  state: isOneOf(TURN_STATES),
  notes: (v): v is string[] => isArrayOf(isBoundedString)(v) && v.length <= 16,
});
export const isConversation: Guard<Conversation> = hasFields<Conversation>({
  turns: (v): v is ChatTurn[] => isArrayOf(isTurn)(v) && v.length <= MAX_STORED_TURNS,
});

export const CONTEXT_SOURCES = ['selection', 'file', 'pick'] as const;
export type ContextSource = (typeof CONTEXT_SOURCES)[number];

/** Something the next message will carry: a selection or a file. */
export interface ContextChip {
  id: string;
  label: string;
  /** Tokens of its text; null until counted (or when no model is loaded). */
  tokens: number | null;
}

/** How full the context will be, in tokens: shown under the input so the user sees a cut coming. */
export interface TokenBudget {
  /** The conversation so far and the chips, as plain text: the chat template adds a few tokens per message. */
  used: number;
  contextSize: number;
  /** Kept free for the answer (llamaLens.prompts.maxTokens). */
  answer: number;
}

export type HostToChat =
  | { kind: 'conversation'; turns: ChatTurn[]; busy: boolean }
  /** The answer of the last turn so far, while it streams. */
  | { kind: 'answer'; turn: number; text: string }
  | { kind: 'context'; chips: ContextChip[]; budget: TokenBudget | null }
  | { kind: 'status'; message: string };

export const CODE_ACTIONS = ['copy', 'insert', 'apply'] as const;
export type CodeAction = (typeof CODE_ACTIONS)[number];

export type ChatToHost =
  | { kind: 'ready' }
  | { kind: 'send'; text: string }
  | { kind: 'stop' }
  | { kind: 'regenerate' }
  | { kind: 'newChat' }
  | { kind: 'addContext'; source: ContextSource }
  | { kind: 'removeContext'; id: string }
  /** A turn's whole answer (block null, Copy only) or one of its code blocks, by index (src/core/chat/markdown). */
  | { kind: 'code'; action: CodeAction; turn: number; block: number | null }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string };

const isChipId = (v: unknown): v is string => isString(v) && /^[a-z0-9-]{1,40}$/.test(v);
const isChip = hasFields<ContextChip>({
  id: isChipId, label: isString, tokens: (v): v is number | null => v === null || isNonNegativeInteger(v),
});
const isBudget = hasFields<TokenBudget>({ used: isNonNegativeInteger, contextSize: isNonNegativeInteger, answer: isNonNegativeInteger });

/** Run by the webview on every message from the host. */
export const isHostToChat: Guard<HostToChat> = (value): value is HostToChat => {
  if (!isRecord(value)) return false;
  switch (value.kind) {
    case 'conversation':
      return isConversation({ turns: value.turns }) && isBoolean(value.busy);
    case 'answer':
      return isNonNegativeInteger(value.turn) && isString(value.text);
    case 'context':
      return isArrayOf(isChip)(value.chips) && (value.budget === null || isBudget(value.budget));
    case 'status':
      return isString(value.message);
    default:
      return false;
  }
};

/** Run by the host on every message from the webview, which is not trusted. */
export const isChatToHost: Guard<ChatToHost> = (value): value is ChatToHost => {
  if (!isRecord(value)) return false;
  switch (value.kind) {
    case 'ready':
    case 'stop':
    case 'regenerate':
    case 'newChat':
      return true;
    case 'send':
      return isString(value.text) && value.text.trim().length > 0 && value.text.length <= MAX_CHAT_MESSAGE_CHARS;
    case 'addContext':
      return isOneOf(CONTEXT_SOURCES)(value.source);
    case 'removeContext':
      return isChipId(value.id);
    case 'code':
      return isOneOf(CODE_ACTIONS)(value.action) && isNonNegativeInteger(value.turn) &&
        (value.block === null ? value.action === 'copy' : isNonNegativeInteger(value.block));
    case 'log':
      return isOneOf(['info', 'warn', 'error'] as const)(value.level) && isString(value.message) && value.message.length <= 2000;
    default:
      return false;
  }
};

export function admitChatMessage(raw: unknown, warn: (message: string) => void): ChatToHost | undefined {
  return admitWebviewMessage(raw, isChatToHost, MAX_CHAT_WEBVIEW_MESSAGE_CHARS, 'Chat', warn);
}
