// The exact oracle over the real vocabulary: Llama-2's SentencePiece vocabulary plus CodeLlama's 16 tokens (32,016 in
// all), with weights whose next-token distribution a test can compute itself. See DESIGN.md, "An exact oracle over
// the real vocabulary".
//
// How the weights make it exact, at a small width:
// - every token belongs to one state (a designed one, or the default); token_embd's row for it is the one-hot vector
//   of its state, so the residual stream after embedding is e_state;
// - one block whose attention and FFN weights are all zero adds nothing to the residual stream;
// - output_norm (RMSNorm, weights 1) turns e_state into s * e_state with s = 1 / sqrt(1/n_embd + eps);
// - output[j][state] = logit(state, j) / s, so the logits after token i are exactly the state's row, and
//   P(j | i) = exp(logit(state(i), j)) / sum_k exp(logit(state(i), k)), where a token the row does not name has the
//   background logit -((j * 7919) mod 1024) / 1024. Not 0 for all: 32,015 equal terms make float32 sums round the same
//   way every time, so llama.cpp's two sums of them (the probabilities' and the total logit weight's) drifted 0.15%
//   apart, which no real model's logits do; spread out, they agree to about 1e-5.
//
// The states are written as SentencePiece pieces, so the model continues text the way Llama and CodeLlama do: words
// that start with "▁", runs of spaces, <0x0A> newlines, byte-fallback characters, markup, and ▁<EOT> to end.
import { GgmlType, GgufWriter, float32Data, quantizeQ4_0 } from '../gguf/GgufWriter';
import { addIdentityBlock, writeFimTokenIds, writeLlamaHyperparameters, writeSpmTokenizer } from './ggufParts';
import { LLAMA2_CHAT_TEMPLATE } from './oracleModel';
import type { SpmVocab } from './shapeModels';

/** Bumped whenever the generated file would change for the same vocabulary. */
export const SPM_ORACLE_GENERATOR_VERSION = 2;
export const SPM_ORACLE_FILE = 'oracle-spm';
const N_EMBD = 64;
const HEAD_DIM = 64;
const FEED_FORWARD_LENGTH = 64;
const CONTEXT_LENGTH = 4096;
const RMS_EPS = 1e-12;
/** The chosen successor's logit: P ≈ 0.89 against 32,015 tokens at logits in (-1, 0], so greedy decoding never meets a tie. */
const SURE = 12;
/** Spreads the unnamed tokens' logits over (-1, 0]; a modulus of 1024 keeps each logit / 8 exact in float32. */
const BACKGROUND = { multiplier: 7919, modulus: 1024 } as const;
const TOKEN_TYPE_CONTROL = 3;
const TOKEN_TYPE_UNUSED = 5;

/** CodeLlama's added tokens, spelled and numbered as in its tokenizer. */
export const CODELLAMA_TOKENS = { pre: [32007, '▁<PRE>'], suf: [32008, '▁<SUF>'], mid: [32009, '▁<MID>'], eot: [32010, '▁<EOT>'] } as const;
const CODELLAMA_VOCAB_SIZE = 32016;

/** One state: the tokens that lead to it, and the logits it gives (every other token has its background logit). */
export interface SpmOracleState {
  /** What the state stands for, for a reader of the table. */
  note: string;
  from: readonly string[];
  logits: readonly (readonly [string, number])[];
}

/**
 * The designed continuations. A piece belongs to at most one state, so each chain below uses its own pieces.
 * - after "const x" (▁x): " = 5;", the alternatives " += 5;" and the markup `"></script>`;
 * - after "{" or " {": "\n    return 5;" (<0x0A>, a run of spaces, a word);
 * - after ")" and after an empty prefix (▁<MID>): "    // ok", a continuation that starts with a run of spaces;
 * - after `"` (▁"): `🦙";`, an emoji spelled in byte-fallback tokens;
 * - after ".": `鱷();`, a CJK identifier spelled in byte-fallback tokens;
 * - after a chat prompt's "[/INST]" (]): " = 5;".
 */
export const SPM_ORACLE_STATES: readonly SpmOracleState[] = [
  { note: 'default: end the text', from: [], logits: [['▁<EOT>', SURE]] },
  { note: 'after an assignment target', from: ['▁x', ']'], logits: [['▁=', SURE], ['▁+', SURE - 2], ['"></', SURE - 4]] },
  { note: '" =" → " "', from: ['▁=', '='], logits: [['▁', SURE]] },
  { note: '" +" → "="', from: ['▁+'], logits: [['=', SURE]] },
  { note: '" " → "5"', from: ['▁'], logits: [['5', SURE]] },
  { note: '"5" or "()" → ";"', from: ['5', '()'], logits: [[';', SURE]] },
  { note: 'end after a statement', from: [';', '";', '▁ok', '>'], logits: [['▁<EOT>', SURE]] },
  { note: 'block: newline', from: ['{', '▁{'], logits: [['<0x0A>', SURE]] },
  { note: 'newline: indent', from: ['<0x0A>'], logits: [['▁▁▁', SURE]] },
  { note: 'indent: return', from: ['▁▁▁'], logits: [['▁return', SURE]] },
  { note: 'return: a space', from: ['▁return'], logits: [['▁', SURE]] },
  { note: 'a run of four spaces', from: [')', '▁<MID>'], logits: [['▁▁▁▁', SURE]] },
  { note: 'spaces: comment', from: ['▁▁▁▁'], logits: [['//', SURE]] },
  { note: 'comment: " ok"', from: ['//'], logits: [['▁ok', SURE]] },
  { note: 'markup: script', from: ['"></'], logits: [['script', SURE]] },
  { note: 'markup: >', from: ['script'], logits: [['>', SURE]] },
  { note: 'emoji 🦙, byte 1 of 4', from: ['▁"'], logits: [['<0xF0>', SURE]] },
  { note: 'emoji 🦙, byte 2 of 4', from: ['<0xF0>'], logits: [['<0x9F>', SURE]] },
  { note: 'emoji 🦙, byte 3 of 4', from: ['<0x9F>'], logits: [['<0xA6>', SURE]] },
  { note: 'emoji 🦙, byte 4 of 4', from: ['<0xA6>'], logits: [['<0x99>', SURE]] },
  { note: 'after the emoji', from: ['<0x99>'], logits: [['";', SURE]] },
  { note: 'CJK 鱷, byte 1 of 3', from: ['.'], logits: [['<0xE9>', SURE]] },
  { note: 'CJK 鱷, byte 2 of 3', from: ['<0xE9>'], logits: [['<0xB1>', SURE]] },
  { note: 'CJK 鱷, byte 3 of 3', from: ['<0xB1>'], logits: [['<0xB7>', SURE]] },
  { note: 'after the CJK identifier', from: ['<0xB7>'], logits: [['()', SURE]] },
];

/** Everything a test needs to recompute P(j|i) without the engine (written as oracle-spm.table.json). */
export interface SpmOracleTable {
  description: string;
  generatorVersion: number;
  vocabSize: number;
  nEmbd: number;
  rmsEps: number;
  /** logit(j) of a token a state does not name: -((j * multiplier) mod modulus) / modulus. */
  background: { multiplier: number; modulus: number };
  /** Per state: its note, the token ids that lead to it, and {id: logit} for the tokens it names. */
  states: { note: string; from: number[]; logits: Record<string, number> }[];
}

/** CodeLlama's vocabulary: Llama-2's and its 16 added tokens, the four FIM ones as control tokens. */
export function codeLlamaVocab(vocab: SpmVocab): SpmVocab {
  const added = new Map<number, string>(Object.values(CODELLAMA_TOKENS).map(([id, text]) => [id, text]));
  const out = { ...vocab, tokens: [...vocab.tokens], scores: [...vocab.scores], tokenTypes: [...vocab.tokenTypes] };
  for (let id = vocab.tokens.length; id < CODELLAMA_VOCAB_SIZE; id++) {
    const text = added.get(id);
    out.tokens.push(text ?? `▁<PAD${id}>`);
    out.scores.push(0);
    out.tokenTypes.push(text !== undefined ? TOKEN_TYPE_CONTROL : TOKEN_TYPE_UNUSED);
  }
  return out;
}

export function buildSpmOracleTable(vocab: SpmVocab): SpmOracleTable {
  const ids = new Map(vocab.tokens.map((text, id) => [text, id]));
  const idOf = (piece: string): number => {
    const id = ids.get(piece);
    if (id === undefined) throw new Error(`the vocabulary has no piece ${JSON.stringify(piece)}`);
    return id;
  };
  const seen = new Set<number>();
  const states = SPM_ORACLE_STATES.map(({ note, from, logits }) => {
    const fromIds = from.map(idOf);
    for (const id of fromIds) {
      if (seen.has(id)) throw new Error(`piece ${JSON.stringify(vocab.tokens[id])} leads to two states`);
      seen.add(id);
    }
    return { note, from: fromIds, logits: Object.fromEntries(logits.map(([piece, logit]) => [String(idOf(piece)), logit])) };
  });
  return {
    description:
      'state(i) = the state whose `from` holds i, else states[0]; logit(j) = state.logits[j] ?? -((j * background.multiplier) mod background.modulus) / background.modulus; P(j|i) = softmax over all vocabSize tokens',
    generatorVersion: SPM_ORACLE_GENERATOR_VERSION,
    vocabSize: vocab.tokens.length,
    nEmbd: N_EMBD,
    rmsEps: RMS_EPS,
    background: BACKGROUND,
    states,
  };
}

export function buildSpmOracleGguf(vocab: SpmVocab, table: SpmOracleTable): GgufWriter {
  const nVocab = vocab.tokens.length;
  const headCount = N_EMBD / HEAD_DIM;
  const w = new GgufWriter(32);
  w.setString('general.architecture', 'llama');
  w.setString('general.name', 'Llama Lens SPM oracle (demo state model over the CodeLlama vocabulary, not a language model)');
  w.setUint32('general.file_type', 0);
  writeLlamaHyperparameters(
    w,
    {
      contextLength: CONTEXT_LENGTH,
      nEmbd: N_EMBD,
      nLayer: 1,
      nFf: FEED_FORWARD_LENGTH,
      nHead: headCount,
      nHeadKv: headCount,
      ropeFreqBase: 1e6,
      rmsEps: table.rmsEps,
    },
    nVocab,
  );

  writeSpmTokenizer(w, vocab);
  writeFimTokenIds(w, {
    pre: CODELLAMA_TOKENS.pre[0],
    suf: CODELLAMA_TOKENS.suf[0],
    mid: CODELLAMA_TOKENS.mid[0],
    eot: CODELLAMA_TOKENS.eot[0],
  });
  w.setString('tokenizer.chat_template', LLAMA2_CHAT_TEMPLATE);

  addTensors(w, table, nVocab);
  return w;
}

function addTensors(w: GgufWriter, table: SpmOracleTable, nVocab: number): void {
  const stateOf = new Int32Array(nVocab);
  table.states.forEach((state, index) => state.from.forEach((id) => (stateOf[id] = index)));
  const embedding = new Float32Array(N_EMBD * nVocab);
  for (let i = 0; i < nVocab; i++) embedding[i * N_EMBD + (stateOf[i] ?? 0)] = 1;
  // A one-hot row quantizes exactly (scale 1/8, nibble 16 → 8), so Q4_0 keeps the file small and the model exact.
  w.addTensor('token_embd.weight', [N_EMBD, nVocab], GgmlType.Q4_0, () => [quantizeQ4_0(embedding)]);

  addIdentityBlock(w, N_EMBD, FEED_FORWARD_LENGTH);

  // Exactly the factor ggml's RMSNorm applies to a one-hot vector (eps is stored as float32).
  const s = 1 / Math.sqrt(1 / N_EMBD + Math.fround(table.rmsEps));
  const output = new Float32Array(N_EMBD * nVocab);
  const { multiplier, modulus } = table.background;
  for (let j = 0; j < nVocab; j++) {
    const background = -((j * multiplier) % modulus) / modulus / s;
    for (let k = 0; k < table.states.length; k++) output[j * N_EMBD + k] = background;
  }
  table.states.forEach((state, k) => {
    for (const [id, logit] of Object.entries(state.logits)) output[Number(id) * N_EMBD + k] = logit / s;
  });
  w.addTensor('output.weight', [N_EMBD, nVocab], GgmlType.F32, float32Data(output));
}
