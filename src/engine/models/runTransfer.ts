// Runs one ipull transfer to its end, or stops it: on cancel, when no byte arrives for a while, or when a write to
// the temp file fails. ipull closes a cancelled transfer at once, but retries a connection that keeps failing without
// looking (up to 150 times, backing off to 5 s), so a transfer is not waited for once it is given up on: closed, it
// writes nothing more and its retries run out by themselves.
import { rm } from 'node:fs/promises';
import type { ModelDownloader } from 'node-llama-cpp';
import { DOWNLOAD_TEMP_SUFFIX } from '../../protocol/modelFileNames';
import type { DownloadProgressMeter } from '../transfer/DownloadProgressMeter';
import { isWriteError, transferFailure, writeFailure } from '../transfer/downloadErrors';
import { CodedError } from '../EngineError';
import { onIpullWriteError } from './ipullWriteErrors';

/**
 * A download that receives nothing for this long stops, keeping its partial file: without this a dead network would
 * look like a download that never moves. Tests shorten it.
 */
export const STALL_MS = positiveIntegerFromEnv('LLAMA_LENS_DOWNLOAD_STALL_MS') ?? 60_000;

/** How long a transfer that hit a write error gets to wind down before its temp file is deleted. */
const WIND_DOWN_MS = 10_000;

export async function runTransfer(
  downloader: ModelDownloader,
  uri: string,
  dirPath: string,
  meter: DownloadProgressMeter,
  signal: AbortSignal,
): Promise<void> {
  let stalled = false;
  let writeError: unknown;
  let giveUp = () => {};
  const givenUp = new Promise<void>((resolve) => (giveUp = resolve));
  const stop = () => {
    void downloader.cancel({ deleteTempFile: false });
    giveUp();
  };
  meter.resetIdle();
  const watchdog = setInterval(
    () => {
      if (meter.idleMs < STALL_MS) return;
      stalled = true;
      stop();
    },
    Math.min(1000, Math.max(50, STALL_MS / 4)),
  );
  const stopWatchingWrites = onIpullWriteError((error) => {
    writeError ??= error;
    stop();
  });
  signal.addEventListener('abort', stop, { once: true });
  const transfer = downloader.download();
  transfer.catch(() => undefined); // it may fail after it was given up on
  try {
    await Promise.race([transfer, givenUp]);
  } catch (error) {
    if (signal.aborted) throw new Error(String(signal.reason));
    if (!isWriteError(error)) throw new CodedError('downloadFailed', transferFailure(error, uri));
    writeError ??= error;
  } finally {
    clearInterval(watchdog);
    stopWatchingWrites();
    signal.removeEventListener('abort', stop);
  }
  // ipull ends a cancelled transfer without an error.
  if (signal.aborted) throw new Error(String(signal.reason));
  if (writeError !== undefined) {
    // ipull records a chunk as complete before its writes land, so after a failed write its record would resume
    // into a file with holes: start over instead (which also gives the space back).
    await Promise.race([transfer.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, WIND_DOWN_MS).unref())]);
    await rm(downloader.entrypointFilePath + DOWNLOAD_TEMP_SUFFIX, { force: true });
    throw new CodedError(
      'downloadFailed',
      `${writeFailure(writeError, dirPath)} The partial download was deleted; the next download starts over.`,
    );
  }
  const [done, total] = [downloader.downloadedSize, downloader.totalSize];
  if (stalled) {
    throw new CodedError(
      'downloadFailed',
      `No data from the server for ${STALL_MS / 1000} s, so the download of ${uri} stopped at ${done} of ${total} bytes. Download it again to resume.`,
    );
  }
  if (total > 0 && done < total) throw new CodedError('downloadFailed', `The download of ${uri} ended at ${done} of ${total} bytes.`);
}

function positiveIntegerFromEnv(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
