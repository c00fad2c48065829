// The exact-oracle model: a real Llama-architecture GGUF whose next-token distribution is a smoothed character bigram
// table learned from a corpus (ORACLE_MODEL_SETS lists them). See DESIGN.md, "Models for tests and benchmarks".
//
// How the weights make it exact:
// - n_embd >= V, token_embd is the identity, so the residual stream after embedding is the one-hot e_prev;
// - one block whose attention and FFN weights are all zero adds nothing to the residual stream;
// - output_norm (RMSNorm, weights 1) turns e_prev into s * e_prev with s = 1 / sqrt(1/n_embd + eps);
// - output[j][i] = log P(j|i) / s, so logit_j = log P(j|prev) and softmax gives back P(.|prev) exactly.
import { GgmlType, GgufWriter, float32Data, quantizeQ4_0 } from '../gguf/GgufWriter';
import { addIdentityBlock, writeFimTokenIds, writeLlamaHyperparameters } from './ggufParts';

/** Bumped whenever the generated files would change for the same corpus. */
export const ORACLE_GENERATOR_VERSION = 1;
/** Add-alpha smoothing of the bigram counts. */
export const ORACLE_ALPHA = 0.1;
/** Tiny on purpose: with eps this small, RMSNorm of a one-hot vector is (almost exactly) sqrt(n_embd). */
export const ORACLE_RMS_EPS = 1e-12;
const HEAD_DIM = 64;
const FEED_FORWARD_LENGTH = 64;
const CONTEXT_LENGTH = 4096;

/** llama.cpp token types. */
export const TokenType = { normal: 1, unknown: 2, control: 3, unused: 5, byte: 6 } as const;

export interface OracleVocabEntry {
  id: number;
  text: string;
  type: number;
}

/** Everything a test needs to recompute P(j|i) without the engine (written as oracle.table.json). */
export interface OracleTable {
  description: string;
  generatorVersion: number;
  corpusSha256: string;
  alpha: number;
  nEmbd: number;
  rmsEps: number;
  bos: number;
  eos: number;
  unk: number;
  fim: { pre: number; suf: number; mid: number; eot: number };
  vocab: OracleVocabEntry[];
  /** counts["i"]["j"] = how often token j follows token i in the tokenized corpus (absent = 0). */
  counts: Record<string, Record<string, number>>;
}

/** How a GGUF is built from a table: 'oracle' declares FIM tokens, '-nofim' does not, '-chat' adds a chat template. */
export type OracleVariant = 'oracle' | 'oracle-nofim' | 'oracle-chat';
export const ORACLE_VARIANTS: readonly OracleVariant[] = ['oracle', 'oracle-nofim', 'oracle-chat'];

/** Oracle models learned from one corpus, generated together with their table (`<name>.table.json`). */
export interface OracleModelSet {
  /** Names the table, `<name>.table.json`, and the stamp that says the set is up to date, `<name>.stamp.json`. */
  name: string;
  /** The training text, relative to the repository root. */
  corpus: string;
  /** The GGUFs written, `<file>.gguf`, each built as `variant`. */
  models: readonly { file: string; variant: OracleVariant }[];
  /** Tokens added after the usual vocabulary (see OracleExtraToken). */
  extraTokens?: readonly OracleExtraToken[];
}

/**
 * A normal token appended to the vocabulary, with a bigram count the corpus does not have. The tokenizer never
 * produces it (no pair of its characters is a token, so SentencePiece never merges towards it): it is only ever a
 * predicted token, which is how a real model's vocabulary can put arbitrary text in front of the user.
 */
export interface OracleExtraToken {
  /** What the model writes for it; spaces are stored as ▁, as SentencePiece stores them. */
  text: string;
  /** A character with its own token, or an earlier extra token's text; the counts say the extra token follows it `count` times. */
  after: string;
  count: number;
  /** How often the text ends (EOS) after it; without this its successors are uniform, a tie greedy decoding cannot break. */
  endCount?: number;
}

export const ORACLE_MODEL_SETS: readonly OracleModelSet[] = [
  // Code-like text: the engine tests check distributions, FIM and chat on it.
  {
    name: 'oracle',
    corpus: 'test/fixtures/oracle-corpus.txt',
    models: ORACLE_VARIANTS.map((variant) => ({ file: variant, variant })),
  },
  // One line, `obj.put(key);`, repeated: each of its characters occurs once per line, so it has a single successor
  // and greedy decoding after `obj.` is the multi-word `put(key);` with no ties. The E2E tests type part of it.
  {
    name: 'oracle-words',
    corpus: 'test/fixtures/oracle-words-corpus.txt',
    models: [{ file: 'oracle-words', variant: 'oracle' }],
  },
  // One line, `let y=x+1;` (each character once), repeated, with Llama-2's chat template: its only space is followed by `y`, and a chat
  // prompt ends with the space after [/INST], so the greedy answer is `y=x+1;` and then whole lines, with no ties.
  // A last line, `[/INST] y=x+1;`, gives `]` the same successor: llama-server's Llama-2 template ends the prompt at
  // `[/INST]`, without the space. The E2E tests of the palette prompts, locally and on a llama-server, read it.
  {
    name: 'oracle-answers',
    corpus: 'test/fixtures/oracle-answers-corpus.txt',
    models: [{ file: 'oracle-answers', variant: 'oracle-chat' }],
  },
  // The code-like corpus plus tokens a hostile vocabulary could hold: markup, and a bidi override. After `=` they are
  // the three most likely tokens, in this order, so the Lens has to show them as plain text. The markup comes twice:
  // the Lens draws spaces as '·', which would turn the first into a harmless tag name even if it were parsed as
  // HTML; the second has no space (a '/' and a quote end its tag name and attribute) and would be a real <img>.
  {
    name: 'oracle-xss',
    corpus: 'test/fixtures/oracle-corpus.txt',
    models: [{ file: 'oracle-xss', variant: 'oracle' }],
    extraTokens: [
      { text: '<img src=x onerror=alert(1)>', after: '=', count: 200 },
      { text: "<img/src='x'onerror=alert(2)>", after: '=', count: 150 },
      { text: '\u202Eevil', after: '=', count: 100 },
    ],
  },
  // The chat against hostile output: oracle-answers, whose chat answer starts after the space that ends the prompt,
  // with a chain of extra tokens there, so that the greedy answer opens with a script tag, an <img> with an event
  // handler and a javascript: link, then a Markdown code fence around more markup, and ends (EOS).
  {
    name: 'oracle-chat-xss',
    corpus: 'test/fixtures/oracle-answers-corpus.txt',
    models: [{ file: 'oracle-chat-xss', variant: 'oracle-chat' }],
    extraTokens: [
      { text: '<script>alert(1)</script>', after: ' ', count: 1000 },
      { text: ' <img src=x onerror=alert(2)>', after: '<script>alert(1)</script>', count: 1000 },
      { text: ' [click](javascript:alert(3))', after: ' <img src=x onerror=alert(2)>', count: 1000 },
      { text: '\n```html\n<img src=x onerror=alert(4)>\n```', after: ' [click](javascript:alert(3))', count: 1000, endCount: 1000 },
    ],
  },
  // The heatmap's views (rank, entropy, the hover, the completion inspector's mark) need ranks a code corpus never
  // gives: after `~` (absent from the corpus) 150 extra tokens come first, so any character there ranks 151st, in the
  // top 1000; after `#` (also absent) 1,010 of them, so any character ranks 1,011th, beyond the top 1000. After `@`
  // (followed by `e` and `p` in the corpus) seven end-of-generation tokens come first, all names llama.cpp makes EOG:
  // a completion there starts with `e`, the 8th likeliest token, outside the top 5 a trace lists.
  {
    name: 'oracle-views',
    corpus: 'test/fixtures/oracle-corpus.txt',
    models: [{ file: 'oracle-views', variant: 'oracle' }],
    extraTokens: [
      ...['<|eot_id|>', '<|im_end|>', '<|end|>', '<end_of_turn>', '<|endoftext|>', '<|eom_id|>', '<|end_of_text|>']
        .map((text, index) => ({ text, after: '@', count: 400 - 20 * index })),
      ...Array.from({ length: 150 }, (_, index) => ({ text: `top1000-${index}`, after: '~', count: 1 })),
      ...Array.from({ length: 1010 }, (_, index) => ({ text: `beyond-${index}`, after: '#', count: 1 })),
    ],
  },
];

export const SPACE_PIECE = '\u2581';
const EOS_ID = 2;
const FIM_TEXTS = ['<PRE>', '<SUF>', '<MID>', '<EOT>'] as const;
const FIRST_FIM_ID = 3;
const FIRST_BYTE_ID = FIRST_FIM_ID + FIM_TEXTS.length;
const SPACE_ID = FIRST_BYTE_ID + 256;
const FIRST_PRINTABLE_ID = SPACE_ID + 1; // printable ASCII 0x21..0x7E follow in order

/**
 * The Llama-2 chat template, written out for this project. It renders like the usual one:
 * `<s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST] {assistant} </s><s>[INST] ...`.
 */
export const LLAMA2_CHAT_TEMPLATE = [
  "{% if messages[0]['role'] == 'system' %}",
  "{% set system_message = messages[0]['content'] %}{% set loop_messages = messages[1:] %}",
  '{% else %}',
  '{% set system_message = false %}{% set loop_messages = messages %}',
  '{% endif %}',
  '{% for message in loop_messages %}',
  "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}",
  "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}",
  '{% endif %}',
  '{% if loop.index0 == 0 and system_message != false %}',
  "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}",
  "{% else %}{% set content = message['content'] %}{% endif %}",
  "{% if message['role'] == 'user' %}",
  "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}",
  "{% elif message['role'] == 'assistant' %}",
  "{{ ' ' + content.strip() + ' ' + eos_token }}",
  '{% endif %}',
  '{% endfor %}',
].join('');

function byteTokenText(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/** The vocabulary: specials, FIM, 256 byte tokens, ▁, printable ASCII, then the extra tokens in order. */
export function buildOracleVocab(extraTokens: readonly OracleExtraToken[] = []): OracleVocabEntry[] {
  const vocab: OracleVocabEntry[] = [
    { id: 0, text: '<unk>', type: TokenType.unknown },
    { id: 1, text: '<s>', type: TokenType.control },
    { id: 2, text: '</s>', type: TokenType.control },
  ];
  for (const text of FIM_TEXTS) vocab.push({ id: vocab.length, text, type: TokenType.control });
  for (let byte = 0; byte < 256; byte++) vocab.push({ id: vocab.length, text: byteTokenText(byte), type: TokenType.byte });
  vocab.push({ id: vocab.length, text: SPACE_PIECE, type: TokenType.normal });
  for (let code = 0x21; code <= 0x7e; code++) vocab.push({ id: vocab.length, text: String.fromCharCode(code), type: TokenType.normal });
  for (const { text } of extraTokens) vocab.push({ id: vocab.length, text: text.replaceAll(' ', SPACE_PIECE), type: TokenType.normal });
  return vocab;
}

/**
 * The table's vocabulary as a variant declares it. Without FIM the ids stay put (same table for every variant) but
 * the names no longer look like FIM tokens, because llama.cpp would otherwise detect <PRE>/<SUF>/<MID>/<EOT> by name.
 */
function variantVocab(vocab: readonly OracleVocabEntry[], withFim: boolean): readonly OracleVocabEntry[] {
  if (withFim) return vocab;
  return vocab.map((entry) => {
    const k = entry.id - FIRST_FIM_ID;
    return k >= 0 && k < FIM_TEXTS.length ? { ...entry, text: `<unused${k}>` } : entry;
  });
}

/** Tokenizes like llama.cpp's SPM tokenizer does with this vocabulary (no BOS, no space prefix). */
export function tokenizeOracleText(text: string): number[] {
  const ids: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === ' ' || char === SPACE_PIECE) ids.push(SPACE_ID);
    else if (code >= 0x21 && code <= 0x7e) ids.push(FIRST_PRINTABLE_ID + code - 0x21);
    else for (const byte of Buffer.from(char, 'utf8')) ids.push(FIRST_BYTE_ID + byte);
  }
  return ids;
}

export function buildOracleTable(corpus: string, corpusSha256: string, extraTokens: readonly OracleExtraToken[] = []): OracleTable {
  const vocab = buildOracleVocab(extraTokens);
  const ids = tokenizeOracleText(corpus);
  const counts: Record<string, Record<string, number>> = {};
  const count = (prev: number, next: number, n: number): void => {
    const row = (counts[String(prev)] ??= {});
    row[String(next)] = (row[String(next)] ?? 0) + n;
  };
  for (let k = 1; k < ids.length; k++) count(ids[k - 1] ?? 0, ids[k] ?? 0, 1);
  const firstExtraId = vocab.length - extraTokens.length;
  extraTokens.forEach(({ text, after, count: n, endCount }, k) => {
    // An extra token may follow another one: a chain of them spells text the character bigrams could not.
    const earlier = extraTokens.findIndex((extra, index) => index < k && extra.text === after);
    const prev = earlier >= 0 ? [firstExtraId + earlier] : tokenizeOracleText(after);
    if (prev.length !== 1 || prev[0] === undefined || prev[0] < SPACE_ID) {
      throw new Error(`extra token ${JSON.stringify(text)}: ${JSON.stringify(after)} is not a character with its own token`);
    }
    count(prev[0], firstExtraId + k, n);
    if (endCount !== undefined) count(firstExtraId + k, EOS_ID, endCount);
  });
  return {
    description: 'P(j|i) = (counts[i][j] + alpha) / (sum_k counts[i][k] + alpha * vocab.length), over every vocab token',
    generatorVersion: ORACLE_GENERATOR_VERSION,
    corpusSha256,
    alpha: ORACLE_ALPHA,
    nEmbd: embeddingLength(vocab.length),
    rmsEps: ORACLE_RMS_EPS,
    bos: 1,
    eos: EOS_ID,
    unk: 0,
    fim: { pre: FIRST_FIM_ID, suf: FIRST_FIM_ID + 1, mid: FIRST_FIM_ID + 2, eot: FIRST_FIM_ID + 3 },
    vocab,
    counts,
  };
}

function embeddingLength(vocabSize: number): number {
  return Math.ceil(vocabSize / HEAD_DIM) * HEAD_DIM;
}

/** log P(j|i) for every j, in float64. */
function logProbabilityRow(table: OracleTable, i: number): Float64Array {
  const vocabSize = table.vocab.length;
  const row = table.counts[String(i)] ?? {};
  let total = 0;
  for (const n of Object.values(row)) total += n;
  const denominator = total + table.alpha * vocabSize;
  const out = new Float64Array(vocabSize);
  for (let j = 0; j < vocabSize; j++) out[j] = Math.log(((row[String(j)] ?? 0) + table.alpha) / denominator);
  return out;
}

export interface OracleGgufOptions {
  /** Store token_embd as Q4_0 instead of F32. A one-hot row quantizes exactly, so tests use it to check Q4_0. */
  embeddingType?: GgmlType;
}

export function buildOracleGguf(table: OracleTable, variant: OracleVariant, options: OracleGgufOptions = {}): GgufWriter {
  const withFim = variant !== 'oracle-nofim';
  const vocab = variantVocab(table.vocab, withFim);
  const vocabSize = vocab.length;
  const nEmbd = table.nEmbd;
  const headCount = nEmbd / HEAD_DIM;

  const w = new GgufWriter(32);
  w.setString('general.architecture', 'llama');
  w.setString('general.name', 'Llama Lens oracle (demo bigram model, not a language model)');
  w.setString('general.description', `Exact smoothed character-bigram model (alpha ${table.alpha}) generated by Llama Lens for tests.`);
  w.setUint32('general.file_type', 0); // all F32
  writeLlamaHyperparameters(
    w,
    {
      contextLength: CONTEXT_LENGTH,
      nEmbd,
      nLayer: 1,
      nFf: FEED_FORWARD_LENGTH,
      nHead: headCount,
      nHeadKv: headCount,
      ropeFreqBase: 10000,
      rmsEps: table.rmsEps,
    },
    vocabSize,
  );

  w.setString('tokenizer.ggml.model', 'llama');
  w.setString('tokenizer.ggml.pre', 'default');
  w.setStringArray('tokenizer.ggml.tokens', vocab.map((t) => t.text));
  // No multi-character tokens exist, so scores never decide a merge; normal tokens get a plain value.
  w.setFloat32Array('tokenizer.ggml.scores', vocab.map((t) => (t.type === TokenType.normal ? -1 : 0)));
  w.setInt32Array('tokenizer.ggml.token_type', vocab.map((t) => t.type));
  w.setUint32('tokenizer.ggml.bos_token_id', table.bos);
  w.setUint32('tokenizer.ggml.eos_token_id', table.eos);
  w.setUint32('tokenizer.ggml.unknown_token_id', table.unk);
  w.setBool('tokenizer.ggml.add_bos_token', true);
  w.setBool('tokenizer.ggml.add_eos_token', false);
  w.setBool('tokenizer.ggml.add_space_prefix', false);
  if (withFim) writeFimTokenIds(w, table.fim);
  if (variant === 'oracle-chat') w.setString('tokenizer.chat_template', LLAMA2_CHAT_TEMPLATE);
  w.setFloat32('llama_lens.oracle.alpha', table.alpha);
  w.setString('llama_lens.oracle.corpus_sha256', table.corpusSha256);

  const embedding = new Float32Array(nEmbd * vocabSize);
  for (let i = 0; i < vocabSize; i++) embedding[i * nEmbd + i] = 1;
  const embeddingType = options.embeddingType ?? GgmlType.F32;
  w.addTensor('token_embd.weight', [nEmbd, vocabSize], embeddingType,
    embeddingType === GgmlType.Q4_0 ? () => [quantizeQ4_0(embedding)] : float32Data(embedding));

  addIdentityBlock(w, nEmbd, FEED_FORWARD_LENGTH);

  // Exactly the factor ggml's RMSNorm applies to a one-hot vector (eps is stored as float32).
  const s = 1 / Math.sqrt(1 / nEmbd + Math.fround(table.rmsEps));
  const output = new Float32Array(nEmbd * vocabSize);
  for (let i = 0; i < vocabSize; i++) {
    const logP = logProbabilityRow(table, i);
    for (let j = 0; j < vocabSize; j++) output[j * nEmbd + i] = (logP[j] ?? 0) / s;
  }
  w.addTensor('output.weight', [nEmbd, vocabSize], GgmlType.F32, float32Data(output));
  return w;
}
