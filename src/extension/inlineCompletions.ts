// Ghost-text completions: the document around the cursor goes to the engine as a
// fill-in-the-middle request; VS Code's cancellation token cancels it there too.
import * as vscode from 'vscode';
import { cleanCompletion } from '../core/cleanCompletion';
import { completionContext } from '../core/completionContext';
import { EngineRequestError, isCancellation } from '../client/EngineClient';
import type { ModelSession } from '../client/ModelSession';
import type { CompletionSettings } from './config';

/** Characters of context sent each way; the engine trims further to fit the context window. */
const CONTEXT_LIMITS = { maxPrefixChars: 6000, maxSuffixChars: 2000 };

export interface CompletionStats {
  requests: number;
  shown: number;
}

export class InlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  readonly stats: CompletionStats = { requests: 0, shown: 0 };

  constructor(
    private readonly session: ModelSession,
    private readonly settings: () => CompletionSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    _context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const settings = this.settings();
    if (!settings.enabled || this.session.state.kind === 'noModel' || token.isCancellationRequested) return undefined;
    // Read only a window around the cursor: the whole document on every keystroke costs O(file size).
    // One character more than the limit lets completionContext see that the prefix was cut.
    const offset = document.offsetAt(position);
    const start = Math.max(0, offset - CONTEXT_LIMITS.maxPrefixChars - 1);
    const around = document.getText(new vscode.Range(document.positionAt(start), document.positionAt(offset + CONTEXT_LIMITS.maxSuffixChars)));
    const context = completionContext(around, offset - start, CONTEXT_LIMITS);
    const singleLine = context.midLine || settings.maxLines === 1;
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    this.stats.requests++;
    try {
      const result = await this.session.request(
        'complete',
        { prefix: context.prefix, suffix: context.suffix, maxTokens: settings.maxTokens, stopAtNewline: singleLine, layout: 'spm' },
        { signal: abort.signal },
      );
      const text = cleanCompletion(result.text, { singleLine, maxLines: settings.maxLines });
      this.log.debug(`completion: ${result.evaluatedTokens} evaluated, ${result.reusedTokens} reused, ${result.generatedTokens} generated in ${result.durationMs.toFixed(0)} ms (${result.stopReason})`);
      if (token.isCancellationRequested || text.length === 0) return undefined;
      this.stats.shown++;
      // An explicit empty range at the cursor makes VS Code show ghost text, not an inline edit.
      return [new vscode.InlineCompletionItem(text, new vscode.Range(position, position))];
    } catch (error) {
      // A failed load is already on the status bar; repeating it on every keystroke would flood the log.
      if (!isCancellation(error) && !isLoadProblem(error)) this.log.warn(`completion failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    } finally {
      subscription.dispose();
    }
  }
}

function isLoadProblem(error: unknown): boolean {
  return error instanceof EngineRequestError && (error.code === 'loadFailed' || error.code === 'noModel');
}
