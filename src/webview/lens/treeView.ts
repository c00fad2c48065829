// The token tree: the continuations the user expanded, nested under the token they follow.
import type { LensDistribution, LensToken } from '../../protocol/lensProtocol';
import { tokenLabel } from '../../core/lens/tokenDisplay';
import { tokenText } from './tokenText';
import { button, el, replaceKeepingFocus, section } from '../common/dom';
import { rowKeys } from './rowKeys';
import { formatLogProb, formatPercent } from './format';
import {
  canExpand, cumulativeLogProb, expandedRoots, nodeAt, nodeState, pathKey, type NodeState, type TreeState,
} from './tree';

export interface TreeActions {
  /** Expand a closed node, or collapse an open or pending one. */
  toggle(path: number[]): void;
  insert(path: number[]): void;
}

const EXPAND_GLYPH: Record<NodeState, string> = { closed: '▸', pending: '…', open: '▾' };
const EXPAND_LABEL: Record<NodeState, string> = { closed: 'Expand', pending: 'Loading (click to cancel)', open: 'Collapse' };

/** Shows a node's state on its expand button; used again when the tree changes under a top-list row. */
export function syncExpandButton(element: HTMLButtonElement, path: readonly number[], state: NodeState): void {
  element.textContent = EXPAND_GLYPH[state];
  element.setAttribute('aria-label', EXPAND_LABEL[state]);
  element.title = canExpand(path) ? EXPAND_LABEL[state] : 'This path is as long as the Lens allows';
  element.setAttribute('aria-expanded', String(state === 'open'));
  element.dataset.state = state;
  element.disabled = !canExpand(path) && state === 'closed';
}

export function expandButton(path: number[], state: NodeState, actions: TreeActions): HTMLButtonElement {
  const element = button('', {
    className: 'expand', testId: 'expand', attrs: { 'data-focus-key': `expand:${pathKey(path)}` },
  }, () => actions.toggle(path));
  syncExpandButton(element, path, state);
  return element;
}

function nodeRow(root: LensDistribution, tree: TreeState, path: number[], token: LensToken, actions: TreeActions): HTMLElement {
  const expand = expandButton(path, nodeState(tree, path), actions);
  expand.tabIndex = -1; // Enter on the node works it.
  return el(
    'div',
    { className: 'tree-row' },
    expand,
    tokenText(token, { title: `${tokenLabel(token)} (token id ${token.id})` }),
    el('span', { className: 'num', testId: 'node-prob', text: formatPercent(token.probability) }),
    el('span', {
      className: 'num',
      testId: 'cumulative-logprob',
      text: formatLogProb(cumulativeLogProb(root, tree, path)),
      title: 'ln p of the whole path',
    }),
    button(
      'Insert path',
      {
        className: 'insert-path',
        testId: 'insert-path',
        title: 'Insert the tokens of this path at the cursor',
        attrs: { 'data-focus-key': `insert:${pathKey(path)}` },
      },
      () => actions.insert(path),
    ),
  );
}

/** A node and, when open, its children; recursion depth is bounded by MAX_PATH_TOKENS. */
function treeNode(root: LensDistribution, tree: TreeState, path: number[], token: LensToken, actions: TreeActions): HTMLElement {
  const state = nodeState(tree, path);
  const item = el('li', {
    className: 'tree-node', testId: 'tree-node',
    attrs: {
      'data-path': pathKey(path), 'data-focus-key': `node:${pathKey(path)}`, role: 'treeitem', tabindex: '-1',
      'aria-level': String(path.length), 'aria-expanded': String(state !== 'closed'),
      'aria-label': `${tokenLabel(token)}, ${formatPercent(token.probability)}, `
        + `path ln p ${formatLogProb(cumulativeLogProb(root, tree, path))}`,
    },
  }, nodeRow(root, tree, path, token, actions));
  if (state === 'pending') item.append(el('div', { className: 'hint', text: 'Loading…' }));
  const children = state === 'open' ? nodeAt(tree, path)?.top ?? [] : [];
  if (children.length > 0) {
    item.append(el('ul', { className: 'tree-children', attrs: { role: 'group' } },
      ...children.map((child) => treeNode(root, tree, [...path, child.id], child, actions))));
  }
  return item;
}

export interface TreeView {
  root: HTMLElement;
  render(cursor: LensDistribution | null, tree: TreeState): void;
}

export function createTreeView(actions: TreeActions): TreeView {
  const { root, body } = section('Token tree', 'tree');
  // ↑ ↓ move through the open nodes, Enter or → expands one, ← collapses it.
  const keys = rowKeys(body, 'li.tree-node');
  const render = (cursor: LensDistribution | null, tree: TreeState): void => {
    root.hidden = cursor === null;
    const roots = cursor ? expandedRoots(cursor, tree) : [];
    if (!cursor || roots.length === 0) {
      replaceKeepingFocus(body, el('p', { className: 'hint', text: 'Expand a token (▸) to see what the model would write after it.' }));
      return;
    }
    replaceKeepingFocus(body, el('ul', { className: 'tree-roots', attrs: { role: 'tree', 'aria-label': 'Token tree' } },
      ...roots.map((token) => treeNode(cursor, tree, [token.id], token, actions))));
    keys.refresh();
  };
  return { root, render };
}
