// The inline-completion pipeline, free of VS Code and of the engine process, which are injected:
// typed-through -> cache -> debounce -> engine (newest wins) -> post-process -> cache, prefetch.
import type { CompleteParams, CompleteResult, FimLayout, TokenBudgets } from '../../protocol/engineProtocol';
import { postProcessCompletion } from '../postProcessCompletion';
import { AdaptiveDebounce, type DebounceSetting } from './AdaptiveDebounce';
import { LruCache } from './LruCache';
import { CompletionStats } from './CompletionStats';
import { typedThrough, type ShownSuggestion } from './typedThrough';

export interface CompletionQuery {
  prefix: string;
  suffix: string;
  extraContext: string;
  /** Mid-line, or one line asked for: the suggestion stays on the cursor's line. */
  singleLine: boolean;
  maxLines: number;
  /** Asked for by the user (Trigger Completion): no debounce, and alternatives to cycle through. */
  manual: boolean;
}

export interface PipelineSettings {
  maxTokens: number;
  budgets: TokenBudgets;
  layout: FimLayout;
  maxPromptMs: number;
  maxGenerationMs: number;
  /** Suggestions offered on a manual trigger. */
  alternatives: number;
  debounce: DebounceSetting;
  prefetch: boolean;
  /** Ask the engine for each token's probabilities (the Lens's completion inspector is open). */
  trace: boolean;
}

export type EngineCall = (params: CompleteParams, signal: AbortSignal) => Promise<CompleteResult>;

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export type SuggestionSource = 'typedThrough' | 'cache' | 'prefetch' | 'engine';

export interface Suggestion {
  items: string[];
  source: SuggestionSource;
  /** The engine's report, when the engine was asked. */
  result?: CompleteResult;
}

interface CacheEntry {
  items: string[];
  prefetched: boolean;
}

/** Stop reasons after which the text is only part of an answer: shown, never cached. */
const PARTIAL = new Set(['cancelled', 'superseded', 'promptBudget', 'generationBudget']);

export class CompletionPipeline {
  readonly stats = new CompletionStats();
  private readonly cache = new LruCache<CacheEntry>(200);
  private readonly debounce = new AdaptiveDebounce();
  private shown: ShownSuggestion | undefined;
  /** The one engine request this pipeline has running: a newer one aborts it. */
  private current: AbortController | undefined;
  /** Counts requests: one that a newer request overtook during its debounce gives up before it asks the engine. */
  private latest = 0;

  constructor(
    private readonly engine: EngineCall,
    private readonly clock: Clock,
    private readonly settings: () => PipelineSettings,
    /** Identifies the model: suggestions of another model are not reused. */
    private readonly modelKey: () => string,
  ) {}

  /** Forgets every suggestion, e.g. when the model changes. */
  reset(): void {
    this.cache.clear();
    this.shown = undefined;
    this.current?.abort();
  }

  async complete(query: CompletionQuery, signal: AbortSignal): Promise<Suggestion | undefined> {
    const started = this.clock.now();
    const ticket = ++this.latest;
    this.stats.recordRequest();
    if (!query.manual) this.debounce.noteKeystroke(started);
    const settings = this.settings();
    const served = this.fromMemory(query, settings);
    if (served) return served;
    if (!query.manual) {
      await this.clock.sleep(this.debounce.delayMs(settings.debounce), signal);
      // The adaptive delay can shrink between keystrokes, so an older request may wake after a newer one has asked.
      if (signal.aborted || ticket !== this.latest) return undefined;
    }
    const result = await this.ask(query, settings, signal);
    // Superseded in the engine by a newer completion from elsewhere: nobody is waiting for this one.
    if (!result || result.stopReason === 'superseded' || result.stopReason === 'cancelled') return undefined;
    this.stats.recordEngine(result, this.clock.now() - started);
    const items = this.clean(query, [result.text, ...result.alternatives]);
    if (!PARTIAL.has(result.stopReason)) this.cache.set(this.keyOf(query, settings), { items, prefetched: false });
    if (items[0] === undefined) return { items, source: 'engine', result };
    this.shown = { prefix: query.prefix, suffix: query.suffix, text: items[0] };
    if (settings.prefetch && !PARTIAL.has(result.stopReason)) this.prefetch(query, items[0], settings);
    return { items, source: 'engine', result };
  }

  private fromMemory(query: CompletionQuery, settings: PipelineSettings): Suggestion | undefined {
    if (!query.manual) {
      const rest = typedThrough(this.shown, query.prefix, query.suffix);
      if (rest !== undefined) {
        this.stats.recordMemoryHit('typedThrough');
        return { items: [rest], source: 'typedThrough' };
      }
    }
    const cached = this.cache.get(this.keyOf(query, settings));
    // A manual trigger wants alternatives: a single cached suggestion does not answer it.
    if (!cached || (query.manual && settings.alternatives > 1 && cached.items.length < 2)) return undefined;
    const source = cached.prefetched ? 'prefetch' : 'cache';
    this.stats.recordMemoryHit(source);
    if (cached.items[0] !== undefined) this.shown = { prefix: query.prefix, suffix: query.suffix, text: cached.items[0] };
    return { items: cached.items, source };
  }

  private async ask(query: CompletionQuery, settings: PipelineSettings, signal: AbortSignal): Promise<CompleteResult | undefined> {
    const controller = this.takeOver();
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.engine(this.paramsOf(query, settings, query.manual ? settings.alternatives : 1), controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return undefined;
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (this.current === controller) this.current = undefined;
    }
  }

  /** After a suggestion is shown, fetches the one that would follow accepting it. */
  private prefetch(query: CompletionQuery, text: string, settings: PipelineSettings): void {
    const next: CompletionQuery = { ...query, prefix: query.prefix + text, manual: false };
    const key = this.keyOf(next, settings);
    if (this.cache.has(key)) return;
    const controller = this.takeOver();
    this.stats.recordPrefetch();
    this.engine(this.paramsOf(next, settings, 1), controller.signal).then(
      (result) => {
        if (PARTIAL.has(result.stopReason)) return;
        this.cache.set(key, { items: this.clean(next, [result.text]), prefetched: true });
        this.stats.recordPrefetched();
      },
      () => undefined, // a prefetch that fails or is superseded costs nothing to drop
    ).finally(() => {
      if (this.current === controller) this.current = undefined;
    });
  }

  /** Newest wins: at most one engine request of this pipeline runs at a time. */
  private takeOver(): AbortController {
    this.current?.abort();
    const controller = new AbortController();
    this.current = controller;
    return controller;
  }

  private clean(query: CompletionQuery, texts: string[]): string[] {
    const context = { prefix: query.prefix, suffix: query.suffix, singleLine: query.singleLine, maxLines: query.maxLines };
    const items = texts.map((text) => postProcessCompletion(text, context)).filter((text) => text.length > 0);
    return [...new Set(items)];
  }

  private paramsOf(query: CompletionQuery, settings: PipelineSettings, alternatives: number): CompleteParams {
    return {
      prefix: query.prefix,
      suffix: query.suffix,
      extraContext: query.extraContext,
      budgets: settings.budgets,
      maxTokens: settings.maxTokens,
      stopAtNewline: query.singleLine,
      layout: settings.layout,
      maxPromptMs: settings.maxPromptMs,
      maxGenerationMs: settings.maxGenerationMs,
      alternatives,
      trace: settings.trace,
    };
  }

  private keyOf(query: CompletionQuery, settings: PipelineSettings): string {
    const { prefix, suffix, extraContext, singleLine, maxLines } = query;
    const { maxTokens, budgets, layout } = settings;
    return JSON.stringify([this.modelKey(), maxTokens, budgets, layout, singleLine, maxLines, extraContext, suffix, prefix]);
  }
}
