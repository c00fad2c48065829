// Unpacks an npm tarball that is already on disk, and whose sha512 has matched its pin (downloadTarball.ts), into a
// folder: gunzipped and read by core's TarReader, whose files are written as they come. Nothing is buffered whole:
// the CUDA packages are hundreds of MB.
import { createReadStream } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { packageEntryPath } from '../../core/tar/entryPath';
import { TarReader, type TarEntry, type TarEvent } from '../../core/tar/TarReader';
import { isWriteError, writeFailure } from '../transfer/downloadErrors';
import { CodedError } from '../EngineError';
import { errorMessage } from '../../core/text/errorMessage';

/** Unpacks the tarball `file` into `dir` (which exists); `what` names it in messages. */
export async function unpackTarball(file: string, dir: string, what: string, signal: AbortSignal): Promise<void> {
  const reader = new TarReader();
  const writer = new FolderWriter(dir);
  try {
    await pipeline(
      createReadStream(file),
      createGunzip(),
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) for (const event of reader.push(chunk)) await writer.write(event);
        reader.end();
      },
      { signal },
    );
  } catch (error) {
    if (signal.aborted || error instanceof CodedError) throw error;
    if (isWriteError(error)) throw new CodedError('downloadFailed', writeFailure(error, dir));
    throw new CodedError('downloadFailed', `${what} could not be unpacked: ${errorMessage(error)}.`);
  } finally {
    await writer.stop();
  }
}

/** Writes the reader's files and directories below `root`; links and special files are not extracted. */
class FolderWriter {
  private file: FileHandle | undefined;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();

  constructor(private readonly root: string) {}

  /** One event at a time (the caller awaits each), and none after stop(). */
  write(event: TarEvent): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('the unpacking was stopped'));
    this.current = this.apply(event);
    return this.current;
  }

  /**
   * Waits for the write in progress and closes the file. A cancelled pipeline rejects without waiting for its last
   * stage, whose write could otherwise recreate a folder after the caller removed it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current.catch(() => undefined);
    await this.closeFile();
  }

  private async apply(event: TarEvent): Promise<void> {
    switch (event.kind) {
      case 'entry':
        return this.start(event.entry);
      case 'data':
        for (let at = 0; this.file && at < event.bytes.length;) at += (await this.file.write(event.bytes, at)).bytesWritten;
        return;
      case 'fileEnd':
        return this.closeFile();
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }

  private async closeFile(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.close();
  }

  private async start(entry: TarEntry): Promise<void> {
    await this.closeFile();
    const relative = packageEntryPath(entry.path);
    if (relative === '' || entry.kind === 'other') return;
    const path = join(this.root, ...relative.split('/'));
    if (entry.kind === 'directory') {
      await mkdir(path, { recursive: true });
      return;
    }
    await mkdir(dirname(path), { recursive: true });
    // As npm does: executable for all when the archive says executable at all, else read-only for others. The umask
    // still applies, and nothing in the archive can make a file writable by others.
    this.file = await open(path, 'w', entry.mode & 0o111 ? 0o755 : 0o644);
  }
}
