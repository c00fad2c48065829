// A tiny tar writer for the tar reader's tests: headers laid out by hand, so a test can make exactly the archive it
// needs (a ustar prefix, a pax header, a GNU long name, a bad checksum, an unsafe path).
import { concatBytes } from '../../src/core/concatBytes';

export interface TarWriterEntry {
  name: string;
  /** Type flag: '0' file (default), '5' directory, '2' symlink, 'x' pax, 'L' GNU long name, ... */
  type?: string;
  mode?: number;
  data?: Uint8Array | string;
  /** The ustar prefix field (POSIX format only). */
  prefix?: string;
  /** GNU's magic ("ustar  \0"), which has no prefix field. */
  gnu?: boolean;
  /** Written in base-256 instead of octal. */
  base256Size?: boolean;
  linkName?: string;
  /** The size written in the header, when it must differ from the data's (a pax header gives the real one). */
  headerSize?: number;
}

const encoder = new TextEncoder();

function bytesOf(data: Uint8Array | string | undefined): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data ?? new Uint8Array(0);
}

function put(block: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = encoder.encode(text);
  if (bytes.length > length) throw new Error(`"${text}" does not fit in ${length} bytes`);
  block.set(bytes, offset);
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0');
}

export function tarHeader(entry: TarWriterEntry, size: number): Uint8Array {
  const block = new Uint8Array(512);
  put(block, 0, 100, entry.name);
  put(block, 100, 8, octal(entry.mode ?? 0o644, 8));
  put(block, 108, 8, octal(0, 8));
  put(block, 116, 8, octal(0, 8));
  if (entry.base256Size) {
    block[124] = 0x80;
    let rest = size;
    for (let i = 135; i > 124; i--, rest = Math.floor(rest / 256)) block[i] = rest % 256;
  } else {
    put(block, 124, 12, octal(size, 12));
  }
  put(block, 136, 12, octal(1_700_000_000, 12));
  block[156] = (entry.type ?? '0').charCodeAt(0);
  put(block, 157, 100, entry.linkName ?? '');
  if (entry.gnu) put(block, 257, 8, 'ustar  ');
  else {
    put(block, 257, 6, 'ustar');
    put(block, 263, 2, '00');
  }
  put(block, 345, 155, entry.prefix ?? '');
  block.fill(0x20, 148, 156);
  const sum = block.reduce((total, byte) => total + byte, 0);
  put(block, 148, 8, `${octal(sum, 7)}\0 `);
  return block;
}

/** A header, the data and its padding to a whole block. */
export function tarEntry(entry: TarWriterEntry): Uint8Array {
  const data = bytesOf(entry.data);
  return concatBytes([tarHeader(entry, entry.headerSize ?? data.length), data, new Uint8Array((512 - (data.length % 512)) % 512)]);
}

/** A pax extended header: 'x' applies to the entry after it, 'g' to all after it. */
export function paxEntry(records: Record<string, string>, type: 'x' | 'g' = 'x'): Uint8Array {
  const lines = Object.entries(records).map(([key, value]) => {
    const body = ` ${key}=${value}\n`;
    // The length counts its own digits: find the fixed point.
    let length = encoder.encode(body).length + 1;
    while (String(length).length + encoder.encode(body).length !== length) length++;
    return `${length}${body}`;
  });
  return tarEntry({ name: 'PaxHeader', type, data: lines.join('') });
}

/** Two zero blocks, then padding to a 10 KiB record, as tar writes it. */
export function endOfArchive(lengthSoFar = 0): Uint8Array {
  const withMarker = lengthSoFar + 1024;
  return new Uint8Array(1024 + ((10240 - (withMarker % 10240)) % 10240));
}

export function tarArchive(parts: readonly Uint8Array[]): Uint8Array {
  const body = concatBytes(parts);
  return concatBytes([body, endOfArchive(body.length)]);
}
