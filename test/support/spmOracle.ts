// The closed form of the oracle over the real vocabulary (oracle-spm.gguf), for tests. It is re-derived from the
// table alone (oracle-spm.table.json) and deliberately does not import the generator
// (scripts/lib/models/spmOracleModel.ts), so a bug there cannot hide itself in the expectations.
//
//   state(i) = the state whose `from` lists i, else states[0]
//   logit(j) = state.logits[j] ?? -((j * background.multiplier) mod background.modulus) / background.modulus
//   P(j | i) = exp(logit(j)) / sum over all vocabSize tokens k of exp(logit(k))
import { readFileSync } from 'node:fs';
import { generatedModelPath } from './oracle';

export interface SpmOracleTable {
  vocabSize: number;
  background: { multiplier: number; modulus: number };
  states: { note: string; from: number[]; logits: Record<string, number> }[];
}

/** CodeLlama's ids for its infilling tokens, which the generated vocabulary keeps. */
export const CODELLAMA_FIM_IDS = { pre: 32007, suf: 32008, mid: 32009, eot: 32010 } as const;
export const SPM_ORACLE_MODEL = 'oracle-spm.gguf';

/**
 * llama.cpp adds the 32,016 softmax terms in float32. With the background logits spread out (see the generator), its
 * rounding errors do not pile up the same way, and the probabilities match the closed form to this relative tolerance
 * (with every background logit at 0 they summed to 0.9987 and needed 3e-3).
 */
export const SPM_RELATIVE_TOLERANCE = 1e-4;

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
  const { multiplier, modulus } = table.background;
  const weights = new Float64Array(table.vocabSize);
  let z = 0;
  for (let j = 0; j < table.vocabSize; j++) {
    const logit = logits[String(j)] ?? -((j * multiplier) % modulus) / modulus;
    weights[j] = Math.exp(logit);
    z += weights[j] ?? 0;
  }
  return weights.map((weight) => weight / z);
}

/** The most likely token after prevId (every state has one token above all others, so there are no ties). */
export function spmArgmax(table: SpmOracleTable, prevId: number): number {
  const named = Object.entries(stateOf(table, prevId).logits).sort(([, a], [, b]) => b - a);
  const [best, second] = named;
  if (best === undefined || best[1] <= 0 || (second !== undefined && second[1] === best[1])) {
    throw new Error(`no single most likely token after ${prevId}`);
  }
  return Number(best[0]);
}

/** Greedy decoding after `lastTokenId` until an end token (BOS's EOS, or CodeLlama's ▁<EOT>) or maxTokens. */
export function spmGreedyTokens(
  table: SpmOracleTable,
  lastTokenId: number,
  maxTokens: number,
  endIds: readonly number[] = [2, CODELLAMA_FIM_IDS.eot],
): number[] {
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
