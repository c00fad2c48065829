// Cuts a file into parts no larger than a limit, each with its sha256: what the device checks before it uses a part.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface KitPart {
  /** File name under the parts folder, e.g. core-01; the number orders the parts. */
  name: string;
  bytes: number;
  sha256: string;
}

/** The fewest parts of at most `maxPart` bytes, as even as possible (each call then carries about the same). */
export function partSizes(totalBytes: number, maxPart: number): number[] {
  if (!Number.isSafeInteger(totalBytes) || totalBytes <= 0) throw new Error(`Cannot split ${totalBytes} bytes into parts.`);
  if (!Number.isSafeInteger(maxPart) || maxPart <= 0) throw new Error(`A part must hold at least one byte, not ${maxPart}.`);
  const count = Math.ceil(totalBytes / maxPart);
  const base = Math.floor(totalBytes / count);
  const larger = totalBytes - base * count;
  return Array.from({ length: count }, (_, index) => base + (index < larger ? 1 : 0));
}

/** `prefix-01`, `prefix-02`…: zero-padded so that a shell glob lists them in order. */
export function partName(prefix: string, index: number): string {
  return `${prefix}-${String(index + 1).padStart(2, '0')}`;
}

const CHUNK = 4 * 1024 * 1024;

/** Writes `file` as parts of `sizes` bytes into `folder` and hashes each as it is written. */
export function splitFile(file: string, folder: string, prefix: string, sizes: readonly number[]): KitPart[] {
  const input = openSync(file, 'r');
  const buffer = Buffer.alloc(CHUNK);
  try {
    const parts = sizes.map((size, index) => {
      const name = partName(prefix, index);
      const output = openSync(join(folder, name), 'w');
      const hash = createHash('sha256');
      try {
        for (let left = size; left > 0;) {
          const read = readSync(input, buffer, 0, Math.min(CHUNK, left), null);
          if (read === 0) throw new Error(`${file} ended ${left} bytes before part ${name} was full.`);
          writeSync(output, buffer, 0, read);
          hash.update(buffer.subarray(0, read));
          left -= read;
        }
      } finally {
        closeSync(output);
      }
      return { name, bytes: size, sha256: hash.digest('hex') };
    });
    if (readSync(input, buffer, 0, 1, null) !== 0) {
      throw new Error(`${file} holds more than the ${sizes.reduce((a, b) => a + b, 0)} bytes its parts were sized for.`);
    }
    return parts;
  } finally {
    closeSync(input);
  }
}
