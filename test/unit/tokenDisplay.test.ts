import { strict as assert } from 'node:assert';
import { tokenLabel, tokenSegments } from '../../src/core/lens/tokenDisplay';
import { byteFallbackNameByte, byteLevelNameBytes, isWholeUtf8 } from '../../src/core/text/tokenBytes';
import { isHostToLens } from '../../src/protocol/lensProtocol';
import { MAX_TOKEN_BYTES } from '../../src/protocol/tokenProtocol';

describe('tokenSegments', () => {
  it('keeps whitespace glyphs apart from the token\'s own characters, a real "·" included', () => {
    assert.deepEqual(tokenSegments({ text: ' if' }), [{ kind: 'space', text: '·' }, { kind: 'text', text: 'if' }]);
    assert.deepEqual(tokenSegments({ text: 'a·b\t\n' }), [{ kind: 'text', text: 'a·b' }, { kind: 'space', text: '→↵' }]);
    assert.deepEqual(tokenSegments({ text: '\r\n  x' }), [{ kind: 'space', text: '␍↵··' }, { kind: 'text', text: 'x' }]);
    assert.deepEqual(tokenSegments({ text: '' }), [{ kind: 'empty', text: '∅' }]);
  });

  it('escapes control and bidi characters inside the text, and leaves markup as text', () => {
    assert.deepEqual(tokenSegments({ text: '\u202Eevil' }), [{ kind: 'text', text: '\\u202Eevil' }]);
    assert.deepEqual(tokenSegments({ text: '<script>' }), [{ kind: 'text', text: '<script>' }]);
  });

  it('shows bytes that are not a whole character as hex, never "\uFFFD"', () => {
    assert.deepEqual(tokenSegments({ text: '<0xE2>', bytes: [0xe2] }), [{ kind: 'bytes', text: 'E2' }]);
    // A byte-level BPE piece: "a", then the first two bytes of "…" (E2 80 A6).
    assert.deepEqual(tokenSegments({ text: 'aâĢ', bytes: [0x61, 0xe2, 0x80] }), [
      { kind: 'text', text: 'a' }, { kind: 'bytes', text: 'E2 80' },
    ]);
    // A continuation byte, then a whole "é" (C3 A9) and a space.
    assert.deepEqual(tokenSegments({ text: '', bytes: [0xa6, 0xc3, 0xa9, 0x20] }), [
      { kind: 'bytes', text: 'A6' }, { kind: 'text', text: 'é' }, { kind: 'space', text: '·' },
    ]);
    // Overlong and surrogate forms are not characters either.
    assert.deepEqual(tokenSegments({ text: '', bytes: [0xc0, 0xaf] }), [{ kind: 'bytes', text: 'C0 AF' }]);
    assert.deepEqual(tokenSegments({ text: '', bytes: [0xed, 0xa0, 0x80] }), [{ kind: 'bytes', text: 'ED A0 80' }]);
    assert.deepEqual(tokenSegments({ text: '', bytes: [0xf4, 0x90, 0x80, 0x80] }), [{ kind: 'bytes', text: 'F4 90 80 80' }]);
  });

  it('shows a control token as one chip with its name', () => {
    assert.deepEqual(tokenSegments({ text: '▁<EOT>', special: true }), [{ kind: 'special', text: '▁<EOT>' }]);
    assert.equal(tokenLabel({ text: '</s>', special: true }), '</s> (control token)');
    assert.equal(tokenLabel({ text: '<0xF0>', bytes: [0xf0] }), '⟨F0⟩');
    assert.equal(tokenLabel({ text: ' x' }), '·x');
  });
});

describe('token bytes', () => {
  it('reads a SentencePiece byte-fallback name', () => {
    assert.equal(byteFallbackNameByte('<0xE2>'), 0xe2);
    assert.equal(byteFallbackNameByte('<0x0a>'), 0x0a);
    assert.equal(byteFallbackNameByte('<0xE2'), undefined);
    assert.equal(byteFallbackNameByte('▁<0xE2>'), undefined);
  });

  it('reads GPT-2\'s byte-level alphabet: printable Latin-1 stands for itself, the other 68 bytes move to U+0100 on', () => {
    assert.deepEqual(byteLevelNameBytes('Ġthe'), [0x20, 0x74, 0x68, 0x65]);
    assert.deepEqual(byteLevelNameBytes('Ċ'), [0x0a]);
    assert.deepEqual(byteLevelNameBytes('Ā'), [0x00]);
    assert.deepEqual(byteLevelNameBytes('âĢ'), [0xe2, 0x80]);
    // Moved, in order: 0x00–0x20 (33), 0x7F–0xA0 (34), 0xAD; so U+0142 is the 67th (NBSP) and U+0143 the last.
    assert.deepEqual(byteLevelNameBytes('ł'), [0xa0]);
    assert.deepEqual(byteLevelNameBytes('Ń'), [0xad], 'the soft hyphen is the last byte moved');
    assert.deepEqual(byteLevelNameBytes('ÿ'), [0xff]);
    assert.equal(byteLevelNameBytes('<|endoftext|>')?.length, 13, 'ASCII names read as themselves');
    assert.equal(byteLevelNameBytes('ń'), undefined, 'past the 68 moved bytes');
  });

  it('tells whole UTF-8 from parts of characters', () => {
    assert.equal(isWholeUtf8([0x61, 0xc3, 0xa9]), true);
    assert.equal(isWholeUtf8([0xe2, 0x80]), false);
    assert.equal(isWholeUtf8([0xa6]), false);
  });
});

describe('Lens token guard', () => {
  const cursor = (token: Record<string, unknown>) => ({
    kind: 'cursor', cursor: { file: 'a.js', line: 0, character: 0 }, queryId: 1,
    distribution: {
      path: [], fragment: '', top: [{ id: 5, text: 'x', probability: 0.5, ...token }], consistent: [],
      sortedProbabilities: '', entropyBits: 1, tailMass: 0.5, tailKnown: true,
    },
  });

  it('accepts a token\'s bytes and control mark', () => {
    assert.equal(isHostToLens(cursor({})), true);
    assert.equal(isHostToLens(cursor({ bytes: [0xe2] })), true);
    assert.equal(isHostToLens(cursor({ special: true })), true);
  });

  it('drops bytes out of range, empty or too many, and a control mark that is not a boolean', () => {
    for (const token of [
      { bytes: [256] }, { bytes: [-1] }, { bytes: [1.5] }, { bytes: [] }, { bytes: 'E2' },
      { bytes: Array.from({ length: MAX_TOKEN_BYTES + 1 }, () => 0x80) }, { special: 'yes' },
    ]) assert.equal(isHostToLens(cursor(token)), false, JSON.stringify(token).slice(0, 60));
  });
});
