// Bookkeeping for the click-to-extend token tree, keyed by token path. Pure (no DOM) and made of
// plain arrays, so it can go through vscode.setState as it is.
import { MAX_PATH_TOKENS, type LensDistribution, type LensToken } from '../../protocol/lensProtocol';
import { logProbability } from '../../core/lens/distributionMath';

export interface TreeState {
  /** The distributions that arrived for expanded nodes, each at its own `path`. */
  nodes: LensDistribution[];
  /** Paths asked for whose `children` message has not come yet. */
  pending: number[][];
}

export type NodeState = 'closed' | 'pending' | 'open';

export const EMPTY_TREE: TreeState = Object.freeze({ nodes: [], pending: [] });

/** '12,34': the value of a tree node's `data-path`, and the key that compares paths. */
export function pathKey(path: readonly number[]): string {
  return path.join(',');
}

function samePath(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

/** Whether `inner` is `outer` or lies below it. */
function isWithin(inner: readonly number[], outer: readonly number[]): boolean {
  return inner.length >= outer.length && outer.every((id, index) => id === inner[index]);
}

/** A node may be expanded while its children's paths stay within the protocol's limit. */
export function canExpand(path: readonly number[]): boolean {
  return path.length > 0 && path.length < MAX_PATH_TOKENS;
}

export function nodeAt(tree: TreeState, path: readonly number[]): LensDistribution | undefined {
  return tree.nodes.find((node) => samePath(node.path, path));
}

export function nodeState(tree: TreeState, path: readonly number[]): NodeState {
  if (nodeAt(tree, path)) return 'open';
  return tree.pending.some((pending) => samePath(pending, path)) ? 'pending' : 'closed';
}

/** Marks `path` as asked for. The caller posts the `expand` message. */
export function requestExpand(tree: TreeState, path: readonly number[]): TreeState {
  if (!canExpand(path) || nodeState(tree, path) !== 'closed') return tree;
  return { nodes: tree.nodes, pending: [...tree.pending, [...path]] };
}

/**
 * Files a `children` distribution under its node. Returns undefined when nobody asked for that path
 * (a late answer for a node since collapsed, or for a cursor since moved), so the caller can drop it.
 * The full-vocabulary probabilities are not kept: the tree shows only the top tokens, and the saved
 * state would otherwise grow by a vocabulary's worth of base64 per node.
 */
export function acceptChildren(tree: TreeState, distribution: LensDistribution): TreeState | undefined {
  if (nodeState(tree, distribution.path) !== 'pending') return undefined;
  return {
    nodes: [...tree.nodes, { ...distribution, sortedProbabilities: '' }],
    pending: tree.pending.filter((pending) => !samePath(pending, distribution.path)),
  };
}

/** Closes a node and forgets everything below it, including requests still in flight. */
export function collapse(tree: TreeState, path: readonly number[]): TreeState {
  return {
    nodes: tree.nodes.filter((node) => !isWithin(node.path, path)),
    pending: tree.pending.filter((pending) => !isWithin(pending, path)),
  };
}

function findToken(distribution: LensDistribution | undefined, id: number): LensToken | undefined {
  return distribution?.top.find((token) => token.id === id) ?? distribution?.consistent.find((token) => token.id === id);
}

/** The token at the end of `path`, as its parent distribution (the cursor's, for a root) lists it. */
export function tokenAt(root: LensDistribution, tree: TreeState, path: readonly number[]): LensToken | undefined {
  const last = path[path.length - 1];
  if (last === undefined) return undefined;
  const parent = path.length === 1 ? root : nodeAt(tree, path.slice(0, -1));
  return findToken(parent, last);
}

/** Sum of ln p along the path: the log-probability of the whole continuation. NaN if a step is unknown. */
export function cumulativeLogProb(root: LensDistribution, tree: TreeState, path: readonly number[]): number {
  let sum = 0;
  for (let length = 1; length <= path.length; length++) {
    const token = tokenAt(root, tree, path.slice(0, length));
    if (!token) return Number.NaN;
    sum += logProbability(token.probability);
  }
  return sum;
}

/** The cursor's tokens (top, then consistent ones not in top) whose root node is open or pending. */
export function expandedRoots(root: LensDistribution, tree: TreeState): LensToken[] {
  const seen = new Set<number>();
  return [...root.top, ...root.consistent].filter((token) => {
    if (seen.has(token.id)) return false;
    seen.add(token.id);
    return nodeState(tree, [token.id]) !== 'closed';
  });
}
