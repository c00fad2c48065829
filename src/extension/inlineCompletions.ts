// Ghost-text completions: VS Code asks on every keystroke; the core pipeline answers from the
// suggestion on screen, its cache, or the engine. VS Code's cancellation token cancels there too.
import * as vscode from 'vscode';
import type { CompletionGate } from '../core/completion/CompletionGate';
import type { CompletionPipeline, CompletionQuery } from '../core/completion/CompletionPipeline';
import { completionContext, prefixWindowStart } from '../core/completionContext';
import { EngineRequestError, isCancellation } from '../client/Engine';
import type { ModelSession } from '../client/ModelSession';
import type { CompleteResult } from '../protocol/engineProtocol';
import type { CompletionSettings } from './config';
import { errorMessage } from '../core/text/errorMessage';

/** Characters per token to read generously: the engine trims to the token budgets. */
const CHARS_PER_TOKEN = 6;

export interface ExtraContextSource {
  extraFor(document: vscode.TextDocument): string;
}

export class InlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  constructor(
    private readonly pipeline: CompletionPipeline,
    private readonly session: ModelSession,
    private readonly gate: CompletionGate,
    private readonly extraContext: ExtraContextSource,
    private readonly settings: () => CompletionSettings,
    private readonly log: vscode.LogOutputChannel,
    private readonly onAnswered: (result: CompleteResult | undefined) => void,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const settings = this.settings();
    // An explicit "Trigger Completion" works even while automatic suggestions are off or snoozed.
    const manual = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    if (!manual && !this.gate.allows(settings, document.languageId, Date.now())) return undefined;
    if (this.session.state.kind === 'noModel' || token.isCancellationRequested) return undefined;
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    try {
      const suggestion = await this.pipeline.complete(this.queryAt(document, position, settings, manual), abort.signal);
      const result = suggestion?.result;
      if (result) {
        this.log.debug(
          `completion: ${result.evaluatedTokens} evaluated, ${result.reusedTokens} reused, ${result.generatedTokens} generated in ${result.durationMs.toFixed(0)} ms (${result.stopReason})`,
        );
      }
      this.onAnswered(result);
      if (!suggestion || token.isCancellationRequested) return undefined;
      // An explicit empty range at the cursor makes VS Code show ghost text, not an inline edit.
      return suggestion.items.map((text) => new vscode.InlineCompletionItem(text, new vscode.Range(position, position)));
    } catch (error) {
      // A failed load is already on the status bar; repeating it on every keystroke would flood the log.
      if (!isCancellation(error) && !isLoadProblem(error)) this.log.warn(`completion failed: ${errorMessage(error)}`);
      return undefined;
    } finally {
      subscription.dispose();
    }
  }

  /** Reads only a window around the cursor: the whole document on every keystroke costs O(file size). */
  private queryAt(
    document: vscode.TextDocument,
    position: vscode.Position,
    settings: CompletionSettings,
    manual: boolean,
  ): CompletionQuery {
    const limits = { maxPrefixChars: settings.budgets.prefix * CHARS_PER_TOKEN, maxSuffixChars: settings.budgets.suffix * CHARS_PER_TOKEN };
    const offset = document.offsetAt(position);
    const start = prefixWindowStart(offset, limits.maxPrefixChars);
    const window = document.getText(new vscode.Range(document.positionAt(start), document.positionAt(offset + limits.maxSuffixChars)));
    const around = completionContext(window, offset, limits, start);
    return {
      prefix: around.prefix,
      suffix: around.suffix,
      extraContext: settings.budgets.extra > 0 ? this.extraContext.extraFor(document) : '',
      singleLine: around.midLine || settings.maxLines === 1,
      maxLines: settings.maxLines,
      manual,
    };
  }
}

function isLoadProblem(error: unknown): boolean {
  return error instanceof EngineRequestError && (error.code === 'loadFailed' || error.code === 'noModel');
}
