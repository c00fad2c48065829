// The oracle models' closed form, for tests. It is re-derived from a table (oracle.table.json, oracle-words.table.json,
// oracle-xss.table.json) alone and deliberately does not import the generator (scripts/lib/models/oracleModel.ts),
// so a bug there cannot hide itself in the expectations.
//
//   P(j | i) = (c(i,j) + alpha) / (sum_k c(i,k) + alpha * V), over all V vocabulary tokens.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface OracleTableVocabEntry {
  id: number;
  text: string;
  type: number;
}

export interface OracleTable {
  alpha: number;
  bos: number;
  eos: number;
  unk: number;
  fim: { pre: number; suf: number; mid: number; eot: number };
  vocab: OracleTableVocabEntry[];
  counts: Record<string, Record<string, number>>;
}

const SPACE_PIECE = '\u2581';
const BYTE_TOKEN = /^<0x([0-9A-F]{2})>$/;
const TOKEN_TYPE_BYTE = 6;
const TOKEN_TYPE_NORMAL = 1;

/** The folder generateModels writes to: `.cache/models` in the repository (found from the cwd or this file). */
export function generatedModelsDir(): string {
  for (const start of [process.cwd(), __dirname]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const pkg = join(dir, 'package.json');
      if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'llama-lens') {
        return join(dir, '.cache', 'models');
      }
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('cannot find the llama-lens repository root');
}

/** A generated model's path; throws with the command to run when it has not been generated yet. */
export function generatedModelPath(fileName: string): string {
  const path = join(generatedModelsDir(), fileName);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`node esbuild.config.mjs && node out/scripts/generateModels.js\``);
  return path;
}

export function loadOracleTable(path: string = generatedModelPath('oracle.table.json')): OracleTable {
  const table = JSON.parse(readFileSync(path, 'utf8')) as OracleTable;
  table.vocab.forEach((entry, index) => {
    if (entry.id !== index) throw new Error(`oracle table: vocab[${index}] has id ${entry.id}`);
  });
  return table;
}

/**
 * Lookups derived from the vocabulary: which token is ▁, each printable character, each byte. Longer normal tokens
 * (oracle-xss's extra ones) are never produced by the tokenizer, so they are only predicted, never looked up.
 */
interface VocabIndex {
  space: number;
  byChar: Map<string, number>;
  byByte: Map<number, number>;
}
const indexCache = new WeakMap<OracleTable, VocabIndex>();

function vocabIndex(table: OracleTable): VocabIndex {
  let index = indexCache.get(table);
  if (index) return index;
  index = { space: -1, byChar: new Map(), byByte: new Map() };
  for (const { id, text, type } of table.vocab) {
    const byte = BYTE_TOKEN.exec(text);
    if (type === TOKEN_TYPE_BYTE && byte) index.byByte.set(parseInt(byte[1] ?? '', 16), id);
    else if (type === TOKEN_TYPE_NORMAL && text === SPACE_PIECE) index.space = id;
    else if (type === TOKEN_TYPE_NORMAL && [...text].length === 1) index.byChar.set(text, id);
  }
  indexCache.set(table, index);
  return index;
}

/** space → ▁, a character with its own token → that token, anything else → its UTF-8 bytes' tokens. No BOS. */
export function tokenizeLikeOracle(table: OracleTable, text: string): number[] {
  const index = vocabIndex(table);
  const ids: number[] = [];
  for (const char of text) {
    const own = char === ' ' ? index.space : index.byChar.get(char);
    if (own !== undefined && own >= 0) {
      ids.push(own);
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) {
      const id = index.byByte.get(byte);
      if (id === undefined) throw new Error(`oracle vocab has no byte token for 0x${byte.toString(16)}`);
      ids.push(id);
    }
  }
  return ids;
}

/** Text of token ids; control tokens (BOS, FIM, ...) give nothing unless `specialTokens` is set. */
export function detokenizeOracle(table: OracleTable, ids: readonly number[], { specialTokens = false } = {}): string {
  const bytes: number[] = [];
  for (const id of ids) {
    const entry = table.vocab[id];
    if (entry === undefined) throw new Error(`token id ${id} is outside the oracle vocab`);
    const byte = BYTE_TOKEN.exec(entry.text);
    if (entry.type === TOKEN_TYPE_BYTE && byte) bytes.push(parseInt(byte[1] ?? '', 16));
    else if (entry.type === TOKEN_TYPE_NORMAL) bytes.push(...Buffer.from(entry.text.replaceAll(SPACE_PIECE, ' '), 'utf8'));
    else if (specialTokens) bytes.push(...Buffer.from(entry.text, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The id of the token whose text (as detokenized, spaces as spaces) is exactly `text`; throws when there is none. */
export function oracleTokenWithText(table: OracleTable, text: string): number {
  const entry = table.vocab.find(({ id, type }) => type === TOKEN_TYPE_NORMAL && detokenizeOracle(table, [id]) === text);
  if (entry === undefined) throw new Error(`the oracle vocab has no token ${JSON.stringify(text)}`);
  return entry.id;
}

/** P(· | prevId) over the whole vocabulary. */
export function nextTokenDistribution(table: OracleTable, prevId: number): Float64Array {
  const vocabSize = table.vocab.length;
  if (!(prevId >= 0 && prevId < vocabSize)) throw new Error(`token id ${prevId} is outside the oracle vocab`);
  const row = table.counts[String(prevId)] ?? {};
  let total = 0;
  for (const n of Object.values(row)) total += n;
  const denominator = total + table.alpha * vocabSize;
  const distribution = new Float64Array(vocabSize);
  for (let j = 0; j < vocabSize; j++) distribution[j] = ((row[String(j)] ?? 0) + table.alpha) / denominator;
  return distribution;
}

/** Closer than this, two probabilities count as a tie (the engine computes in float32). */
export const TIE_EPSILON = 1e-9;

export class OracleTieError extends Error {
  constructor(readonly prevId: number, readonly tiedIds: [number, number]) {
    super(`greedy step after token ${prevId} is a tie between tokens ${tiedIds[0]} and ${tiedIds[1]}; pick another context`);
  }
}

/** The most likely next token; throws OracleTieError when the top two are within TIE_EPSILON. */
export function argmaxNextToken(table: OracleTable, prevId: number): number {
  const distribution = nextTokenDistribution(table, prevId);
  let best = -1;
  let second = -1;
  for (let j = 0; j < distribution.length; j++) {
    const p = distribution[j] ?? 0;
    if (best < 0 || p > (distribution[best] ?? 0)) {
      second = best;
      best = j;
    } else if (second < 0 || p > (distribution[second] ?? 0)) second = j;
  }
  if (second >= 0 && (distribution[best] ?? 0) - (distribution[second] ?? 0) < TIE_EPSILON) {
    throw new OracleTieError(prevId, [best, second]);
  }
  return best;
}

export interface GreedyOptions {
  maxTokens: number;
  /** Stop before the first newline; the newline is not part of the result. */
  stopAtNewline?: boolean;
}

/** Token ids greedy (temperature 0) decoding picks after `lastTokenId`; stops early at EOS/EOT. */
export function greedyContinuationTokens(table: OracleTable, lastTokenId: number, options: GreedyOptions): number[] {
  const newline = vocabIndex(table).byByte.get(0x0a);
  const ids: number[] = [];
  let prev = lastTokenId;
  while (ids.length < options.maxTokens) {
    const next = argmaxNextToken(table, prev);
    if (next === table.eos || next === table.fim.eot) break;
    if (options.stopAtNewline && next === newline) break;
    ids.push(next);
    prev = next;
  }
  return ids;
}

/** The text greedy decoding produces after `lastTokenId` (see greedyContinuationTokens). */
export function greedyContinuation(table: OracleTable, lastTokenId: number, options: GreedyOptions): string {
  return detokenizeOracle(table, greedyContinuationTokens(table, lastTokenId, options));
}

/** The oracle token a text ends with: the bigram model's next token depends on it alone. */
export function lastOracleToken(table: OracleTable, text: string): number {
  const tokens = tokenizeLikeOracle(table, text);
  const last = tokens[tokens.length - 1];
  if (last === undefined) throw new Error('empty context');
  return last;
}

/** Each token of `text` (after BOS) with its closed-form surprisal, −log2 P(token | the token before it). */
export function closedFormSurprisal(table: OracleTable, text: string): { id: number; bits: number }[] {
  const ids = tokenizeLikeOracle(table, text);
  return ids.map((id, index) => ({
    id,
    bits: -Math.log2(nextTokenDistribution(table, index === 0 ? table.bos : (ids[index - 1] ?? -1))[id] ?? NaN),
  }));
}

/** 1 + the number of tokens strictly likelier than `id`: tied tokens share the better rank, as the engine counts. */
export function closedFormRank(distribution: ArrayLike<number>, id: number): number {
  const own = distribution[id] ?? NaN;
  let likelier = 0;
  for (let j = 0; j < distribution.length; j++) if ((distribution[j] ?? 0) > own) likelier++;
  return 1 + likelier;
}

/** Entropy in bits of a distribution. */
export function entropyBitsOf(distribution: ArrayLike<number>): number {
  let entropy = 0;
  for (let j = 0; j < distribution.length; j++) {
    const p = distribution[j] ?? 0;
    if (p > 0) entropy -= p * Math.log2(p);
  }
  return entropy;
}

export interface ClosedFormScore {
  id: number;
  bits: number;
  rank: number;
  /** Entropy of the distribution the token was drawn from. */
  entropyBits: number;
}

/** Each token of `text` (after BOS) with its closed-form surprisal, rank and the entropy where it stands. */
export function closedFormScores(table: OracleTable, text: string): ClosedFormScore[] {
  const ids = tokenizeLikeOracle(table, text);
  return ids.map((id, index) => {
    const distribution = nextTokenDistribution(table, index === 0 ? table.bos : ids[index - 1] ?? -1);
    return {
      id,
      bits: -Math.log2(distribution[id] ?? NaN),
      rank: closedFormRank(distribution, id),
      entropyBits: entropyBitsOf(distribution),
    };
  });
}
