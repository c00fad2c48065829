// What the Lens keeps through vscode.setState, so hiding and showing the view restores it. Pure (no DOM).
// Saved state comes from an earlier run (maybe an older build), so it is validated like a message:
// each part that fails its check falls back to its default, and the rest is kept.
import {
  isBarScale, isHostToLens, isLensDistribution, isLensToHost, isSectionList, type HeatmapSummary, type HostToLens,
} from '../../protocol/lensProtocol';
import { hasFields, isArrayOf, isFiniteNumber, isNonNegativeInteger, isRecord } from '../../protocol/guards';
import type { BarScale } from '../../core/lens/barScale';
import {
  NEUTRAL_SAMPLER, normaliseSamplerSettings, type SamplerSettings,
} from '../../core/lens/distributionMath';
import { EMPTY_TREE, type TreeState } from './tree';
import { clampToSlider, SLIDERS } from './samplerModel';

export type CursorMessage = Extract<HostToLens, { kind: 'cursor' }>;
export type TraceMessage = Extract<HostToLens, { kind: 'trace' }>;

/** Bumped when the shape changes: older saved state is then ignored rather than misread. */
const STATE_VERSION = 1;

export interface LensViewState {
  version: typeof STATE_VERSION;
  settings: SamplerSettings;
  cursor: CursorMessage | null;
  tree: TreeState;
  trace: TraceMessage | null;
  /** The trace step whose alternatives are listed. */
  selectedStep: number | null;
  heatmap: HeatmapSummary | null;
  /** The top list's bar scale. Added within version 1: a state saved before it restores as linear. */
  barScale: BarScale;
  /** The sections the user collapsed, by name (data-section). Added within version 1: before it, none. */
  collapsed: string[];
}


export const INITIAL_STATE: LensViewState = Object.freeze({
  version: STATE_VERSION, settings: { ...NEUTRAL_SAMPLER }, cursor: null, tree: EMPTY_TREE,
  trace: null, selectedStep: null, heatmap: null, barScale: 'linear', collapsed: [],
});


const isSettings = hasFields<SamplerSettings>({
  temperature: isFiniteNumber, topK: isFiniteNumber, topP: isFiniteNumber, minP: isFiniteNumber,
});

/** Settings the samplers accept and the sliders can show. */
export function sanitiseSettings(settings: SamplerSettings): SamplerSettings {
  const normal = normaliseSamplerSettings(settings);
  const clamped = { ...normal };
  for (const spec of SLIDERS) clamped[spec.key] = clampToSlider(spec, normal[spec.key]);
  return clamped;
}

// The message guards are reused for the saved copies of messages, so the two checks cannot drift apart.
function asMessage<K extends HostToLens['kind']>(kind: K, value: unknown): Extract<HostToLens, { kind: K }> | null {
  return isRecord(value) && value.kind === kind && isHostToLens(value) ? (value as Extract<HostToLens, { kind: K }>) : null;
}

function restoreTree(value: unknown, cursor: CursorMessage | null): TreeState | null {
  // Without the cursor's distribution there is nothing to hang the tree on.
  if (cursor === null) return EMPTY_TREE;
  if (!isRecord(value)) return null;
  const { nodes, pending } = value;
  const isNodeList = isArrayOf((node: unknown): node is TreeState['nodes'][number] => isLensDistribution(node));
  // Requests in flight are kept: the page asks for them again once it is ready (see LensApp.start).
  const isPathList = isArrayOf((path: unknown): path is number[] => isLensToHost({ kind: 'expand', path }));
  return isNodeList(nodes) && isPathList(pending) ? { nodes, pending } : null;
}

export interface Restored {
  state: LensViewState;
  /** Names of saved parts that failed validation and were reset, for the log. */
  dropped: string[];
}

export function restoreState(saved: unknown): Restored {
  if (saved === undefined || saved === null) return { state: INITIAL_STATE, dropped: [] };
  if (!isRecord(saved) || saved.version !== STATE_VERSION) return { state: INITIAL_STATE, dropped: ['all (unknown version)'] };
  const dropped: string[] = [];
  const keep = <T>(name: string, value: T | null, fallback: T): T => {
    if (value === null && saved[name] !== null && saved[name] !== undefined) dropped.push(name);
    return value ?? fallback;
  };
  const cursor = keep('cursor', asMessage('cursor', saved.cursor), null);
  const trace = keep('trace', asMessage('trace', saved.trace), null);
  const heatmap = keep('heatmap', asMessage('heatmap', { kind: 'heatmap', summary: saved.heatmap })?.summary ?? null, null);
  const step = saved.selectedStep;
  return {
    state: {
      version: STATE_VERSION,
      settings: sanitiseSettings(keep('settings', isSettings(saved.settings) ? saved.settings : null, NEUTRAL_SAMPLER)),
      cursor,
      tree: keep('tree', restoreTree(saved.tree, cursor), EMPTY_TREE),
      trace,
      selectedStep: trace && isNonNegativeInteger(step) && step < trace.steps.length ? step : null,
      heatmap,
      barScale: keep('barScale', isBarScale(saved.barScale) ? saved.barScale : null, 'linear'),
      collapsed: keep('collapsed', isSectionList(saved.collapsed) ? saved.collapsed : null, []),
    },
    dropped,
  };
}
