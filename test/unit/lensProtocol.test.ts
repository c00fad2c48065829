import { strict as assert } from 'node:assert';
import { isHostToLens, isLensToHost, MAX_PATH_TOKENS } from '../../src/protocol/lensProtocol';

const distribution = {
  path: [], fragment: '', top: [{ id: 5, text: '<img src=x onerror=alert(1)>', probability: 0.5 }], consistent: [],
  sortedProbabilities: 'AAAAPw==', entropyBits: 1, tailMass: 0.5, tailKnown: true,
};

describe('Lens protocol guards', () => {
  it('accepts every well-formed message from the webview', () => {
    for (const message of [
      { kind: 'ready' },
      { kind: 'expand', path: [1, 2, 3] },
      { kind: 'insertPath', path: [7] },
      { kind: 'revealLine', line: 12 },
      { kind: 'heatmapMode', mode: 'rank' },
      { kind: 'log', level: 'warn', message: 'dropped something' },
      { kind: 'preferences', preferences: { barScale: 'log', collapsed: ['stats', 'sampler-lab'] } },
    ]) assert.equal(isLensToHost(message), true, JSON.stringify(message));
  });

  it('drops malformed webview messages: wrong types, missing fields, unknown kinds, oversized paths', () => {
    for (const message of [
      null, undefined, 42, 'ready', [], {},
      { kind: 'explode' },
      { kind: 'expand' },
      { kind: 'expand', path: 'abc' },
      { kind: 'expand', path: [1, -2] },
      { kind: 'expand', path: [1.5] },
      { kind: 'expand', path: Array.from({ length: MAX_PATH_TOKENS + 1 }, () => 1) },
      { kind: 'insertPath', path: [Number.NaN] },
      { kind: 'preferences', preferences: { barScale: 'cubic', collapsed: [] } },
      { kind: 'preferences', preferences: { barScale: 'log', collapsed: ['<img src=x>'] } },
      { kind: 'preferences', preferences: { barScale: 'log', collapsed: Array.from({ length: 17 }, () => 'stats') } },
      { kind: 'preferences', preferences: { barScale: 'log' } },
      { kind: 'revealLine', line: '3' },
      { kind: 'revealLine', line: -1 },
      { kind: 'heatmapMode', mode: 'heat' },
      { kind: 'heatmapMode' },
      { kind: 'log', level: 'fatal', message: 'x' },
      { kind: 'log', level: 'info', message: 'x'.repeat(2001) },
      { kind: 'log', level: 'info' },
    ]) assert.equal(isLensToHost(message), false, JSON.stringify(message));
  });

  it('accepts well-formed host messages and rejects broken ones in the webview', () => {
    assert.equal(isHostToLens({ kind: 'cursor', cursor: { file: 'a.ts', line: 0, character: 3 }, distribution, queryId: 7 }), true);
    assert.equal(isHostToLens({ kind: 'children', distribution: { ...distribution, path: [5] }, queryId: 7 }), true);
    assert.equal(
      isHostToLens({ kind: 'children', distribution: { ...distribution, path: [5] } }),
      false,
      'children name their cursor query',
    );
    assert.equal(isHostToLens({ kind: 'cursor', cursor: { file: 'a.ts', line: 0, character: 3 }, distribution, queryId: -1 }), false);
    assert.equal(isHostToLens({ kind: 'heatmap', summary: null }), true);
    assert.equal(isHostToLens({ kind: 'status', message: 'busy', busy: true }), true);
    assert.equal(isHostToLens({ kind: 'trace', text: 'x', steps: [{ chosen: distribution.top[0], alternatives: [] }] }), true);
    assert.equal(isHostToLens({ kind: 'cursor', cursor: { file: 'a.ts', line: -1, character: 3 }, distribution, queryId: 1 }), false);
    assert.equal(
      isHostToLens({ kind: 'children', distribution: { ...distribution, top: [{ id: 5, text: 5, probability: 0.5 }] }, queryId: 1 }),
      false,
    );
    assert.equal(
      isHostToLens({ kind: 'children', distribution: { ...distribution, top: [{ id: 5, text: 'x', probability: 1.5 }] }, queryId: 1 }),
      false,
    );
    assert.equal(isHostToLens({ kind: 'heatmap', summary: { file: 'a', tokens: 1 } }), false);
    const summary = {
      file: 'a',
      mode: 'surprisal',
      pendingMode: 'rank',
      tokens: 3,
      meanBits: 2,
      perplexity: 4,
      top1: 1,
      top10: null,
      meanEntropyBits: null,
      lines: [],
    };
    assert.equal(isHostToLens({ kind: 'heatmap', summary }), true);
    assert.equal(isHostToLens({ kind: 'heatmap', summary: { ...summary, top10: -1 } }), false);
    assert.equal(isHostToLens({ kind: 'heatmap', summary: { ...summary, mode: 'colour' } }), false);
    assert.equal(isHostToLens({ kind: 'status', message: 'x' }), false);
    assert.equal(isHostToLens({ kind: 'unknown' }), false);
  });
});
