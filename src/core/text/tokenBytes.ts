// The bytes behind a token's piece, where its text cannot show them: a byte-fallback token ("<0xE2>" in a
// SentencePiece vocabulary) or a byte-level BPE token that holds part of a character ("âĢ" in a GPT-2-style one).
// Shown as text, both would read "�"; the Lens shows their bytes instead.

/**
 * GPT-2's byte-level alphabet: bytes that are printable Latin-1 stand for themselves, and the other 68 (controls,
 * space, DEL, NBSP, soft hyphen …) are moved, in byte order, to U+0100 upwards, so that every byte has a visible
 * character. Vocabulary names in `gpt2` tokenizers are spelled in it.
 */
function byteLevelAlphabet(): Map<string, number> {
  const printable = (byte: number) => (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
  const alphabet = new Map<string, number>();
  let moved = 0;
  for (let byte = 0; byte < 256; byte++) {
    alphabet.set(String.fromCharCode(printable(byte) ? byte : 0x100 + moved++), byte);
  }
  return alphabet;
}

let alphabet: Map<string, number> | undefined;

/** A byte-level BPE name's bytes, or undefined where a character is outside the alphabet (a special token's name). */
export function byteLevelNameBytes(name: string): number[] | undefined {
  alphabet ??= byteLevelAlphabet();
  const bytes: number[] = [];
  for (const char of name) {
    const byte = alphabet.get(char);
    if (byte === undefined) return undefined;
    bytes.push(byte);
  }
  return bytes;
}

/** A SentencePiece byte-fallback name's byte: "<0xE2>" → 0xE2. */
export function byteFallbackNameByte(name: string): number | undefined {
  const match = /^<0x([0-9A-Fa-f]{2})>$/.exec(name);
  return match ? Number.parseInt(match[1] ?? '', 16) : undefined;
}

/** Whether the bytes are whole UTF-8 on their own: if so, the token's text shows them faithfully. */
export function isWholeUtf8(bytes: ArrayLike<number>): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    return true;
  } catch {
    return false;
  }
}
