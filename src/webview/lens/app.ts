// The Lens page: owns the view state, routes host messages to the sections, and saves the state
// after each change so that hiding and showing the view brings everything back.
import { isHostToLens, MAX_PATH_TOKENS, type HostToLens, type LensPreferences, type LensToHost } from '../../protocol/lensProtocol';
import type { SamplerSettings } from '../../core/lens/distributionMath';
import { createDistributionView } from './distributionView';
import { truncate } from './format';
import { SECTION_TOGGLE_EVENT, setCollapsed } from '../common/dom';
import { createHeader } from './header';
import { createHeatmapView } from './heatmapView';
import { createInspector } from './inspector';
import { createSamplerLab } from './samplerLab';
import { decodeDistribution, finalDistribution } from './samplerModel';
import { acceptChildren, canExpand, collapse, EMPTY_TREE, nodeState, pathKey, requestExpand } from './tree';
import { createTreeView, type TreeActions } from './treeView';
import type { HostChannel } from '../common/vscodeApi';
import { QueryScope } from './queryScope';
import { restoreState, type CursorMessage, type LensViewState, type TraceMessage } from './viewState';

/** Slider drags save this long after the last move; everything else saves at once. */
const SAVE_DELAY_MS = 250;
/** The host refuses longer log messages. */
const MAX_LOG_CHARS = 2000;
/** Dropped messages are quoted only this far: they may be huge, and they are not trusted. */
const MAX_DROPPED_CHARS = 200;

type LogLevel = Extract<LensToHost, { kind: 'log' }>['level'];

function describe(data: unknown): string {
  try {
    return JSON.stringify(data) ?? typeof data;
  } catch {
    return typeof data; // Cycles and BigInts cannot be stringified; the type is still worth reporting.
  }
}

/** The same place with the same distribution: the host re-sent it (e.g. after `ready`), so the tree stays. */
function isSameCursor(previous: CursorMessage | null, next: CursorMessage): boolean {
  return previous !== null && previous.cursor.file === next.cursor.file && previous.cursor.line === next.cursor.line &&
    previous.cursor.character === next.cursor.character &&
    previous.distribution.sortedProbabilities === next.distribution.sortedProbabilities;
}

function isSameTrace(previous: TraceMessage | null, next: TraceMessage): boolean {
  return previous !== null && previous.text === next.text && previous.steps.length === next.steps.length &&
    previous.steps.every((step, index) => step.chosen.id === next.steps[index]?.chosen.id);
}

export class LensApp {
  private state: LensViewState;
  /** The cursor distribution's probabilities, decoded once per distribution for the sampler lab. */
  private sorted: Float32Array = new Float32Array(0);
  private saveTimer: number | undefined;
  /** Saved parts that failed validation, reported once `ready` has gone out. */
  private readonly droppedState: string[];
  private readonly queries: QueryScope;
  private readonly actions: TreeActions = { toggle: (path) => this.toggle(path), insert: (path) => this.insert(path) };
  private readonly header = createHeader();
  private readonly distribution = createDistributionView(
    (barScale) => this.changePreferences({ barScale, collapsed: this.state.collapsed }),
  );
  private sections: HTMLElement[] = [];
  private readonly lab = createSamplerLab((settings, committed) => this.changeSettings(settings, committed));
  private readonly tree = createTreeView(this.actions);
  private readonly inspector = createInspector((index) => this.update({ selectedStep: index }, () => this.renderTrace()));
  private readonly heatmap = createHeatmapView(
    (line) => this.channel.post({ kind: 'revealLine', line }),
    (mode) => this.channel.post({ kind: 'heatmapMode', mode }),
  );

  constructor(private readonly channel: HostChannel<LensToHost>, container: HTMLElement) {
    const { state, dropped } = restoreState(channel.loadState());
    this.droppedState = dropped;
    this.queries = new QueryScope(state.cursor?.queryId);
    this.state = { ...state, settings: this.lab.setSettings(state.settings) };
    container.append(this.header.root, ...this.distribution.roots, this.lab.root, this.tree.root, this.inspector.root, this.heatmap.root);
    this.sections = Array.from(container.querySelectorAll<HTMLElement>('[data-section]'));
    this.applyPreferences(this.state);
    container.addEventListener(SECTION_TOGGLE_EVENT, () => {
      const collapsed = this.sections.filter((root) => root.classList.contains('collapsed')).map((root) => root.dataset.section ?? '');
      this.changePreferences({ barScale: this.state.barScale, collapsed });
    });
    this.renderCursor();
    this.renderTrace();
    this.heatmap.render(this.state.heatmap);
  }

  /**
   * Says `ready`, then asks again for the tree nodes that were loading when the previous page went away:
   * their answers went to that page. A stale request is harmless, since a cursor message for another
   * place clears the tree and the answer is then dropped.
   */
  start(): void {
    this.channel.post({ kind: 'ready' });
    if (this.droppedState.length > 0) this.log('warn', `ignored saved Lens state that failed validation: ${this.droppedState.join(', ')}`);
    for (const path of this.state.tree.pending) this.channel.post({ kind: 'expand', path });
  }

  /** Every message from the host comes through here, validated before anything reads it. */
  receive(data: unknown): void {
    if (!isHostToLens(data)) {
      this.log('warn', truncate(`dropped a malformed message: ${describe(data)}`, MAX_DROPPED_CHARS));
      return;
    }
    try {
      this.handle(data);
    } catch (error) {
      this.log(
        'error',
        `the Lens failed on a '${data.kind}' message: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }

  private handle(message: HostToLens): void {
    switch (message.kind) {
      case 'cursor': {
        const kept = isSameCursor(this.state.cursor, message);
        this.queries.cursor(message.queryId, kept);
        this.update({ cursor: message, tree: kept ? this.state.tree : EMPTY_TREE }, () => this.renderCursor());
        return;
      }
      case 'children': {
        if (!this.queries.accepts(message.queryId)) {
          this.log('info', `ignored children computed for an earlier cursor position: [${pathKey(message.distribution.path)}]`);
          return;
        }
        const tree = acceptChildren(this.state.tree, message.distribution);
        if (tree) this.update({ tree }, () => this.renderTree());
        // An answer for an open node is a replay (the host re-sends its latest messages after `ready`).
        else if (nodeState(this.state.tree, message.distribution.path) === 'closed') {
          this.log('info', `ignored children for a path nobody asked for: [${pathKey(message.distribution.path)}]`);
        }
        return;
      }
      case 'trace': {
        // A replay of the trace already shown keeps the token the user picked.
        const selectedStep = isSameTrace(this.state.trace, message) ? this.state.selectedStep : null;
        this.update({ trace: message, selectedStep }, () => this.renderTrace());
        return;
      }
      case 'heatmap':
        this.update({ heatmap: message.summary }, () => this.heatmap.render(message.summary));
        return;
      case 'status':
        // Not saved: a status is about the moment, and the host sends a fresh one after `ready`.
        this.header.setStatus(message.message, message.busy);
        return;
      case 'preferences':
        this.applyPreferences(message.preferences);
        return;
      default: {
        const unhandled: never = message;
        throw new Error(`unhandled message ${describe(unhandled)}`);
      }
    }
  }

  private update(change: Partial<LensViewState>, render: () => void, saveNow = true): void {
    this.state = { ...this.state, ...change };
    render();
    this.save(saveNow);
  }

  private save(now: boolean): void {
    if (this.saveTimer !== undefined) window.clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (now) this.channel.saveState(this.state);
    else this.saveTimer = window.setTimeout(() => this.save(true), SAVE_DELAY_MS);
  }

  private renderCursor(): void {
    const cursor = this.state.cursor;
    const decoded = cursor ? decodeDistribution(cursor.distribution) : { values: new Float32Array(0) };
    if (decoded.error !== undefined) this.log('warn', `could not decode the distribution, using the top tokens only: ${decoded.error}`);
    this.sorted = decoded.values;
    this.header.setCursor(cursor?.cursor ?? null);
    this.distribution.show(cursor?.distribution ?? null, this.sorted, this.state.tree, this.actions);
    this.renderFinal();
    this.renderTree();
  }

  private renderFinal(): void {
    const final = finalDistribution(this.sorted, this.state.settings);
    this.distribution.updateFinal(final);
    this.lab.draw(this.sorted, this.state.settings, final, this.state.cursor?.distribution.tailKnown ?? true);
  }

  private renderTree(): void {
    this.distribution.updateTree(this.state.tree);
    this.tree.render(this.state.cursor?.distribution ?? null, this.state.tree);
  }

  private renderTrace(): void {
    this.inspector.render(this.state.trace, this.state.selectedStep);
  }

  /** Shows the bar scale and collapsed sections of `preferences` (restored, or the host's stored ones). */
  private applyPreferences({ barScale, collapsed }: LensPreferences): void {
    this.distribution.setScale(barScale);
    for (const root of this.sections) setCollapsed(root, collapsed.includes(root.dataset.section ?? ''));
    this.update({ barScale, collapsed }, () => undefined);
  }

  /** A preference the user changed: saved with the page, and sent to the host, which keeps it through a reload. */
  private changePreferences(preferences: LensPreferences): void {
    this.update(preferences, () => undefined);
    this.channel.post({ kind: 'preferences', preferences });
  }

  private changeSettings(settings: SamplerSettings, committed: boolean): void {
    this.update({ settings }, () => this.renderFinal(), committed);
  }

  private toggle(path: number[]): void {
    const tree = this.state.tree;
    if (nodeState(tree, path) !== 'closed') {
      this.update({ tree: collapse(tree, path) }, () => this.renderTree());
      return;
    }
    if (!canExpand(path)) return;
    this.update({ tree: requestExpand(tree, path) }, () => this.renderTree());
    this.channel.post({ kind: 'expand', path });
  }

  private insert(path: number[]): void {
    if (path.length > 0 && path.length <= MAX_PATH_TOKENS) this.channel.post({ kind: 'insertPath', path });
  }

  private log(level: LogLevel, message: string): void {
    this.channel.post({ kind: 'log', level, message: truncate(message, MAX_LOG_CHARS) });
  }
}
