// The next-token distribution at the cursor: the top tokens, the ones consistent with the half-typed
// word, and summary statistics. Rows are built once per distribution; slider moves only update the
// final-probability cells, so nothing is rebuilt (or loses focus) while a slider is dragged.
// Each row has two bars, the probability and the probability after the sampler lab, each scaled to its likeliest
// token (linear or log, src/core/lens/barScale.ts) so that the shape of the distribution shows at a glance.
import type { LensDistribution, LensToken } from '../../protocol/lensProtocol';
import { barFraction, LOG_DECADES, type BarScale } from '../../core/lens/barScale';
import { logProbability, margin, visibleTokenText } from '../../core/lens/distributionMath';
import { bar, button, el, section } from '../common/dom';
import { formatBits, formatLogProb, formatPercent, formatPoints } from './format';
import { finalAt, rankOf, type FinalDistribution } from './samplerModel';
import { nodeState, type TreeState } from './tree';
import { expandButton, syncExpandButton, type TreeActions } from './treeView';
import { tokenText } from './tokenText';
import { tokenLabel } from '../../core/lens/tokenDisplay';
import { rowKeys } from './rowKeys';

interface RowHandle {
  /** 0-based rank in the full sorted distribution (the index the samplers work on). */
  rank: number;
  path: number[];
  element: HTMLElement;
  expand: HTMLButtonElement;
  /** The raw probability, and the last one after the samplers. */
  probability: number;
  final: number;
  setFinal(probability: number): void;
  /** Redraws both bars against the likeliest raw and final probabilities. */
  scaleBars(rawTop: number, finalTop: number, scale: BarScale): void;
}

function tokenRow(testId: string, token: LensToken, rank: number, tree: TreeState, actions: TreeActions): RowHandle {
  const path = [token.id];
  const rawBar = bar('raw-bar', 'raw');
  const finalBar = bar('final-bar', 'final');
  const finalLabel = el('span', { className: 'num final', testId: 'final-prob' });
  const expand = expandButton(path, nodeState(tree, path), actions);
  const element = el('li', {
    className: 'token-row', testId,
    attrs: { 'data-token-id': String(token.id), 'data-rank': String(rank + 1), 'data-focus-key': `${testId}:${token.id}`, tabindex: '-1' },
  },
    el('span', { className: 'rank', testId: 'rank', text: String(rank + 1) }),
    // Its title repeats the text because a narrow panel cuts it off with an ellipsis.
    tokenText(token),
    el('div', { className: 'bars', title: 'probability (grey), after the sampler lab (blue)' }, rawBar.track, finalBar.track),
    el('span', { className: 'num raw', testId: 'raw-prob', text: formatPercent(token.probability), title: 'probability' }),
    finalLabel,
    el('span', { className: 'num logprob', testId: 'log-prob', text: formatLogProb(logProbability(token.probability)), title: 'ln p' }),
    el('span', { className: 'num token-id', testId: 'token-id', text: `#${token.id}`, title: 'token id' }),
    expand,
  );
  const handle: RowHandle = {
    rank, path, element, expand, probability: token.probability, final: Number.NaN,
    setFinal: (probability) => {
      handle.final = probability;
      finalLabel.textContent = formatPercent(probability);
      finalLabel.title = 'probability after the sampler lab';
      element.classList.toggle('pruned', probability === 0);
      // What a screen reader says for the row: every column, since the headings are not read with it.
      element.setAttribute('aria-label', `rank ${rank + 1}: ${tokenLabel(token)}, probability ${formatPercent(token.probability)}, `
        + `after samplers ${formatPercent(probability)}, ln p ${formatLogProb(logProbability(token.probability))}, token id ${token.id}`);
    },
    scaleBars: (rawTop, finalTop, scale) => {
      rawBar.setFraction(barFraction(handle.probability, rawTop, scale));
      finalBar.setFraction(barFraction(handle.final, finalTop, scale));
    },
  };
  handle.setFinal(Number.NaN);
  // Enter on the row works it; Tab does not stop at every row's button.
  expand.tabIndex = -1;
  return handle;
}

/** What the two bars of a row are. */
function barLegend(): HTMLElement {
  const swatch = (kind: 'raw' | 'final', label: string) =>
    el('span', { className: 'legend-item' }, el('span', { className: `bar-swatch ${kind}` }), el('span', { text: label }));
  return el('div', { className: 'bar-legend', testId: 'bar-legend' }, swatch('raw', 'probability'), swatch('final', 'after samplers'));
}

/** A column heading with a short form that a narrow panel shows instead (lens.css). */
function heading(className: string, long: string, short: string): HTMLElement {
  const forms = [el('span', { className: 'long', text: long }), el('span', { className: 'short', text: short })];
  return el('span', { className, title: long }, ...forms);
}

/** The column headings, on the rows' own grid. */
function headerRow(): HTMLElement {
  return el('div', { className: 'token-row header-row', testId: 'top-header', attrs: { 'aria-hidden': 'true' } },
    el('span', { className: 'rank', text: '#' }),
    el('span', { className: 'token-text', text: 'token' }),
    heading('num raw', 'probability', 'p'),
    heading('num final', 'after samplers', 'after'),
    el('span', { className: 'num logprob', text: 'ln p' }),
    el('span', { className: 'num token-id', text: 'id' }),
  );
}

function stat(label: string, testId: string): { item: HTMLElement; value: HTMLElement } {
  const value = el('dd', { testId });
  return { item: el('div', { className: 'stat' }, el('dt', { text: label }), value), value };
}

export interface DistributionView {
  /** The sections this view owns, in page order. */
  roots: HTMLElement[];
  show(distribution: LensDistribution | null, sorted: Float32Array, tree: TreeState, actions: TreeActions): void;
  updateFinal(final: FinalDistribution): void;
  updateTree(tree: TreeState): void;
  /** Shows the bars on this scale (a restored choice); the toggle reports the user's choices to `onScale`. */
  setScale(scale: BarScale): void;
}

export function createDistributionView(onScale: (scale: BarScale) => void): DistributionView {
  const top = section('Next token at the cursor', 'top-list-section');
  const topList = el('ol', { className: 'token-list', testId: 'top-list', attrs: { 'aria-label': 'Likeliest next tokens' } });
  let scale: BarScale = 'linear';
  const scaleButton = button('', { testId: 'bar-scale' }, () => {
    scale = scale === 'linear' ? 'log' : 'linear';
    rescale();
    onScale(scale);
  });
  const syncScaleButton = () => {
    scaleButton.textContent = scale === 'linear' ? 'Scale: linear' : 'Scale: log';
    scaleButton.setAttribute('aria-pressed', String(scale === 'log'));
    scaleButton.title = scale === 'linear'
      ? 'Bars in proportion to the likeliest token. Click for a log scale.'
      : `Bars on a log scale, from the likeliest token down to 1/${10 ** LOG_DECADES} of it. Click for a linear scale.`;
  };
  top.body.append(el('div', { className: 'list-tools' }, barLegend(), scaleButton), headerRow(), topList);
  const consistentTitle = el('h3');
  const consistentList = el('ol', {
    className: 'token-list', testId: 'consistent-list', attrs: { 'aria-label': 'Tokens that continue the word' },
  });
  const consistent = el('div', { className: 'consistent' }, consistentTitle, consistentList);
  top.body.append(consistent);
  // ↑ ↓ move through both lists as one; Enter opens a row's continuations in the token tree.
  const keys = rowKeys(top.body, '.token-row[data-rank]');
  const stats = section('Stats', 'stats');
  const [entropy, tail, gap, finalEntropy] = [
    stat('Entropy', 'entropy'),
    stat('Tail mass', 'tail-mass'),
    stat('Margin (1st − 2nd)', 'margin'),
    stat('Entropy after samplers', 'final-entropy'),
  ];
  stats.body.append(el('dl', {}, entropy.item, tail.item, gap.item, finalEntropy.item));
  let rows: RowHandle[] = [];
  let finalTop = Number.NaN;
  const rescale = (): void => {
    syncScaleButton();
    // The top list is sorted, likeliest first; a consistent token is never likelier than the top one.
    const rawTop = rows.reduce((most, row) => Math.max(most, row.probability), 0);
    for (const row of rows) row.scaleBars(rawTop, finalTop, scale);
  };

  const show: DistributionView['show'] = (distribution, sorted, tree, actions) => {
    top.root.hidden = stats.root.hidden = distribution === null;
    const tokens = distribution?.top ?? [];
    const extra = distribution?.consistent ?? [];
    const topRows = tokens.map((token, index) => tokenRow('top-row', token, index, tree, actions));
    const consistentRows = extra.map((token) => tokenRow('consistent-row', token, rankOf(sorted, token.probability), tree, actions));
    topList.replaceChildren(...topRows.map((row) => row.element));
    consistentList.replaceChildren(...consistentRows.map((row) => row.element));
    consistent.hidden = !distribution || distribution.fragment === '';
    consistentTitle.textContent = `Consistent with "${visibleTokenText(distribution?.fragment ?? '')}"`;
    if (distribution && extra.length === 0) consistentList.append(el('li', { className: 'hint', text: 'No token continues it.' }));
    rows = [...topRows, ...consistentRows];
    // Without the tail (a server's top k), the entropy counts the tail as one token: the least it can be.
    entropy.value.textContent = `${distribution?.tailKnown === false ? '≥ ' : ''}${formatBits(distribution?.entropyBits ?? Number.NaN)}`;
    tail.value.textContent = formatPercent(distribution?.tailMass ?? Number.NaN);
    tail.value.title = `probability outside the ${tokens.length} tokens shown`;
    gap.value.textContent = formatPoints(tokens.length > 0 ? margin(tokens.map((token) => token.probability)) : Number.NaN);
    rescale();
    keys.refresh();
  };

  const updateFinal = (final: FinalDistribution): void => {
    for (const row of rows) row.setFinal(finalAt(final, row.rank));
    // Rank 0 is the likeliest token after the samplers too: they never reorder.
    finalTop = finalAt(final, 0);
    rescale();
    finalEntropy.value.textContent = formatBits(final.entropyBits);
  };

  const updateTree = (tree: TreeState): void => {
    for (const row of rows) syncExpandButton(row.expand, row.path, nodeState(tree, row.path));
  };

  const setScale = (next: BarScale): void => {
    scale = next;
    rescale();
  };

  return { roots: [top.root, stats.root], show, updateFinal, updateTree, setScale };
}
