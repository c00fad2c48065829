// Runs one palette prompt in a cancellable progress notification, streaming the answer to `onText`.
// Cut context is reported, cancellation is quiet, and every other failure is shown, never lost.
import * as vscode from 'vscode';
import { isCancellation } from '../../client/Engine';
import type { ModelSession } from '../../client/ModelSession';
import { capitalise } from '../../core/prompts/contextFit';
import type { PromptParams, PromptResult } from '../../protocol/engineProtocol';
import { errorMessage } from '../../core/text/errorMessage';

export async function runPrompt(
  session: ModelSession, log: vscode.LogOutputChannel, title: string, params: PromptParams, onText: (text: string) => void,
): Promise<PromptResult | undefined> {
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Llama Lens: ${title}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        let characters = 0;
        try {
          progress.report({ message: session.state.kind === 'ready' ? 'thinking…' : 'loading the model…' });
          return await session.request('prompt', params, {
            signal: controller.signal,
            onProgress: ({ text }) => {
              characters += text.length;
              progress.report({ message: `${characters} characters` });
              onText(text);
            },
          });
        } finally {
          subscription.dispose();
        }
      },
    );
    log.info(
      `${title}: ${result.generatedTokens} tokens in ${Math.round(result.durationMs)} ms with the ${result.chatWrapper} chat wrapper (${result.stopReason}).`,
    );
    if (result.cut) {
      const total = result.cut.cutTokens + result.cut.keptTokens;
      const message = `${capitalise(params.contextName)} did not fit the model's context: its last ${result.cut.cutTokens} of ${total} tokens were left out.`;
      log.warn(message);
      void vscode.window.showWarningMessage(`Llama Lens: ${message}`);
    }
    if (result.stopReason === 'maxTokens') {
      void vscode.window.showInformationMessage(
        `Llama Lens: the answer stopped at llamaLens.prompts.maxTokens (${params.maxTokens} tokens).`,
      );
    }
    return result;
  } catch (error) {
    if (isCancellation(error)) {
      log.info(`${title}: cancelled.`);
      return undefined;
    }
    const message = errorMessage(error);
    log.error(`${title} failed: ${message}`);
    void vscode.window.showErrorMessage(`Llama Lens: ${message}`);
    return undefined;
  }
}
