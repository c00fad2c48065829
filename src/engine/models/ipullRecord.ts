// Reads how many bytes of a download are already on disk, from the record ipull keeps in its temp file. ipull's own
// count (ModelDownloader.downloadedSize) counts every complete chunk as a full 5 MiB, the short last one too; the
// record says which chunks are complete, so the exact count follows. The format is ipull 3's: the file's bytes, then
// JSON `{ part, chunks: [0 | 1 | 2, ...], chunkSize, ... }` where 2 marks a complete chunk.
import { open } from 'node:fs/promises';

const COMPLETE = 2;
/** A record is a few bytes per chunk: anything far larger is not one. */
const MAX_RECORD_BYTES = 1 << 20;

/** Bytes of complete chunks recorded in `tempPath` for a file of `totalBytes`; undefined when there is no usable record. */
export async function recordedBytes(tempPath: string, totalBytes: number): Promise<number | undefined> {
  if (totalBytes <= 0) return undefined;
  let handle;
  try {
    handle = await open(tempPath, 'r');
  } catch {
    return undefined;
  }
  try {
    const recordBytes = (await handle.stat()).size - totalBytes;
    if (recordBytes <= 0 || recordBytes > MAX_RECORD_BYTES) return undefined;
    const buffer = Buffer.alloc(recordBytes);
    await handle.read(buffer, 0, recordBytes, totalBytes);
    const record = JSON.parse(buffer.toString('utf8')) as { part?: unknown; chunks?: unknown; chunkSize?: unknown };
    const { chunks, chunkSize } = record;
    if (record.part !== 0 || !Array.isArray(chunks) || typeof chunkSize !== 'number' || chunkSize <= 0) return undefined;
    return chunks.reduce<number>(
      (sum, status, i) => sum + (status === COMPLETE ? Math.max(0, Math.min(chunkSize, totalBytes - i * chunkSize)) : 0),
      0,
    );
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
