// Fetches a tarball into a file, hashing it as it arrives, and stops past a size cap. Nothing from the network is
// unpacked until its sha512 has matched the pin (installBinaries.ts), and the cap keeps a server from filling the disk
// before that check can run.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { formatBytes } from '../../core/text/formatBytes';
import { isWriteError, writeFailure } from '../transfer/downloadErrors';
import { CodedError } from '../EngineError';
import { get } from './npmRegistry';
import { errorMessage } from '../../core/text/errorMessage';

export interface Downloaded {
  /** sha512 of the bytes, base64, as npm's integrity field has it. */
  sha512: string;
  bytes: number;
}

/** Writes the tarball at `url` to `file` (which must not exist); removes it on any failure. */
export async function downloadTarball(
  url: string,
  file: string,
  what: string,
  maxBytes: number,
  signal: AbortSignal,
  onBytes: (bytes: number) => void,
): Promise<Downloaded> {
  const response = await get(url, signal, what);
  // A server that says so is refused at once; one that does not is stopped by the count below.
  if (Number(response.headers.get('content-length')) > maxBytes || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw response.body ? tooLarge(what, maxBytes) : new CodedError('downloadFailed', `The server sent no body for ${what} (${url}).`);
  }
  const hash = createHash('sha512');
  let bytes = 0;
  try {
    await pipeline(
      // The DOM and Node typings of a web stream differ; at run time it is Node's.
      Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          if (bytes > maxBytes) {
            done(tooLarge(what, maxBytes));
            return;
          }
          hash.update(chunk);
          onBytes(bytes);
          done(null, chunk);
        },
      }),
      createWriteStream(file, { flags: 'wx', mode: 0o600 }),
      { signal },
    );
  } catch (error) {
    await rm(file, { force: true });
    if (signal.aborted || error instanceof CodedError) throw error;
    if (isWriteError(error)) throw new CodedError('downloadFailed', writeFailure(error, dirname(file)));
    throw new CodedError('downloadFailed', `${what} could not be downloaded: ${errorMessage(error)}.`);
  }
  return { sha512: hash.digest('base64'), bytes };
}

export function tooLarge(what: string, maxBytes: number): CodedError {
  return new CodedError(
    'downloadFailed',
    `The tarball of ${what} is larger than ${formatBytes(maxBytes)}, more than any pinned package, so it is refused and nothing was installed.`,
  );
}
