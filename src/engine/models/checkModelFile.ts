// Checks a model path before llama.cpp (or node-llama-cpp's header reader) sees it: a missing file, a folder, a
// FIFO, a file that is not GGUF, and a GGUF whose header is cut short or crafted all get a clear 'loadFailed'
// instead of a native abort that takes the engine process down, a read of garbage, or an open that never returns.
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { splitModelProblem, splitPartNames, type SplitHeader } from '../../core/gguf/splitModel';
import { validateGgufHeader } from '../../core/gguf/validateGguf';
import { IN_PROGRESS_SUFFIXES } from '../../protocol/modelFileNames';
import { CodedError } from '../EngineError';
import { errorMessage } from '../../core/text/errorMessage';

/** Enough for most headers at once (a 32k-token vocabulary makes a header of about 1 MB). */
const FIRST_READ_BYTES = 1024 ** 2;

/**
 * The model's size (all its parts, for a split model) once its path and GGUF header, and those of every other part
 * of a split model, have passed every check; throws 'loadFailed' otherwise.
 */
export async function checkModelPath(modelPath: string): Promise<number> {
  const first = await checkModelFile(modelPath);
  return first.split ? checkSplitModel(modelPath, first.size, first.split) : first.size;
}

/** llama.cpp opens parts 2.. itself, so each is checked as part 1 was, and the parts against each other. */
async function checkSplitModel(modelPath: string, firstSize: number, split: SplitHeader): Promise<number> {
  if (split.no !== 0) {
    throw new CodedError(
      'loadFailed',
      `${modelPath} is part ${split.no + 1} of a model split into ${split.count} files; load its first part (…-00001-of-…gguf).`,
    );
  }
  const names = splitPartNames(basename(modelPath), split.count);
  if (!names) {
    throw new CodedError(
      'loadFailed',
      `${modelPath} is part 1 of a model split into ${split.count} files, but its name does not end in ` +
        `-00001-of-${String(split.count).padStart(5, '0')}.gguf, so llama.cpp cannot find the other parts. Rename the parts as they were downloaded.`,
    );
  }
  const parts = [{ name: names[0] ?? '', size: firstSize, split: split as SplitHeader | undefined }];
  for (const [index, name] of names.entries()) {
    if (index === 0) continue;
    const path = join(dirname(modelPath), name);
    try {
      parts.push({ name, ...(await checkModelFile(path)) });
    } catch (error) {
      const why = errorMessage(error);
      throw new CodedError(
        'loadFailed',
        `${modelPath} is part 1 of a model split into ${split.count} files, and part ${index + 1} cannot be used: ${why}`,
      );
    }
  }
  const problem = splitModelProblem(parts);
  if (problem !== undefined) throw new CodedError('loadFailed', `Cannot load ${modelPath}: ${problem}`);
  return parts.reduce((sum, part) => sum + part.size, 0);
}

/** One file's checks: its size, and what its header says of a split. */
async function checkModelFile(modelPath: string): Promise<{ size: number; split: SplitHeader | undefined }> {
  await refuseUnfinishedDownload(modelPath);
  const info = await statModelPath(modelPath);
  if (info.isDirectory()) throw new CodedError('loadFailed', `${modelPath} is a folder, not a GGUF model file.`);
  // Opening a FIFO blocks until something writes to it, so only regular files are opened at all.
  if (!info.isFile()) {
    throw new CodedError('loadFailed', `${modelPath} is not a regular file (${fileKind(info)}), so it is not a GGUF model file.`);
  }
  let handle: FileHandle;
  try {
    handle = await open(modelPath, 'r');
  } catch (error) {
    throw cannotOpen(modelPath, error);
  }
  try {
    const { size } = await handle.stat();
    return { size, split: await checkHeader(handle, size, modelPath) };
  } finally {
    await handle.close();
  }
}

/**
 * A download in progress (ipull's `.ipull`, a browser's `.part`) or one not yet checked is never loaded:
 * ipull writes its temp file at full size, so the header check alone would pass a file still full of zeros.
 */
async function refuseUnfinishedDownload(modelPath: string): Promise<void> {
  const suffix = IN_PROGRESS_SUFFIXES.find((candidate) => modelPath.toLowerCase().endsWith(candidate));
  if (suffix) {
    throw new CodedError(
      'loadFailed',
      `${modelPath} is an unfinished download (${suffix}); finish the download (Select Model resumes it) and load the .gguf file.`,
    );
  }
  for (const marker of IN_PROGRESS_SUFFIXES) {
    const exists = await stat(modelPath + marker).then(() => true, () => false);
    if (exists) {
      throw new CodedError(
        'loadFailed',
        `${modelPath} is still being downloaded or checked (${modelPath}${marker} exists); wait for the download to finish.`,
      );
    }
  }
}

async function statModelPath(modelPath: string): Promise<Stats> {
  try {
    return await stat(modelPath);
  } catch (error) {
    throw cannotOpen(modelPath, error);
  }
}

function cannotOpen(modelPath: string, error: unknown): CodedError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' ? 'the file does not exist'
    : code === 'ENOTDIR' ? 'a part of the path before the file name is a file, not a folder, so the file does not exist'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ELOOP' ? 'the path has a loop of symbolic links'
    : errorMessage(error);
  return new CodedError('loadFailed', `Cannot open model file ${modelPath}: ${why}.`);
}

function fileKind(info: Stats): string {
  if (info.isFIFO()) return 'it is a named pipe';
  if (info.isSocket()) return 'it is a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'it is a device';
  return 'it is not a plain file';
}

/**
 * Reads the header in growing chunks, as far as the validator asks (64 MiB at most), and turns a problem into
 * 'loadFailed'. Returns what the header says of a split.
 */
async function checkHeader(handle: FileHandle, size: number, modelPath: string): Promise<SplitHeader | undefined> {
  let bytes = await readPrefix(handle, Math.min(size, FIRST_READ_BYTES), new Uint8Array(0), modelPath);
  for (;;) {
    const check = validateGgufHeader(bytes, size);
    if (check.ok) return check.split;
    if ('problem' in check) throw new CodedError('loadFailed', `Cannot load ${modelPath}: ${check.problem}`);
    bytes = await readPrefix(handle, check.needBytes, bytes, modelPath);
  }
}

/** The file's first `length` bytes, reusing the `have` already read. */
async function readPrefix(handle: FileHandle, length: number, have: Uint8Array, modelPath: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  bytes.set(have);
  let filled = have.length;
  while (filled < length) {
    const bytesRead = await handle.read(bytes, filled, length - filled, filled).then(
      (result) => result.bytesRead,
      (error: unknown) => {
        throw new CodedError('loadFailed', `Cannot read model file ${modelPath}: ${errorMessage(error)}.`);
      },
    );
    if (bytesRead === 0) {
      throw new CodedError(
        'loadFailed',
        `Cannot load ${modelPath}: the file got shorter while it was being read. Is it still being written? Try again when it is complete.`,
      );
    }
    filled += bytesRead;
  }
  return bytes;
}
