// Fill-in-the-middle texts and the tokens SentencePiece gives them on the real Llama-2 vocabulary, written as pieces
// from how SentencePiece encodes each text (spaces are ▁, a newline the byte <0x0A>), never from a run of our code.
// CodeLlama's reference prompt keeps the dummy ▁ on the prefix (the start of the text) and leaves it off the suffix.
import type { FimTexts } from '../../src/engine/inference/tokenizeFimParts';

export interface PinnedCase {
  name: string;
  texts: FimTexts;
  extra?: string[];
  prefix: string[];
  suffix: string[];
}

/** Expected pieces, written from how SentencePiece encodes each text (spaces are ▁, a newline the byte <0x0A>). */
export const PINNED_FIM_CASES: readonly PinnedCase[] = [
  {
    name: 'a word prefix and a newline suffix',
    texts: { extraContext: '', prefix: 'const x', suffix: '\n' },
    prefix: ['▁const', '▁x'],
    suffix: ['<0x0A>'],
  },
  {
    name: 'a Python body whose suffix starts with a space',
    texts: { extraContext: '', prefix: 'def f(a):\n    return', suffix: ' a\n' },
    prefix: ['▁def', '▁f', '(', 'a', '):', '<0x0A>', '▁▁▁', '▁return'],
    suffix: ['▁a', '<0x0A>'],
  },
  {
    name: 'an empty prefix',
    texts: { extraContext: '', prefix: '', suffix: '}\n' },
    prefix: [],
    suffix: ['}', '<0x0A>'],
  },
  {
    name: 'an empty suffix',
    texts: { extraContext: '', prefix: 'return a', suffix: '' },
    prefix: ['▁return', '▁a'],
    suffix: [],
  },
  {
    name: 'a prefix that ends in spaces',
    texts: { extraContext: '', prefix: '{\n    ', suffix: '\n}' },
    prefix: ['▁{', '<0x0A>', '▁▁▁▁'],
    suffix: ['<0x0A>', '}'],
  },
  {
    name: 'a prefix of spaces only: the dummy space joins them',
    texts: { extraContext: '', prefix: '    ', suffix: 'b' },
    prefix: ['▁▁▁▁▁'],
    suffix: ['b'],
  },
  {
    name: 'a prefix that starts with spaces',
    texts: { extraContext: '', prefix: '  return b', suffix: '\n' },
    prefix: ['▁▁', '▁return', '▁b'],
    suffix: ['<0x0A>'],
  },
  {
    name: 'a suffix that starts with spaces',
    texts: { extraContext: '', prefix: 'if a:', suffix: '  b\n}' },
    prefix: ['▁if', '▁a', ':'],
    suffix: ['▁', '▁b', '<0x0A>', '}'],
  },
  {
    name: 'a suffix that starts with a newline (no dummy ▁ before it)',
    texts: { extraContext: '', prefix: 'f(', suffix: '\n}\n' },
    prefix: ['▁f', '('],
    suffix: ['<0x0A>', '}', '<0x0A>'],
  },
  {
    name: 'extra context: the dummy space starts it, and the prefix continues it',
    texts: { extraContext: 'let a = b\n', prefix: 'const x', suffix: '\n}\n' },
    extra: ['▁let', '▁a', '▁=', '▁b', '<0x0A>'],
    prefix: ['const', '▁x'],
    suffix: ['<0x0A>', '}', '<0x0A>'],
  },
  {
    name: 'extra context before a prefix that starts with spaces',
    texts: { extraContext: 'let a\n', prefix: '  return a', suffix: '' },
    extra: ['▁let', '▁a', '<0x0A>'],
    prefix: ['▁', '▁return', '▁a'],
    suffix: [],
  },
];

