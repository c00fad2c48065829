// Offers the loaded model to VS Code's own chat, through the Language Model Chat Provider API (VS Code 1.104+).
// engines.vscode stays ^1.90 and @types/vscode at 1.90, so the API is declared here, just as much as we use, and
// looked up at run time: on a VS Code without it, nothing is registered and nothing else changes.
import * as vscode from 'vscode';
import { isCancellation } from '../../client/Engine';
import type { ModelSession } from '../../client/ModelSession';
import { toWholeTurns } from '../../core/chat/wholeTurns';
import type { ChatRole } from '../../protocol/chatProtocol';
import type { PromptSettings } from '../config';

/** The vendor package.json's `languageModelChatProviders` contributes. */
export const LM_VENDOR = 'llama-lens';
const MODEL_ID = 'loaded-model';

interface ModelInformation {
  id: string;
  name: string;
  family: string;
  version: string;
  tooltip: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  capabilities: { imageInput: boolean; toolCalling: boolean };
}

interface RequestMessage {
  /** LanguageModelChatMessageRole: 1 user, 2 assistant. */
  role: number;
  content: readonly unknown[];
}

interface Provider {
  onDidChangeLanguageModelChatInformation: vscode.Event<void>;
  provideLanguageModelChatInformation(options: unknown, token: vscode.CancellationToken): ModelInformation[];
  provideLanguageModelChatResponse(
    model: ModelInformation, messages: readonly RequestMessage[], options: unknown,
    progress: vscode.Progress<unknown>, token: vscode.CancellationToken,
  ): Promise<void>;
  provideTokenCount(model: ModelInformation, text: string | RequestMessage, token: vscode.CancellationToken): Promise<number>;
}

type TextPartClass = new (value: string) => { value: string };

interface ModernLm {
  register(vendor: string, provider: Provider): vscode.Disposable;
  TextPart: TextPartClass;
}

/** The API where this VS Code has it, else undefined. */
function modernLm(): ModernLm | undefined {
  const api = vscode as unknown as {
    lm?: { registerLanguageModelChatProvider?: (vendor: string, provider: Provider) => vscode.Disposable };
    LanguageModelTextPart?: TextPartClass;
  };
  const register = api.lm?.registerLanguageModelChatProvider;
  const TextPart = api.LanguageModelTextPart;
  if (typeof register !== 'function' || typeof TextPart !== 'function') return undefined;
  return { register: (vendor, provider) => register.call(api.lm, vendor, provider), TextPart };
}

/** Registers the provider where VS Code supports it; says in the log either way. */
export function registerLanguageModel(
  session: ModelSession, settings: () => PromptSettings, log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const lm = modernLm();
  if (!lm) {
    log.info(`VS Code ${vscode.version} has no Language Model Chat Provider API: the model is offered in the Llama Lens chat only.`);
    return [];
  }
  const changed = new vscode.EventEmitter<void>();
  const provider = createProvider(session, settings, lm.TextPart, changed.event);
  log.info('Offering the loaded model to VS Code\'s chat as "Llama Lens".');
  return [changed, session.onDidChangeState(() => changed.fire()), lm.register(LM_VENDOR, provider)];
}

function createProvider(
  session: ModelSession, settings: () => PromptSettings, TextPart: TextPartClass, onDidChange: vscode.Event<void>,
): Provider {
  const text = (message: RequestMessage): string =>
    message.content.filter((part): part is { value: string } => part instanceof TextPart).map((part) => part.value).join('');
  return {
    onDidChangeLanguageModelChatInformation: onDidChange,
    provideLanguageModelChatInformation: () => {
      const { state } = session;
      if (state.kind !== 'ready') return [];
      const { maxTokens } = settings();
      return [{
        id: MODEL_ID,
        name: `Llama Lens: ${state.info.name}`,
        family: 'llama-lens',
        version: state.info.filePath,
        tooltip: `${state.info.name}, on this machine (${state.info.filePath})`,
        maxInputTokens: Math.max(0, state.info.contextSize - maxTokens),
        maxOutputTokens: maxTokens,
        // VS Code's model picker (1.139) hides a model that cannot call tools. This one never calls a tool: asked to,
        // it answers in text, which VS Code's chat shows like any answer.
        capabilities: { imageInput: false, toolCalling: true },
      }];
    },
    provideLanguageModelChatResponse: async (_model, messages, _options, progress, token) => {
      const { systemPrompt, temperature, maxTokens } = settings();
      // Roles: 1 user, 2 assistant, 3 system (the chat's own instructions, which take the place of ours).
      const system = messages.filter((message) => message.role === 3).map(text).join('\n\n');
      const roles = messages.filter((message) => message.role !== 3)
        .map((message) => ({ role: (message.role === 2 ? 'assistant' : 'user') as ChatRole, content: text(message) }));
      const { history, message } = toWholeTurns(roles);
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        await session.request('chat', { system: system || systemPrompt, history, message, attachments: [], temperature, maxTokens }, {
          signal: abort.signal,
          onProgress: ({ text: chunk }) => progress.report(new TextPart(chunk)),
        });
      } catch (error) {
        if (!isCancellation(error)) throw error;
      } finally {
        subscription.dispose();
      }
    },
    provideTokenCount: async (_model, input) => {
      const { counts } = await session.request('countTokens', { texts: [typeof input === 'string' ? input : text(input)] });
      return counts[0] ?? 0;
    },
  };
}
