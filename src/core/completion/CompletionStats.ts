// Counters the status bar tooltip shows, and tests read: how often the model was asked, how
// often memory answered instead, and what the last engine call cost.
import type { CompleteResult } from '../../protocol/engineProtocol';

export interface CompletionStatsSnapshot {
  requests: number;
  engineCalls: number;
  typedThrough: number;
  cacheHits: number;
  prefetches: number;
  /** Prefetches that finished and wait in the cache. */
  prefetched: number;
  prefetchHits: number;
  last?: {
    latencyMs: number;
    evaluatedTokens: number;
    reusedTokens: number;
    generatedTokens: number;
    tokensPerSecond: number;
  };
}

export class CompletionStats {
  private counts: CompletionStatsSnapshot = {
    requests: 0,
    engineCalls: 0,
    typedThrough: 0,
    cacheHits: 0,
    prefetches: 0,
    prefetched: 0,
    prefetchHits: 0,
  };

  recordRequest(): void {
    this.counts.requests++;
  }

  recordMemoryHit(source: 'typedThrough' | 'cache' | 'prefetch'): void {
    if (source === 'typedThrough') this.counts.typedThrough++;
    else if (source === 'cache') this.counts.cacheHits++;
    else this.counts.prefetchHits++;
  }

  recordPrefetch(): void {
    this.counts.prefetches++;
  }

  recordPrefetched(): void {
    this.counts.prefetched++;
  }

  recordEngine(result: CompleteResult, latencyMs: number): void {
    this.counts.engineCalls++;
    this.counts.last = {
      latencyMs,
      evaluatedTokens: result.evaluatedTokens,
      reusedTokens: result.reusedTokens,
      generatedTokens: result.generatedTokens,
      tokensPerSecond: result.generationMs > 0 ? (result.generatedTokens * 1000) / result.generationMs : 0,
    };
  }

  snapshot(): CompletionStatsSnapshot {
    return { ...this.counts, last: this.counts.last && { ...this.counts.last } };
  }
}

/** Share of requests answered without the model: typed-through, cache and prefetch hits. */
export function hitRate(stats: CompletionStatsSnapshot): number {
  const hits = stats.typedThrough + stats.cacheHits + stats.prefetchHits;
  return stats.requests === 0 ? 0 : hits / stats.requests;
}

export function statsTooltip(stats: CompletionStatsSnapshot): string {
  const lines = [
    `Completions: ${stats.requests} requests, ${stats.engineCalls} engine calls`,
    `Served without the model: ${Math.round(hitRate(stats) * 100)}% (${stats.typedThrough} typed-through, ${stats.cacheHits} cache, ${stats.prefetchHits} prefetched)`,
  ];
  const { last } = stats;
  if (last) {
    lines.push(
      `Last: ${Math.round(last.latencyMs)} ms, ${last.tokensPerSecond.toFixed(1)} tokens/s, ${last.evaluatedTokens} tokens evaluated, ${last.reusedTokens} reused`,
    );
  }
  return lines.join('\n');
}
