import { strict as assert } from 'node:assert';
import type { LensDistribution } from '../../src/protocol/lensProtocol';
import { encodeProbabilities, NEUTRAL_SAMPLER } from '../../src/core/lens/distributionMath';
import { decodeDistribution, finalAt, finalDistribution, rankOf } from '../../src/webview/lens/samplerModel';
import { INITIAL_STATE, restoreState, type LensViewState } from '../../src/webview/lens/viewState';

const distribution = (path: number[], sorted: number[] = [0.5, 0.3, 0.2]): LensDistribution => ({
  path, fragment: '', top: [{ id: 7, text: 'a', probability: 0.5 }], consistent: [],
  sortedProbabilities: encodeProbabilities(sorted), entropyBits: 1.485, tailMass: 0.5, tailKnown: true,
});

const saved: LensViewState = {
  version: 1,
  settings: { temperature: 0.7, topK: 40, topP: 0.9, minP: 0.05 },
  cursor: { kind: 'cursor', cursor: { file: 'a.ts', line: 1, character: 2 }, distribution: distribution([]), queryId: 41 },
  tree: { nodes: [distribution([7])], pending: [[8]] },
  trace: { kind: 'trace', text: 'ab', steps: [{ chosen: { id: 1, text: 'a', probability: 0.9 }, alternatives: [] }] },
  selectedStep: 0,
  heatmap: {
    file: 'a.ts', mode: 'rank', pendingMode: null, tokens: 10, meanBits: 2, perplexity: 4, top1: 6, top10: 9, meanEntropyBits: 1.5,
    lines: [{ line: 3, bits: 9, text: 'x' }],
  },
  barScale: 'log',
  collapsed: ['stats', 'sampler-lab'],
};

describe('Lens view state restore', () => {
  it('starts empty when nothing was saved', () => {
    assert.deepEqual(restoreState(undefined), { state: INITIAL_STATE, dropped: [] });
  });

  it('restores a saved state through JSON', () => {
    const { state, dropped } = restoreState(JSON.parse(JSON.stringify(saved)));
    assert.deepEqual(dropped, []);
    assert.deepEqual(state, saved);
  });

  it('resets each invalid part alone and reports it', () => {
    const broken = {
      ...saved, trace: { kind: 'trace', text: 1, steps: [] }, heatmap: { file: 'a' }, settings: { temperature: 'hot' }, barScale: 'cubic',
    };
    const { state, dropped } = restoreState(broken);
    assert.deepEqual(dropped.sort(), ['barScale', 'heatmap', 'settings', 'trace']);
    assert.equal(state.barScale, 'linear');
    assert.equal(state.trace, null);
    assert.equal(state.selectedStep, null, 'a selection without its trace is meaningless');
    assert.deepEqual(state.settings, NEUTRAL_SAMPLER);
    assert.deepEqual(state.cursor, saved.cursor);
  });

  it('restores a state saved before the bar scale and collapsed sections existed: linear, all open, nothing dropped', () => {
    const { barScale: _unused, collapsed: _none, ...older } = saved;
    const { state, dropped } = restoreState(JSON.parse(JSON.stringify(older)));
    assert.deepEqual(dropped, []);
    assert.equal(state.barScale, 'linear');
    assert.deepEqual(state.collapsed, []);
  });

  it('drops a collapsed list that is not short section names', () => {
    for (const collapsed of ['stats', [1], ['<img src=x>'], ['Stats'], Array.from({ length: 17 }, () => 'stats')]) {
      const { state, dropped } = restoreState(JSON.parse(JSON.stringify({ ...saved, collapsed })));
      assert.deepEqual([state.collapsed, dropped], [[], ['collapsed']], JSON.stringify(collapsed));
    }
  });

  it('ignores state of another version or shape', () => {
    assert.equal(restoreState({ ...saved, version: 2 }).state, INITIAL_STATE);
    assert.equal(restoreState('<script>').state, INITIAL_STATE);
  });

  it('clamps settings into what the sliders can show', () => {
    const { state } = restoreState({ ...saved, settings: { temperature: 9, topK: 500.7, topP: -1, minP: 0.2 } });
    assert.deepEqual(state.settings, { temperature: 2, topK: 100, topP: 0, minP: 0.2 });
  });

  it('drops a tree that has no cursor to hang from, and tree nodes that fail validation', () => {
    assert.deepEqual(restoreState({ ...saved, cursor: null }).state.tree, { nodes: [], pending: [] });
    for (const tree of [{ nodes: [{ path: [-1] }], pending: [] }, { nodes: [], pending: [[1.5]] }]) {
      const bad = restoreState({ ...saved, tree });
      assert.deepEqual(bad.dropped, ['tree']);
      assert.deepEqual(bad.state.tree, { nodes: [], pending: [] });
    }
  });
});

describe('Lens sampler model', () => {
  it('decodes the full distribution, and falls back to the top tokens when it is missing or broken', () => {
    assert.deepEqual(Array.from(decodeDistribution(distribution([])).values), [0.5, Math.fround(0.3), Math.fround(0.2)]);
    assert.deepEqual(decodeDistribution({ ...distribution([]), sortedProbabilities: '' }), { values: Float32Array.from([0.5]) });
    const broken = decodeDistribution({ ...distribution([]), sortedProbabilities: 'AAA' });
    assert.deepEqual(Array.from(broken.values), [0.5]);
    assert.ok(broken.error);
  });

  it('finds the rank of a probability in a descending array, tolerating float32 rounding', () => {
    const sorted = Float32Array.from([0.5, 0.3, 0.2, 0.2, 0.1]);
    assert.equal(rankOf(sorted, 0.5), 0);
    assert.equal(rankOf(sorted, 0.3), 1, 'the double 0.3 finds the float32 0.3');
    assert.equal(rankOf(sorted, 0.2), 2, 'ties resolve to the first rank');
    assert.equal(rankOf(sorted, 0.15), 4);
    assert.equal(rankOf(sorted, 0.01), 5);
  });

  it('reports final probabilities and 0 for pruned ranks', () => {
    const final = finalDistribution(Float32Array.from([0.5, 0.3, 0.2]), { ...NEUTRAL_SAMPLER, topK: 2 });
    assert.equal(final.kept, 2);
    assert.ok(Math.abs(finalAt(final, 0) - 0.625) < 1e-6);
    assert.equal(finalAt(final, 2), 0);
    assert.equal(finalAt(final, 10), 0);
    assert.ok(final.entropyBits > 0.95 && final.entropyBits < 0.96);
  });
});
