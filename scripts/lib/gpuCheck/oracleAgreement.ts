// The Lens's values on the exact-oracle models, computed on the backend under test and on the CPU: the same
// distribution queries and the same heatmap pass on both, every probability compared. The oracle's values are known
// in closed form (the engine tests check the CPU against it), so agreeing with the CPU means being right.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DistributionResult, GpuSetting, ModelInfo, SurprisalResult } from '../../../src/protocol/engineProtocol';
import { TYPING_SOURCES } from '../bench/completionStrategies';
import { backendLoad, withEngine } from '../bench/engineRuns';
import { type Agreement, compareDistributions, compareSurprisal, mergeAgreements } from './compareDistributions';

/** Small enough to carry, and generated on the device anyway: the char-level oracle and the real-vocabulary one. */
export const ORACLE_FILES = ['oracle.gguf', 'oracle-spm.gguf'] as const;
export const AGREEMENT_TOLERANCE = 1e-4;

/** Texts the Lens is asked about: code, an open block, markup (the SPM oracle has designed states for each). */
const QUERY_TEXTS = ['const x', 'function add(a, b) {\n  return a', 'if (ready) {', 'const html = "<div class="x"></script>'];
/** The largest top-k the protocol allows: every token of the char-level oracle, the head of the real vocabulary. */
const TOP_K = 1000;

interface Answers {
  info: ModelInfo;
  distributions: DistributionResult[];
  surprisal: SurprisalResult;
}

export interface OracleCheck {
  model: string;
  backend: string;
  gpuLayers: number;
  agreement: Agreement;
  pass: boolean;
}

export async function checkOracleAgreement(root: string, file: string, gpu: GpuSetting): Promise<OracleCheck> {
  const modelPath = join(root, '.cache', 'models', file);
  const surprisalText = readFileSync(join(root, TYPING_SOURCES[0] ?? ''), 'utf8').slice(0, 1200);
  console.log(`  ${file} on the CPU (reference)`);
  const reference = await answersOn(root, modelPath, 'cpu', surprisalText);
  // The path query follows the reference's likeliest token after the first text, on both backends.
  const pathToken = reference.distributions[0]?.top[0]?.id;
  console.log(`  ${file} on ${gpu}`);
  const candidate = await answersOn(root, modelPath, gpu, surprisalText, pathToken);
  const parts = reference.distributions.map((answer, index) => ({
    label: `distribution ${index + 1}`,
    agreement: candidate.distributions[index] ? compareDistributions(answer, candidate.distributions[index], AGREEMENT_TOLERANCE)
      : { compared: 0, maxAbsDifference: Infinity, problems: ['no answer from the backend under test'] },
  }));
  parts.push({
    label: 'heatmap',
    agreement: compareSurprisal(reference.surprisal.tokens, candidate.surprisal.tokens, AGREEMENT_TOLERANCE),
  });
  const agreement = mergeAgreements(parts);
  return {
    model: file,
    backend: candidate.info.backend,
    gpuLayers: candidate.info.gpuLayers,
    agreement,
    pass: agreement.problems.length === 0 && agreement.compared > 0,
  };
}

async function answersOn(root: string, modelPath: string, gpu: GpuSetting, surprisalText: string, pathToken?: number): Promise<Answers> {
  return withEngine(root, backendLoad(modelPath, gpu, false), async (client, info) => {
    const distributions: DistributionResult[] = [];
    for (const text of QUERY_TEXTS)
      distributions.push(await client.request('distribution', { text, path: [], topK: TOP_K, backUpToBoundary: false }));
    const path = pathToken ?? distributions[0]?.top[0]?.id;
    if (path !== undefined) {
      distributions.push(
        await client.request('distribution', { text: QUERY_TEXTS[0] ?? '', path: [path], topK: TOP_K, backUpToBoundary: false }),
      );
    }
    const surprisal = await client.request('surprisal', { text: surprisalText, scoreFrom: 0, detail: 'bits' });
    return { info, distributions, surprisal };
  });
}
