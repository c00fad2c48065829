import { strict as assert } from 'node:assert';
import { AdaptiveDebounce } from '../../src/core/completion/AdaptiveDebounce';
import { CompletionGate } from '../../src/core/completion/CompletionGate';
import { hitRate, statsTooltip } from '../../src/core/completion/CompletionStats';
import { LruCache } from '../../src/core/completion/LruCache';
import { typedThrough } from '../../src/core/completion/typedThrough';

describe('LruCache', () => {
  it('evicts the least recently used entry, where a read counts as use', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1);
    cache.set('c', 3);
    assert.equal(cache.has('b'), false, 'b was the least recently used');
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.get('c'), 3);
    assert.equal(cache.size, 2);
  });

  it('overwrites a key without growing, and clears', () => {
    const cache = new LruCache<string>(3);
    cache.set('k', 'old');
    cache.set('k', 'new');
    assert.equal(cache.size, 1);
    assert.equal(cache.get('k'), 'new');
    cache.clear();
    assert.equal(cache.get('k'), undefined);
  });

  it('keeps nothing at capacity zero', () => {
    const cache = new LruCache<number>(0);
    cache.set('a', 1);
    assert.equal(cache.size, 0);
  });
});

describe('typedThrough', () => {
  const shown = { prefix: 'const total = items.', suffix: '\n}', text: 'reduce((a, b) => a + b, 0);' };

  it('serves the rest of the suggestion while the user types what it says', () => {
    assert.equal(typedThrough(shown, 'const total = items.r', '\n}'), 'educe((a, b) => a + b, 0);');
    assert.equal(typedThrough(shown, 'const total = items.red', '\n}'), 'uce((a, b) => a + b, 0);');
  });

  it('lets go when the typing departs from the suggestion', () => {
    assert.equal(typedThrough(shown, 'const total = items.m', '\n}'), undefined);
  });

  it('lets go when the suffix changed, the cursor went back, or the suggestion was used up', () => {
    assert.equal(typedThrough(shown, 'const total = items.r', '\n}\n'), undefined);
    assert.equal(typedThrough(shown, 'const total = items', '\n}'), undefined);
    assert.equal(typedThrough(shown, 'const total = items.', '\n}'), undefined, 'nothing typed: the cache answers that');
    assert.equal(typedThrough(shown, `const total = items.${shown.text}`, '\n}'), undefined);
    assert.equal(typedThrough(undefined, 'x', ''), undefined);
  });

  it('does not match a prefix that only ends like the shown one', () => {
    assert.equal(typedThrough(shown, 'let const total = items.r', '\n}'), undefined);
  });
});

describe('AdaptiveDebounce', () => {
  it('uses a fixed delay when one is set', () => {
    const debounce = new AdaptiveDebounce();
    assert.equal(debounce.delayMs(120), 120);
    assert.equal(debounce.delayMs(0), 0);
  });

  it('waits a little longer than the typing rhythm, within bounds', () => {
    const debounce = new AdaptiveDebounce();
    assert.equal(debounce.delayMs('auto'), 75, 'no rhythm yet');
    for (let t = 0; t <= 1000; t += 100) debounce.noteKeystroke(t);
    assert.equal(debounce.delayMs('auto'), 120);
    const fast = new AdaptiveDebounce();
    for (let t = 0; t <= 200; t += 10) fast.noteKeystroke(t);
    assert.equal(fast.delayMs('auto'), 30, 'never below the floor');
    const slow = new AdaptiveDebounce();
    for (let t = 0; t <= 9000; t += 900) slow.noteKeystroke(t);
    assert.equal(slow.delayMs('auto'), 250, 'never above the ceiling');
  });

  it('ignores pauses when it learns the rhythm', () => {
    const debounce = new AdaptiveDebounce();
    for (let t = 0; t <= 500; t += 100) debounce.noteKeystroke(t);
    debounce.noteKeystroke(60_000);
    assert.equal(debounce.delayMs('auto'), 120);
  });
});

describe('CompletionGate', () => {
  const settings = { enabled: true, languages: { '*': true, markdown: false } };

  it('follows the global switch and the per-language map, with "*" as the default', () => {
    const gate = new CompletionGate();
    assert.equal(gate.allows(settings, 'typescript', 0), true);
    assert.equal(gate.allows(settings, 'markdown', 0), false);
    assert.equal(gate.allows({ ...settings, enabled: false }, 'typescript', 0), false);
    assert.equal(gate.allows({ enabled: true, languages: { '*': false, python: true } }, 'python', 0), true);
    assert.equal(gate.allows({ enabled: true, languages: { '*': false, python: true } }, 'go', 0), false);
  });

  it('snoozes for the given minutes and wakes up by itself', () => {
    const gate = new CompletionGate();
    gate.snooze(1_000, 5);
    assert.equal(gate.allows(settings, 'typescript', 1_000 + 5 * 60_000 - 1), false);
    assert.equal(gate.snoozeEnd(2_000), 1_000 + 5 * 60_000);
    assert.equal(gate.allows(settings, 'typescript', 1_000 + 5 * 60_000), true);
    assert.equal(gate.snoozeEnd(1_000 + 5 * 60_000), undefined);
  });

  it('resumes early', () => {
    const gate = new CompletionGate();
    gate.snooze(0, 60);
    gate.resume();
    assert.equal(gate.allows(settings, 'typescript', 1), true);
  });
});

describe('completion stats', () => {
  const stats = {
    requests: 10, engineCalls: 4, typedThrough: 3, cacheHits: 2, prefetches: 2, prefetched: 2, prefetchHits: 1,
    last: { latencyMs: 212.4, evaluatedTokens: 3, reusedTokens: 411, generatedTokens: 12, tokensPerSecond: 17.26 },
  };

  it('counts typed-through, cache and prefetch hits as served without the model', () => {
    assert.equal(hitRate(stats), 0.6);
    assert.equal(hitRate({ ...stats, requests: 0 }), 0);
  });

  it('puts latency, tokens/s, tokens evaluated and the hit rate in the tooltip', () => {
    const text = statsTooltip(stats);
    assert.match(text, /10 requests, 4 engine calls/);
    assert.match(text, /60% \(3 typed-through, 2 cache, 1 prefetched\)/);
    assert.match(text, /Last: 212 ms, 17\.3 tokens\/s, 3 tokens evaluated, 411 reused/);
  });
});
