// One 512-byte tar header block, read field by field: the ustar layout (POSIX and GNU flavours), its checksum, and
// numbers in octal text or GNU's base-256 (for sizes beyond octal's 8 GiB).

export const BLOCK = 512;

export interface TarHeader {
  /** The name, with the POSIX ustar prefix joined in front when there is one. */
  path: string;
  mode: number;
  size: number;
  /** The type flag character: '0' or '' a file, '5' a directory, 'x' a pax header, 'L' a GNU long name, ... */
  type: string;
}

const decoder = new TextDecoder('utf-8');

/** Text up to the first NUL. */
export function readText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** An octal number in text, or base-256 when the top bit of the first byte is set. */
export function readNumber(bytes: Uint8Array, field: string): number {
  const first = bytes[0] ?? 0;
  if (first & 0x80) {
    if (first === 0xff) throw new Error(`negative ${field} in a tar header`);
    let value = first & 0x7f;
    for (const byte of bytes.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) throw new Error(`${field} too large in a tar header`);
    return value;
  }
  const text = readText(bytes).trim();
  if (!/^[0-7]*$/.test(text)) throw new Error(`${field} "${text}" is not an octal number in a tar header`);
  return text === '' ? 0 : parseInt(text, 8);
}

export function isZeroBlock(block: Uint8Array): boolean {
  return block.every((byte) => byte === 0);
}

/** Parses a header block; throws when its checksum does not match, which is how tar tells a header from garbage. */
export function parseHeader(block: Uint8Array): TarHeader {
  const stored = readNumber(block.subarray(148, 156), 'checksum');
  // The checksum is the sum of the header's bytes with its own field read as spaces. Some old tars summed signed bytes.
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  if (stored !== unsigned && stored !== signed) throw new Error('a tar header has a wrong checksum');
  const name = readText(block.subarray(0, 100));
  // Only POSIX ustar ("ustar\0" "00") has the prefix field; GNU's "ustar  \0" keeps other data there.
  const posix = readText(block.subarray(257, 263)) === 'ustar' && block[262] === 0;
  const prefix = posix ? readText(block.subarray(345, 500)) : '';
  return {
    path: prefix ? `${prefix}/${name}` : name,
    mode: readNumber(block.subarray(100, 108), 'mode'),
    size: readNumber(block.subarray(124, 136), 'size'),
    type: String.fromCharCode(block[156] ?? 0).replace('\0', ''),
  };
}
