// The typed wire between the extension host and the engine child process.
// Every request has an id; the engine answers with exactly one response for it and may send
// progress events before that. The host may cancel a request by id at any time.
import {
  Guard, hasFields, isArrayOf, isBoolean, isFiniteNumber, isNonNegativeInteger, isOneOf, isString,
} from './guards';
import { tokenGuard, type TokenProbability } from './tokenProtocol';
import { CHAT_WRAPPER_SOURCES, isGpuLayers, isGpuSetting, type ChatWrapperSource, type GpuSetting } from './modelProtocol';

// Prompts, model management and binary installs live in their own files; their types are part of this wire too.
export * from './binariesProtocol';
export * from './chatProtocol';
export * from './modelProtocol';
export * from './promptProtocol';
export * from './tokenProtocol';

export interface LoadParams {
  modelPath: string;
  gpu: GpuSetting;
  /** 'auto' lets node-llama-cpp fit as many layers as memory allows. */
  gpuLayers: 'auto' | number;
  /** 0 means "use llama.cpuMathCores". */
  threads: number;
  /** 0 means "the model's training context, capped by memory". */
  contextSize: number;
  /** Speculative decoding by prompt lookup: draft tokens copied from the prompt, checked in one batch. */
  promptLookup: boolean;
  /** Load even when the estimated memory need exceeds what this machine has (the user confirmed it). */
  allowOversize: boolean;
}

export interface ModelInfo {
  name: string;
  filePath: string;
  architecture: string;
  sizeBytes: number;
  trainContextLength: number;
  contextSize: number;
  hasFim: boolean;
  /** The FIM order this model suits: suffix-first for CodeLlama-style `<PRE>` tokens (trained on both orders), else prefix-first. */
  fimLayout: FimLayout;
  hasChatTemplate: boolean;
  /** The node-llama-cpp chat wrapper that prompts use, e.g. "Llama 2 Chat". */
  chatWrapper: string;
  /** Where it came from: the GGUF's chat template, a guess from the file name, or the general fallback. */
  chatWrapperSource: ChatWrapperSource;
  /** 'cpu' or the GPU backend in use. */
  backend: string;
  gpuLayers: number;
  threads: number;
  /** The llama-server's URL when the model runs there; null for the local engine. */
  server: string | null;
}

export const FIM_LAYOUTS = ['spm', 'psm'] as const;
export type FimLayout = (typeof FIM_LAYOUTS)[number];

export interface TokenBudgets {
  prefix: number;
  suffix: number;
  extra: number;
}

export interface CompleteParams {
  prefix: string;
  suffix: string;
  /** Chunks of other files, placed before the prefix; '' for none. */
  extraContext: string;
  budgets: TokenBudgets;
  maxTokens: number;
  /** Stop before the first newline: a mid-line or single-line suggestion. */
  stopAtNewline: boolean;
  layout: FimLayout;
  /** Longest prompt evaluation, in ms (0: no limit). What was evaluated stays in the KV state for the next request. */
  maxPromptMs: number;
  /** Longest generation, in ms (0: no limit); when it runs out, the text so far is the answer. */
  maxGenerationMs: number;
  /** How many different suggestions to return, each starting with another likely first token (1: just the greedy one). */
  alternatives: number;
  /** Record each generated token's probability and the likeliest alternatives (costs a full distribution per token). */
  trace: boolean;
}

export const STOP_REASONS = ['endOfText', 'maxTokens', 'newline', 'cancelled', 'superseded', 'generationBudget', 'promptBudget'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export interface CompleteResult {
  text: string;
  /** Further suggestions, when more than one was asked for; each differs from `text` in its first token. */
  alternatives: string[];
  generatedTokens: number;
  /** Prompt tokens the engine had to evaluate for this request. */
  evaluatedTokens: number;
  /** Prompt tokens served from the sequence's KV state. */
  reusedTokens: number;
  usedFim: boolean;
  stopReason: StopReason;
  /** Tokens generated after the request was cancelled or superseded: the promise is at most one. */
  tokensAfterStop: number;
  /** Draft tokens from prompt lookup that the model confirmed, and those it refuted. */
  predictedTokens: { validated: number; refuted: number };
  promptMs: number;
  generationMs: number;
  durationMs: number;
  /** One step per token of `text`, when asked for. */
  trace: TraceStep[];
}

/** One generated token of a completion, with the likeliest alternatives at that step. */
export interface TraceStep {
  chosen: TokenProbability;
  alternatives: TokenProbability[];
}

export interface DistributionParams {
  /** Text after the BOS token; the distribution is for the token that follows it and `path`. */
  text: string;
  /** Token ids after the text's tokens: a path in the Lens's token tree. */
  path: number[];
  topK: number;
  /** The text ends inside a word: step back over its last token and also list candidates consistent with it. */
  backUpToBoundary: boolean;
}


export interface DistributionResult {
  /** BOS, the text's tokens (less a backed-over one) and the path. */
  contextTokens: number[];
  /** The text of the token stepped back over ('' when none). */
  fragment: string;
  /** The path's tokens decoded together ('' for no path): what "Insert path" writes. */
  pathText: string;
  /** The most likely next tokens, most likely first. */
  top: TokenProbability[];
  /** Tokens whose text continues the fragment or is a start of it, most likely first (empty without a fragment). */
  consistent: TokenProbability[];
  /** Every token's probability, sorted descending, as base64 of float32s: the sampler lab renormalises exactly with it. */
  sortedProbabilities: string;
  entropyBits: number;
  /** Probability of everything outside `top`. */
  tailMass: number;
  /**
   * False where only the top tokens are known (a llama-server): `sortedProbabilities` is then '' and `entropyBits` a
   * lower bound.
   */
  tailKnown: boolean;
  evaluatedTokens: number;
  reusedTokens: number;
}

/**
 * How much a surprisal pass computes per position:
 * - `bits`: each token's probability, exactly, at about the cost of a plain prefill (its logit, the maximum and the
 *   native Σ exp(logit − max)); the rank is known only when the token was the model's first choice;
 * - `full`: also the token's exact rank and the distribution's entropy, from the whole distribution (several times slower).
 */
export const SURPRISAL_DETAILS = ['bits', 'full'] as const;
export type SurprisalDetail = (typeof SURPRISAL_DETAILS)[number];

export interface SurprisalParams {
  /** The whole text to score (after BOS). */
  text: string;
  /** Scores are wanted for the tokens that end after this character offset (0: all); earlier ones the caller has. */
  scoreFrom: number;
  detail: SurprisalDetail;
}

export interface TokenSurprisal {
  /** Character offsets of the token in the text: [start, end). */
  start: number;
  end: number;
  id: number;
  /** −log2 P(token | everything before it). */
  bits: number;
  /** 1 + the number of tokens the model found likelier; null where the pass did not compute it (`bits`, not first). */
  rank: number | null;
  /** Entropy in bits of the distribution the token was drawn from; null unless the pass was `full`. */
  entropyBits: number | null;
}

export interface SurprisalResult {
  tokens: TokenSurprisal[];
  evaluatedTokens: number;
  reusedTokens: number;
  /** Context windows the text was scored in (a text longer than the context takes several). */
  windows: number;
}

export const ENGINE_ERROR_CODES = [
  'badRequest', 'noModel', 'loadFailed', 'tooLarge', 'contextFull', 'downloadFailed', 'cancelled', 'engineDied', 'internal',
] as const;
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export interface EngineError {
  code: EngineErrorCode;
  message: string;
}

export const isLoadParams: Guard<LoadParams> = hasFields<LoadParams>({
  modelPath: (v): v is string => isString(v) && v.length > 0,
  gpu: isGpuSetting,
  gpuLayers: isGpuLayers,
  threads: isNonNegativeInteger,
  contextSize: isNonNegativeInteger,
  promptLookup: isBoolean,
  allowOversize: isBoolean,
});

const isBudget = (v: unknown): v is number => isNonNegativeInteger(v) && v <= 1 << 20;
const isMs = (v: unknown): v is number => isNonNegativeInteger(v) && v <= 600_000;

export const isCompleteParams: Guard<CompleteParams> = hasFields<CompleteParams>({
  prefix: isString,
  suffix: isString,
  extraContext: isString,
  budgets: hasFields<TokenBudgets>({ prefix: isBudget, suffix: isBudget, extra: isBudget }),
  maxTokens: (v): v is number => isNonNegativeInteger(v) && v > 0 && v <= 4096,
  stopAtNewline: isBoolean,
  layout: isOneOf(FIM_LAYOUTS),
  maxPromptMs: isMs,
  maxGenerationMs: isMs,
  alternatives: (v): v is number => isNonNegativeInteger(v) && v >= 1 && v <= 8,
  trace: isBoolean,
});

export const isDistributionParams: Guard<DistributionParams> = hasFields<DistributionParams>({
  text: isString,
  path: (v): v is number[] => isArrayOf(isNonNegativeInteger)(v) && v.length <= 64,
  topK: (v): v is number => isNonNegativeInteger(v) && v > 0 && v <= 1000,
  backUpToBoundary: isBoolean,
});

export const isSurprisalParams: Guard<SurprisalParams> = hasFields<SurprisalParams>({
  text: isString,
  scoreFrom: isNonNegativeInteger,
  detail: isOneOf(SURPRISAL_DETAILS),
});

export const isModelInfo: Guard<ModelInfo> = hasFields<ModelInfo>({
  name: isString,
  filePath: isString,
  architecture: isString,
  sizeBytes: isFiniteNumber,
  trainContextLength: isFiniteNumber,
  contextSize: isFiniteNumber,
  hasFim: isBoolean,
  fimLayout: isOneOf(FIM_LAYOUTS),
  hasChatTemplate: isBoolean,
  chatWrapper: isString,
  chatWrapperSource: isOneOf(CHAT_WRAPPER_SOURCES),
  backend: isString,
  gpuLayers: isFiniteNumber,
  threads: isFiniteNumber,
  server: (v): v is string | null => v === null || isString(v),
});

export const isCompleteResult: Guard<CompleteResult> = hasFields<CompleteResult>({
  text: isString,
  alternatives: isArrayOf(isString),
  generatedTokens: isNonNegativeInteger,
  evaluatedTokens: isNonNegativeInteger,
  reusedTokens: isNonNegativeInteger,
  usedFim: isBoolean,
  stopReason: isOneOf(STOP_REASONS),
  tokensAfterStop: isNonNegativeInteger,
  predictedTokens: hasFields<{ validated: number; refuted: number }>({ validated: isNonNegativeInteger, refuted: isNonNegativeInteger }),
  promptMs: isFiniteNumber,
  generationMs: isFiniteNumber,
  durationMs: isFiniteNumber,
  trace: (v): v is TraceStep[] => isArrayOf(isTraceStep)(v),
});

function isTraceStep(value: unknown): value is TraceStep {
  return hasFields<TraceStep>({ chosen: isTokenProbability, alternatives: isArrayOf(isTokenProbability) })(value);
}

const isTokenProbability = tokenGuard(isFiniteNumber);
export const isDistributionResult: Guard<DistributionResult> = hasFields<DistributionResult>({
  contextTokens: isArrayOf(isNonNegativeInteger),
  fragment: isString,
  pathText: isString,
  top: isArrayOf(isTokenProbability),
  consistent: isArrayOf(isTokenProbability),
  sortedProbabilities: isString,
  entropyBits: isFiniteNumber,
  tailMass: isFiniteNumber,
  tailKnown: isBoolean,
  evaluatedTokens: isNonNegativeInteger,
  reusedTokens: isNonNegativeInteger,
});

const isBits = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const isTokenSurprisal = hasFields<TokenSurprisal>({
  start: isNonNegativeInteger, end: isNonNegativeInteger, id: isNonNegativeInteger, bits: isBits,
  rank: (v): v is number | null => v === null || (isNonNegativeInteger(v) && v >= 1),
  entropyBits: (v): v is number | null => v === null || isBits(v),
});
export const isSurprisalResult: Guard<SurprisalResult> = hasFields<SurprisalResult>({
  tokens: isArrayOf(isTokenSurprisal),
  evaluatedTokens: isNonNegativeInteger,
  reusedTokens: isNonNegativeInteger,
  windows: isNonNegativeInteger,
});
