// A download the user asked for, in a cancellable notification with bytes and speed. A cancelled
// download keeps its partial file (never listed as a model) so the next try resumes it.
import * as vscode from 'vscode';
import { isCancellation } from '../../client/Engine';
import type { ModelSession } from '../../client/ModelSession';
import { formatBytes } from '../../core/text/formatBytes';
import type { DownloadParams, DownloadProgress } from '../../protocol/engineProtocol';
import { errorMessage } from '../../core/text/errorMessage';

export async function downloadWithProgress(
  session: ModelSession,
  log: vscode.LogOutputChannel,
  label: string,
  params: DownloadParams,
): Promise<string | undefined> {
  try {
    const result = await withDownloadProgress(`Llama Lens: downloading ${label}`, (signal, onProgress) =>
      session.direct('download', params, { signal, onProgress }),
    );
    const resumed = result.resumedFromBytes > 0 ? `, resumed from ${formatBytes(result.resumedFromBytes)}` : '';
    log.info(`Downloaded ${params.uri} to ${result.filePath} (${formatBytes(result.sizeBytes)}${resumed}).`);
    return result.filePath;
  } catch (error) {
    if (isCancellation(error)) {
      void vscode.window.showInformationMessage(`Llama Lens: the download of ${label} was paused. Pick it again to resume.`);
      return undefined;
    }
    const message = errorMessage(error);
    log.error(`Download of ${params.uri} failed: ${message}`);
    void vscode.window.showErrorMessage(`Llama Lens: ${message}`);
    return undefined;
  }
}

/** Runs an engine download in a cancellable notification that shows bytes done, the total and the speed. */
export function withDownloadProgress<T>(
  title: string,
  run: (signal: AbortSignal, onProgress: (progress: DownloadProgress) => void) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      try {
        return await run(controller.signal, ({ downloadedBytes, totalBytes, bytesPerSecond }) => {
          const fraction = totalBytes > 0 ? downloadedBytes / totalBytes : 0;
          progress.report({
            message: `${formatBytes(downloadedBytes)} of ${totalBytes > 0 ? formatBytes(totalBytes) : '?'} · ${formatBytes(bytesPerSecond)}/s`,
            increment: Math.max(0, fraction * 100 - reported),
          });
          reported = Math.max(reported, fraction * 100);
        });
      } finally {
        subscription.dispose();
      }
    },
  );
}
