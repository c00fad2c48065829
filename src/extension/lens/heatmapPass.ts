// One engine pass over a file for the heatmap, with progress: a notification with Cancel when the user is waiting for
// it (turning the heatmap on, switching to a slower mode), the status bar for the re-scores that follow edits.
import * as vscode from 'vscode';
import type { ModelSession } from '../../client/ModelSession';
import { EngineRequestError, isCancellation } from '../../client/Engine';
import type { SurprisalDetail, TokenSurprisal } from '../../protocol/engineProtocol';
import { errorMessage } from '../../core/text/errorMessage';

export type PassOutcome =
  | { kind: 'scored'; tokens: TokenSurprisal[] }
  /** The user pressed Cancel. */
  | { kind: 'cancelled' }
  /** A newer pass took its place. */
  | { kind: 'superseded' }
  /** `unsupported`: the backend cannot score a text at all (a llama-server), so the message offers the local engine. */
  | { kind: 'failed'; message: string; unsupported: boolean };

export interface PassRequest {
  document: vscode.TextDocument;
  text: string;
  detail: SurprisalDetail;
  scoreFrom: number;
  /** A notification the user can cancel, rather than a status bar entry. */
  waiting: boolean;
  /** Aborted when a newer pass starts. */
  signal: AbortSignal;
}

export async function heatmapPass(session: ModelSession, log: vscode.LogOutputChannel, request: PassRequest): Promise<PassOutcome> {
  const file = vscode.workspace.asRelativePath(request.document.uri);
  const slow = request.detail === 'full' ? ' (ranks and entropy)' : '';
  const location = request.waiting ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
  const abort = new AbortController();
  request.signal.addEventListener('abort', () => abort.abort(), { once: true });
  let cancelledByUser = false;
  const started = performance.now();
  return vscode.window.withProgress(
    { location, title: `Llama Lens: scoring ${file}${slow}`, cancellable: request.waiting },
    async (progress, token) => {
      token.onCancellationRequested(() => {
        cancelledByUser = true;
        abort.abort();
      });
      let reported = 0;
      try {
        const result = await session.request(
          'surprisal',
          { text: request.text, scoreFrom: request.scoreFrom, detail: request.detail },
          {
            signal: abort.signal,
            onProgress: ({ fraction }) => {
              progress.report({ increment: Math.max(0, fraction - reported) * 100 });
              reported = fraction;
            },
          },
        );
        // The E2E tests count these lines to see that switching back to a mode whose scores are current costs no pass.
        log.info(
          `Heatmap: scored ${result.tokens.length} tokens of ${file} (${request.detail}, from character ${request.scoreFrom}) in ${(performance.now() - started).toFixed(0)} ms.`,
        );
        return { kind: 'scored', tokens: result.tokens };
      } catch (error) {
        if (isCancellation(error) || abort.signal.aborted) return { kind: cancelledByUser ? 'cancelled' : 'superseded' };
        const unsupported = error instanceof EngineRequestError && error.code === 'unsupported';
        return { kind: 'failed', message: errorMessage(error), unsupported };
      }
    },
  );
}
