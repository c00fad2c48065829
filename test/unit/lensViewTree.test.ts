import { strict as assert } from 'node:assert';
import { MAX_PATH_TOKENS, type LensDistribution, type LensToken } from '../../src/protocol/lensProtocol';
import { QueryScope } from '../../src/webview/lens/queryScope';
import {
  acceptChildren, canExpand, collapse, cumulativeLogProb, EMPTY_TREE, expandedRoots, nodeAt, nodeState, pathKey, requestExpand, tokenAt,
} from '../../src/webview/lens/tree';

const token = (id: number, probability: number, text = `t${id}`): LensToken => ({ id, text, probability });

function distribution(path: number[], top: LensToken[], consistent: LensToken[] = []): LensDistribution {
  return { path, fragment: '', top, consistent, sortedProbabilities: 'AAAAAA==', entropyBits: 1, tailMass: 0, tailKnown: true };
}

const root = distribution([], [token(12, 0.5), token(13, 0.25)], [token(99, 0.01)]);

describe('Lens token tree bookkeeping', () => {
  it('keys paths the way data-path shows them', () => {
    assert.equal(pathKey([12, 34]), '12,34');
    assert.equal(pathKey([]), '');
  });

  it('goes closed → pending → open, and drops answers nobody asked for', () => {
    assert.equal(nodeState(EMPTY_TREE, [12]), 'closed');
    assert.equal(acceptChildren(EMPTY_TREE, distribution([12], [])), undefined);
    const asked = requestExpand(EMPTY_TREE, [12]);
    assert.equal(nodeState(asked, [12]), 'pending');
    assert.equal(requestExpand(asked, [12]), asked, 'asking twice changes nothing');
    const open = acceptChildren(asked, distribution([12], [token(34, 0.8)]));
    assert.ok(open);
    assert.equal(nodeState(open, [12]), 'open');
    assert.deepEqual(open.pending, []);
    assert.equal(nodeAt(open, [12])?.sortedProbabilities, '', 'the full vocabulary is not kept per node');
    assert.equal(acceptChildren(open, distribution([12], [])), undefined, 'a duplicate answer is dropped');
  });

  it('collapses a node with everything below it, requests in flight included', () => {
    let tree = acceptChildren(requestExpand(EMPTY_TREE, [12]), distribution([12], [token(34, 0.8)]));
    assert.ok(tree);
    tree = requestExpand(tree, [12, 34]);
    tree = requestExpand(tree, [13]);
    const closed = collapse(tree, [12]);
    assert.equal(nodeState(closed, [12]), 'closed');
    assert.equal(nodeState(closed, [12, 34]), 'closed');
    assert.equal(nodeState(closed, [13]), 'pending', 'siblings are untouched');
    assert.equal(acceptChildren(closed, distribution([12, 34], [])), undefined);
  });

  it('refuses to expand past the protocol path limit', () => {
    const longest = Array.from({ length: MAX_PATH_TOKENS }, (_, index) => index);
    assert.equal(canExpand(longest.slice(0, -1)), true);
    assert.equal(canExpand(longest), false);
    assert.equal(canExpand([]), false);
    assert.equal(requestExpand(EMPTY_TREE, longest), EMPTY_TREE);
  });

  it('sums ln p along a path for the cumulative log-probability', () => {
    const tree = acceptChildren(requestExpand(EMPTY_TREE, [12]), distribution([12], [token(34, 0.8)]));
    assert.ok(tree);
    assert.equal(tokenAt(root, tree, [12, 34])?.probability, 0.8);
    assert.ok(Math.abs(cumulativeLogProb(root, tree, [12]) - Math.log(0.5)) < 1e-12);
    assert.ok(Math.abs(cumulativeLogProb(root, tree, [12, 34]) - (Math.log(0.5) + Math.log(0.8))) < 1e-12);
    assert.ok(Number.isNaN(cumulativeLogProb(root, tree, [12, 77])), 'an unknown step is not silently 0');
    assert.ok(Math.abs(cumulativeLogProb(root, tree, [99]) - Math.log(0.01)) < 1e-12, 'consistent tokens are roots too');
  });

  it('lists expanded roots in the order the cursor distribution ranks them', () => {
    const tree = requestExpand(requestExpand(EMPTY_TREE, [99]), [13]);
    assert.deepEqual(expandedRoots(root, tree).map((t) => t.id), [13, 99]);
  });
});

describe('QueryScope', function () {
  it('takes answers only from the cursor queries the tree hangs from', function () {
    const scope = new QueryScope();
    assert.equal(scope.accepts(1), false);
    scope.cursor(1, false);
    assert.equal(scope.accepts(1), true);
    scope.cursor(2, true);
    assert.ok(scope.accepts(1) && scope.accepts(2), 'the same place and distribution keeps the tree, so both queries count');
    scope.cursor(3, false);
    assert.ok(!scope.accepts(1) && !scope.accepts(2) && scope.accepts(3), 'another place clears the tree: late answers for it are dropped');
  });

  it('starts from the saved cursor query on a restored page', function () {
    assert.equal(new QueryScope(9).accepts(9), true);
    assert.equal(new QueryScope(undefined).accepts(9), false);
  });
});
