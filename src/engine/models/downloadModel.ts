// Downloads a model file through node-llama-cpp's downloader, so hf: URIs, the HF_ENDPOINT / MODEL_ENDPOINT variables
// and Hugging Face tokens behave as they do in node-llama-cpp itself.
//
// Resuming is ipull's (the library under that downloader): it writes `<file>.ipull` at the file's full size, keeps a
// JSON record of which 5 MiB chunks are complete after the data, and renames it to `<file>` once every chunk is in. A
// later download of the same URI into the same folder reads the record and fetches only the missing chunks, with Range
// requests. Chunks that were in flight when the download stopped are fetched again from their start.
//
// `<file>` appears only when every byte is in, but it is offered as a model only after its checks pass: a marker file
// beside it hides it from the model folder listing until then (protocol/modelFileNames.ts).
import { mkdir, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { createModelDownloader, type ModelDownloader } from 'node-llama-cpp';
import type { DownloadParams, DownloadProgress, DownloadResult } from '../../protocol/engineProtocol';
import { DOWNLOAD_TEMP_SUFFIX, UNVERIFIED_MARKER_SUFFIX } from '../../protocol/modelFileNames';
import { DownloadProgressMeter } from '../transfer/DownloadProgressMeter';
import { writeFailure } from '../transfer/downloadErrors';
import { type Expected, fetchServerHints, hashProblem, type ServerHints, sha256OfFile, sizeProblem } from './downloadVerification';
import { CodedError } from '../EngineError';
import { recordedBytes } from './ipullRecord';
import { runTransfer, STALL_MS } from './runTransfer';
import { errorMessage } from '../../core/text/errorMessage';
import { formatBytes } from '../../core/text/formatBytes';

/** Files this engine is downloading: two downloaders writing one temp file would corrupt it. */
const downloading = new Set<string>();

export async function downloadModel(
  params: DownloadParams,
  signal: AbortSignal,
  onProgress: (progress: DownloadProgress) => void,
): Promise<DownloadResult> {
  throwIfCancelled(signal);
  const meter = new DownloadProgressMeter(onProgress);
  await mkdir(params.dirPath, { recursive: true }).catch((error: unknown) => {
    throw new CodedError('downloadFailed', `Cannot create the folder ${params.dirPath}: ${errorMessage(error)}`);
  });
  const downloader = await openDownloader(params, meter, signal);
  const filePath = downloader.entrypointFilePath;
  if (downloading.has(filePath) || downloader.totalFiles !== 1) {
    await downloader.cancel({ deleteTempFile: false });
    throw new CodedError(
      'downloadFailed',
      downloading.has(filePath)
        ? `${filePath} is already being downloaded.`
        : `${params.uri} is a model split into ${downloader.totalFiles} files; only single-file models can be downloaded here.`,
    );
  }
  downloading.add(filePath);
  try {
    return await downloadAndCheck(downloader, params, meter, signal);
  } finally {
    downloading.delete(filePath);
  }
}

async function downloadAndCheck(
  downloader: ModelDownloader,
  params: DownloadParams,
  meter: DownloadProgressMeter,
  signal: AbortSignal,
): Promise<DownloadResult> {
  const filePath = downloader.entrypointFilePath;
  const marker = filePath + UNVERIFIED_MARKER_SUFFIX;
  const announcedBytes = downloader.totalSize;
  const resumedFromBytes = await bytesOnDisk(downloader, announcedBytes);
  const url = resolvedUrl(downloader, params.uri);
  const hints: Promise<ServerHints> = url ? fetchServerHints(url, params.uri.startsWith('hf:'), signal) : Promise.resolve({});
  try {
    await checkFreeSpace(params.dirPath, announcedBytes - resumedFromBytes);
    await writeFile(marker, '').catch((error: unknown) => {
      throw new CodedError('downloadFailed', writeFailure(error, params.dirPath));
    });
  } catch (error) {
    await downloader.cancel({ deleteTempFile: false });
    throw error;
  }
  try {
    await runTransfer(downloader, params.uri, params.dirPath, meter, signal);
  } catch (error) {
    // The marker guards a finished file; with none there it would only be litter.
    if (!(await exists(filePath))) await rm(marker, { force: true });
    throw error;
  }
  const sizeBytes = (await stat(filePath)).size;
  meter.finish(sizeBytes);
  const serverHints = await hints;
  const expectedSize: Expected<number> | undefined =
    params.expectedBytes > 0 ? { value: params.expectedBytes, source: 'the request' } : serverHints.sizeBytes;
  let problem = sizeProblem(sizeBytes, [{ value: announcedBytes, source: 'the size the server announced' }, expectedSize]);
  let sha256 = '';
  if (!problem) {
    sha256 = await sha256OfFile(filePath, signal);
    problem = hashProblem(sha256, params.expectedSha256 ? { value: params.expectedSha256, source: 'the request' } : serverHints.sha256);
  }
  if (problem) {
    await Promise.all([filePath, filePath + DOWNLOAD_TEMP_SUFFIX, marker].map((path) => rm(path, { force: true })));
    throw new CodedError('downloadFailed', `The download of ${params.uri} was deleted: ${problem}.`);
  }
  await rm(marker, { force: true });
  return { filePath, sizeBytes, resumedFromBytes, sha256 };
}

/** Fails before the transfer when the disk cannot hold what is left to fetch (it may still fill up during it). */
async function checkFreeSpace(dirPath: string, neededBytes: number): Promise<void> {
  const space = await statfs(dirPath).catch(() => undefined);
  if (!space || neededBytes <= 0) return;
  const freeBytes = space.bavail * space.bsize;
  if (freeBytes < neededBytes) {
    throw new CodedError(
      'downloadFailed',
      `Not enough disk space in ${dirPath}: the model needs ${formatBytes(neededBytes)} more and ${formatBytes(freeBytes)} is free.`,
    );
  }
}

/** Bytes already on disk before the transfer: from ipull's record of an earlier try, else its own count (a whole file it skips). */
async function bytesOnDisk(downloader: ModelDownloader, totalBytes: number): Promise<number> {
  if (totalBytes <= 0) return 0;
  const recorded = await recordedBytes(downloader.entrypointFilePath + DOWNLOAD_TEMP_SUFFIX, totalBytes);
  return recorded ?? Math.min(downloader.downloadedSize, totalBytes);
}

/** Makes the downloader, which asks the server for the file's size (and reads ipull's record of an earlier try). */
async function openDownloader(params: DownloadParams, meter: DownloadProgressMeter, signal: AbortSignal): Promise<ModelDownloader> {
  const opening = createModelDownloader({
    modelUri: params.uri,
    dirPath: params.dirPath,
    // A complete file of the announced size is not fetched again; it is still checked below.
    skipExisting: true,
    deleteTempFileOnCancel: false,
    showCliProgress: false,
    onProgress: ({ downloadedSize, totalSize }) => meter.update(downloadedSize, totalSize),
  });
  try {
    return await settleWithin(opening, signal, STALL_MS);
  } catch (error) {
    // Given up on (cancelled or no answer): when it opens after all, close it before it writes anything.
    opening.then((late) => late.cancel({ deleteTempFile: false }), () => undefined);
    if (signal.aborted) throw error;
    if (error instanceof CodedError) throw error;
    throw new CodedError('downloadFailed', `Cannot download ${params.uri}: ${errorMessage(error)}`);
  }
}

/** `promise`, unless the signal aborts first or it takes longer than `timeoutMs`. */
function settleWithin<T>(promise: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => finish(() => reject(new Error(String(signal.reason))));
    const timer = setTimeout(
      () => finish(() => reject(new CodedError('downloadFailed', `No answer from the server for ${timeoutMs / 1000} s.`))),
      timeoutMs,
    );
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      settle();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then((value) => finish(() => resolve(value)), (error: unknown) => finish(() => reject(error)));
  });
}

/** The URL node-llama-cpp resolved the URI to: read from its downloader (an internal field, checked at run time). */
function resolvedUrl(downloader: ModelDownloader, uri: string): string | undefined {
  const internal = (downloader as unknown as { _modelUrl?: unknown })._modelUrl;
  if (typeof internal === 'string' && /^https?:\/\//.test(internal)) return internal;
  return /^https?:\/\//.test(uri) ? uri : undefined;
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new Error(String(signal.reason));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
