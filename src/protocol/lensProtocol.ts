// The typed wire between the extension host and the Lens webview. The webview says `ready`
// before the host sends anything; every message is validated on receipt, on both sides.
import {
  Guard, hasFields, isArrayOf, isBoolean, isFiniteNumber, isNonNegativeInteger, isOneOf, isRecord, isString,
} from './guards';
import { admitWebviewMessage } from './webviewGate';
import type { TraceStep } from './engineProtocol';
import { tokenGuard, type TokenProbability } from './tokenProtocol';

/** Most tokens in a tree path: deeper paths are refused on both sides. */
export const MAX_PATH_TOKENS = 32;
/** Largest message a webview may send, in characters of JSON: anything bigger is dropped unread. */
export const MAX_WEBVIEW_MESSAGE_CHARS = 16_384;

/** A token and its probability. Its text is raw: the webview shows it as text, never as HTML. */
export type LensToken = TokenProbability;
export type { TraceStep };

/** The next-token distribution at a place: the cursor, or a node of the tree. */
export interface LensDistribution {
  /** Token ids after the cursor's context that lead here; [] at the cursor. */
  path: number[];
  /** The half-typed word the cursor is in ('' when none): `consistent` continues it. */
  fragment: string;
  top: LensToken[];
  consistent: LensToken[];
  /** Every probability, sorted descending, base64 float32 (see core/lens/distributionMath). */
  sortedProbabilities: string;
  entropyBits: number;
  tailMass: number;
  /** False where only the top tokens are known (a llama-server): the entropy is then a lower bound. */
  tailKnown: boolean;
}

export interface CursorInfo {
  file: string;
  line: number;
  character: number;
}

export interface SurprisingLine {
  line: number;
  /** Mean surprisal of the line's tokens, in bits. */
  bits: number;
  text: string;
}

/** What the heatmap colours by (src/core/lens/heatmapModes.ts). */
export const HEATMAP_MODES = ['surprisal', 'rank', 'entropy'] as const;
export type HeatmapMode = (typeof HEATMAP_MODES)[number];
export const isHeatmapMode = isOneOf(HEATMAP_MODES);

/** The figures of a scored file (src/core/lens/fileFigures.ts computes them). */
export interface FileFigures {
  tokens: number;
  /** Bits per token: mean −log2 P over the tokens with a finite surprisal. */
  meanBits: number;
  /** 2^meanBits: the number of equally likely choices that would be as surprising. */
  perplexity: number;
  /** Tokens that were the model's first choice (rank 1). */
  top1: number;
  /** Tokens of rank 10 or better; null when some rank is unknown (surprisal's fast pass). */
  top10: number | null;
  /** Mean entropy (bits) of the distributions the tokens were drawn from; null when not computed. */
  meanEntropyBits: number | null;
}

export interface HeatmapSummary extends FileFigures {
  file: string;
  /** The mode the editor is coloured in. */
  mode: HeatmapMode;
  /** A mode being scored for (a slower pass), or null. */
  pendingMode: HeatmapMode | null;
  lines: SurprisingLine[];
}

/**
 * How the user set the Lens up: kept by the host (workspace state), so that it outlives a window reload, which the
 * webview's own saved state does not always survive.
 */
export interface LensPreferences {
  barScale: 'linear' | 'log';
  /** The sections the user collapsed, by name (their data-section). */
  collapsed: string[];
}

/** Most sections a preference may name: there are fewer; more is not ours. */
const MAX_SECTIONS = 16;
const isSectionName = (v: unknown): v is string => isString(v) && /^[a-z][a-z-]{0,39}$/.test(v);
export const isBarScale = isOneOf(['linear', 'log'] as const);
export const isSectionList: Guard<string[]> = (v): v is string[] => isArrayOf(isSectionName)(v) && v.length <= MAX_SECTIONS;
export const isLensPreferences = hasFields<LensPreferences>({ barScale: isBarScale, collapsed: isSectionList });

export type HostToLens =
  /** `queryId` names the cursor query; children carry the id of the query their path hangs from. */
  | { kind: 'cursor'; cursor: CursorInfo; distribution: LensDistribution; queryId: number }
  | { kind: 'children'; distribution: LensDistribution; queryId: number }
  | { kind: 'trace'; text: string; steps: TraceStep[] }
  | { kind: 'heatmap'; summary: HeatmapSummary | null }
  | { kind: 'status'; message: string; busy: boolean }
  | { kind: 'preferences'; preferences: LensPreferences };

export type LensToHost =
  | { kind: 'ready' }
  | { kind: 'expand'; path: number[] }
  | { kind: 'insertPath'; path: number[] }
  | { kind: 'revealLine'; line: number }
  | { kind: 'heatmapMode'; mode: HeatmapMode }
  | { kind: 'preferences'; preferences: LensPreferences }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string };

const isPath: Guard<number[]> = (v): v is number[] => isArrayOf(isNonNegativeInteger)(v) && v.length <= MAX_PATH_TOKENS;
const isProbability = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && v <= 1;
export const isLensToken: Guard<LensToken> = tokenGuard(isProbability);

export const isLensDistribution: Guard<LensDistribution> = hasFields<LensDistribution>({
  path: isPath, fragment: isString, top: isArrayOf(isLensToken), consistent: isArrayOf(isLensToken),
  sortedProbabilities: isString, entropyBits: isFiniteNumber, tailMass: isFiniteNumber, tailKnown: isBoolean,
});

const isCursorInfo = hasFields<CursorInfo>({ file: isString, line: isNonNegativeInteger, character: isNonNegativeInteger });
const isTraceStep = hasFields<TraceStep>({ chosen: isLensToken, alternatives: isArrayOf(isLensToken) });
const isSurprisingLine = hasFields<SurprisingLine>({ line: isNonNegativeInteger, bits: isFiniteNumber, text: isString });
const isCountOrNull = (v: unknown): v is number | null => v === null || isNonNegativeInteger(v);
const isHeatmapSummary = hasFields<HeatmapSummary>({
  file: isString, mode: isHeatmapMode, pendingMode: (v): v is HeatmapMode | null => v === null || isHeatmapMode(v),
  tokens: isNonNegativeInteger, meanBits: isFiniteNumber, perplexity: isFiniteNumber, top1: isNonNegativeInteger, top10: isCountOrNull,
  meanEntropyBits: (v): v is number | null => v === null || isFiniteNumber(v), lines: isArrayOf(isSurprisingLine),
});

/** Run by the webview on every message from the host. */
export function isHostToLens(value: unknown): value is HostToLens {
  if (!isRecord(value)) return false;
  switch (value.kind) {
    case 'cursor':
      return isCursorInfo(value.cursor) && isLensDistribution(value.distribution) && isNonNegativeInteger(value.queryId);
    case 'children':
      return isLensDistribution(value.distribution) && isNonNegativeInteger(value.queryId);
    case 'trace':
      return isString(value.text) && isArrayOf(isTraceStep)(value.steps);
    case 'heatmap':
      return value.summary === null || isHeatmapSummary(value.summary);
    case 'status':
      return isString(value.message) && isBoolean(value.busy);
    case 'preferences':
      return isLensPreferences(value.preferences);
    default:
      return false;
  }
}

/** Run by the host on every message from the webview, which is not trusted. */
export function isLensToHost(value: unknown): value is LensToHost {
  if (!isRecord(value)) return false;
  switch (value.kind) {
    case 'ready':
      return true;
    case 'expand':
    case 'insertPath':
      return isPath(value.path);
    case 'revealLine':
      return isNonNegativeInteger(value.line);
    case 'heatmapMode':
      return isHeatmapMode(value.mode);
    case 'preferences':
      return isLensPreferences(value.preferences);
    case 'log':
      return isOneOf(['info', 'warn', 'error'] as const)(value.level) && isString(value.message) && value.message.length <= 2000;
    default:
      return false;
  }
}

/** The host's gate for every message from the Lens webview (see admitWebviewMessage). */
export function admitLensMessage(raw: unknown, warn: (message: string) => void): LensToHost | undefined {
  return admitWebviewMessage(raw, isLensToHost, MAX_WEBVIEW_MESSAGE_CHARS, 'Lens', warn);
}
