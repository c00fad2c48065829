// The closed form of the oracle over the real vocabulary (oracle-spm.gguf), for tests. It is re-derived from the
// table alone (oracle-spm.table.json) and deliberately does not import the generator
// (scripts/lib/models/spmOracleModel.ts), so a bug there cannot hide itself in the expectations.
//
//   state(i) = the state whose `from` lists i, else states[0];   logit(j) = state.logits[j] ?? 0
//   P(j | i) = exp(logit(j)) / sum over all vocabSize tokens k of exp(logit(k))
import { readFileSync } from 'node:fs';
import { generatedModelPath } from './oracle';

export interface SpmOracleTable {
  vocabSize: number;
  states: { note: string; from: number[]; logits: Record<string, number> }[];
}

/** CodeLlama's ids for its infilling tokens, which the generated vocabulary keeps. */
export const CODELLAMA_FIM_IDS = { pre: 32007, suf: 32008, mid: 32009, eot: 32010 } as const;
export const SPM_ORACLE_MODEL = 'oracle-spm.gguf';

/**
 * The engine's softmax adds 32,016 terms in float32: its probabilities sum to about 0.9987 (measured), so they match
 * the closed form to this relative tolerance, and ratios of two probabilities to far better.
 */
export const SPM_RELATIVE_TOLERANCE = 3e-3;

export function loadSpmOracleTable(): SpmOracleTable {
  return JSON.parse(readFileSync(generatedModelPath('oracle-spm.table.json'), 'utf8')) as SpmOracleTable;
}

function stateOf(table: SpmOracleTable, prevId: number): SpmOracleTable['states'][number] {
  const state = table.states.find(({ from }) => from.includes(prevId)) ?? table.states[0];
  if (state === undefined) throw new Error('the oracle table has no states');
  return state;
}

/** P(· | prevId) over the whole vocabulary, in float64. */
export function spmNextTokenDistribution(table: SpmOracleTable, prevId: number): Float64Array {
  const { logits } = stateOf(table, prevId);
  const named = Object.entries(logits);
  const z = table.vocabSize - named.length + named.reduce((sum, [, logit]) => sum + Math.exp(logit), 0);
  const distribution = new Float64Array(table.vocabSize).fill(1 / z);
  for (const [id, logit] of named) distribution[Number(id)] = Math.exp(logit) / z;
  return distribution;
}

/** The most likely token after prevId (every state has one token above all others, so there are no ties). */
export function spmArgmax(table: SpmOracleTable, prevId: number): number {
  const named = Object.entries(stateOf(table, prevId).logits).sort(([, a], [, b]) => b - a);
  const [best, second] = named;
  if (best === undefined || best[1] <= 0 || (second !== undefined && second[1] === best[1])) throw new Error(`no single most likely token after ${prevId}`);
  return Number(best[0]);
}

/** Greedy decoding after `lastTokenId` until an end token (BOS's EOS, or CodeLlama's ▁<EOT>) or maxTokens. */
export function spmGreedyTokens(table: SpmOracleTable, lastTokenId: number, maxTokens: number, endIds: readonly number[] = [2, CODELLAMA_FIM_IDS.eot]): number[] {
  const ids: number[] = [];
  let prev = lastTokenId;
  while (ids.length < maxTokens) {
    const next = spmArgmax(table, prev);
    if (endIds.includes(next)) break;
    ids.push(next);
    prev = next;
  }
  return ids;
}

/** |actual - expected| within the float32 softmax's relative error. */
export function closeToClosedForm(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= SPM_RELATIVE_TOLERANCE * expected + 1e-9;
}
