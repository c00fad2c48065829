// CompletionPipeline in time: the debounce, typed-through, the LRU cache, prefetch and newest-wins. Time moves only
// when a test advances the fake clock, and each engine call waits until the test answers it, so every step can be
// looked at between two events, and the file runs in milliseconds without a real timer.
import { strict as assert } from 'node:assert';
import {
  CompletionPipeline, type Clock, type CompletionQuery, type EngineCall, type PipelineSettings, type Suggestion,
} from '../../src/core/completion/CompletionPipeline';
import type { CompleteParams, CompleteResult, StopReason } from '../../src/protocol/engineProtocol';

/** Lets every promise chain that can run, run: one turn of the event loop, not a wait on time. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A clock whose time moves only in `advance`. A sleep ends at its deadline then, or at once when its signal aborts. */
class FakeClock implements Clock {
  private time = 0;
  private sleepers: { until: number; wake: () => void }[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (ms <= 0 || signal.aborted) {
        resolve();
        return;
      }
      const sleeper = {
        until: this.time + ms,
        wake: () => {
          this.sleepers = this.sleepers.filter((other) => other !== sleeper);
          signal.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  /** Sleeps not yet ended. */
  get sleeping(): number {
    return this.sleepers.length;
  }

  /** Moves time on by `ms`, waking each sleeper at its own deadline, earliest first, and letting what it wakes run. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      // A stable sort keeps sleeps with the same deadline in the order they began.
      const next = this.sleepers.filter((sleeper) => sleeper.until <= end).sort((a, b) => a.until - b.until)[0];
      if (!next) break;
      this.time = next.until;
      next.wake();
      await flush();
    }
    this.time = end;
    await flush();
  }
}

interface EngineRequest {
  params: CompleteParams;
  signal: AbortSignal;
  /** Answers the request and lets the pipeline take the answer in. */
  answer(text: string, stopReason?: StopReason, alternatives?: string[]): Promise<void>;
}

/** Records each call and leaves it open until the test answers; an aborted call rejects, as the engine client's does. */
function fakeEngine() {
  const requests: EngineRequest[] = [];
  const call: EngineCall = (params, signal) =>
    new Promise<CompleteResult>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
      requests.push({
        params,
        signal,
        answer: async (text, stopReason = 'newline', alternatives = []) => {
          resolve(result(text, stopReason, alternatives));
          await flush();
        },
      });
    });
  return { requests, call };
}

function result(text: string, stopReason: StopReason, alternatives: string[]): CompleteResult {
  return {
    text, alternatives, generatedTokens: 4, evaluatedTokens: 9, reusedTokens: 0, usedFim: true, stopReason, tokensAfterStop: 0,
    predictedTokens: { validated: 0, refuted: 0 }, promptMs: 1, generationMs: 1, durationMs: 2, trace: [],
  };
}

const SETTINGS: PipelineSettings = {
  maxTokens: 16, budgets: { prefix: 1024, suffix: 256, extra: 512 }, layout: 'spm', maxPromptMs: 0, maxGenerationMs: 0,
  alternatives: 3, debounce: 100, prefetch: false, trace: false,
};

/** One line asked for; post-processing leaves ` + 1;` and ` // y` as they are after it. */
const QUERY: CompletionQuery = { prefix: 'let y = x', suffix: '\n', extraContext: '', singleLine: true, maxLines: 1, manual: false };
const TEXT = ' + 1;';

/** The query after typing `typed` at the cursor. */
const typing = (typed: string): CompletionQuery => ({ ...QUERY, prefix: QUERY.prefix + typed });

/** What a test compares of a suggestion: the engine's report is left out. */
const view = (suggestion: Suggestion | undefined) => suggestion && { source: suggestion.source, items: suggestion.items };

/** A request in flight, whose outcome a test can look at without waiting for it. */
interface Pending {
  done: boolean;
  suggestion: Suggestion | undefined;
  promise: Promise<Suggestion | undefined>;
}

function setup(settings: Partial<PipelineSettings> = {}, model = { key: 'a.gguf' }) {
  const clock = new FakeClock();
  const engine = fakeEngine();
  const pipeline = new CompletionPipeline(engine.call, clock, () => ({ ...SETTINGS, ...settings }), () => model.key);
  const ask = (query: CompletionQuery, signal = new AbortController().signal): Pending => {
    const pending: Pending = { done: false, suggestion: undefined, promise: Promise.resolve(undefined) };
    pending.promise = pipeline.complete(query, signal).then((suggestion) => {
      pending.done = true;
      pending.suggestion = suggestion;
      return suggestion;
    });
    return pending;
  };
  /** What the pipeline answers before any time passes or the engine answers: a suggestion from memory, or 'waiting'. */
  const atOnce = async (query: CompletionQuery) => {
    const pending = ask(query);
    await flush();
    return pending.done ? view(pending.suggestion) : 'waiting';
  };
  /** Asks, lets the debounce pass and answers `text` from the engine: a suggestion now shown. */
  const answered = async (query: CompletionQuery, text = TEXT): Promise<Suggestion | undefined> => {
    const before = engine.requests.length;
    const pending = ask(query);
    await clock.advance(1000);
    assert.equal(engine.requests.length, before + 1, 'the query went to the engine');
    await engine.requests[before]?.answer(text);
    return pending.promise;
  };
  return { clock, engine, pipeline, ask, atOnce, answered };
}

describe('CompletionPipeline on a fake clock', () => {
  describe('debounce', () => {
    it('asks the engine only once the set debounce has passed', async () => {
      const { clock, engine, ask } = setup({ debounce: 100 });
      const pending = ask(QUERY);
      await flush();
      assert.equal(engine.requests.length, 0, 'not at once');
      await clock.advance(99);
      assert.equal(engine.requests.length, 0, 'not before the debounce ends');
      await clock.advance(1);
      assert.equal(engine.requests.length, 1);
      assert.equal(engine.requests[0]?.params.prefix, QUERY.prefix);
      await engine.requests[0]?.answer(TEXT);
      assert.deepEqual(view(await pending.promise), { source: 'engine', items: [TEXT] });
    });

    for (const gap of [20, 100, 200]) {
      it(`with "auto", waits a little longer than a ${gap} ms typing rhythm before asking`, async () => {
        const { clock, engine, ask } = setup({ debounce: 'auto' });
        let cancel = new AbortController();
        for (const [i, typed] of [' ', ' +', ' + ', ' + 1'].entries()) {
          if (i > 0) await clock.advance(gap);
          // As VS Code does, each keystroke cancels the request of the one before.
          cancel.abort();
          cancel = new AbortController();
          ask(typing(typed), cancel.signal);
        }
        const askedForLast = () => engine.requests.filter((request) => request.params.prefix === typing(' + 1').prefix).length;
        // Waiting out the typist's own gap lets the next keystroke, if any, arrive before the engine is asked.
        await clock.advance(gap);
        assert.equal(askedForLast(), 0, 'not asked within one gap of the last keystroke');
        await clock.advance(gap / 2);
        assert.equal(askedForLast(), 1, 'asked within half a gap more');
      });
    }

    it('asks the engine at once on a manual trigger, and for alternatives', async () => {
      const { engine, ask } = setup({ debounce: 100, alternatives: 3 });
      const pending = ask({ ...QUERY, manual: true });
      await flush();
      assert.equal(engine.requests.length, 1, 'no debounce for an explicit request');
      assert.equal(engine.requests[0]?.params.alternatives, 3);
      await engine.requests[0]?.answer(TEXT, 'newline', [' - 1;', ' * 2;']);
      assert.deepEqual(view(await pending.promise), { source: 'engine', items: [TEXT, ' - 1;', ' * 2;'] });
    });
  });

  describe('typed-through', () => {
    it('serves the rest of the shown suggestion while the user types it, at once and without the engine', async () => {
      const { engine, pipeline, atOnce, answered } = setup();
      await answered(QUERY);
      for (const [typed, rest] of [[' ', '+ 1;'], [' +', ' 1;'], [' + 1', ';']] as const) {
        assert.deepEqual(await atOnce(typing(typed)), { source: 'typedThrough', items: [rest] }, `after "${typed}"`);
      }
      assert.equal(engine.requests.length, 1);
      assert.equal(pipeline.stats.snapshot().typedThrough, 3);
    });

    it('asks the engine again, after the debounce, once the typing departs from the suggestion', async () => {
      const { clock, engine, ask, answered } = setup({ debounce: 100 });
      await answered(QUERY);
      const pending = ask(typing(' -'));
      await flush();
      assert.equal(pending.done, false);
      await clock.advance(100);
      assert.equal(engine.requests.length, 2);
      assert.equal(engine.requests[1]?.params.prefix, typing(' -').prefix);
      await engine.requests[1]?.answer(' 1;');
      assert.deepEqual(view(await pending.promise), { source: 'engine', items: [' 1;'] });
    });

    it('types through a suggestion that the cache showed, too', async () => {
      const { engine, atOnce, answered } = setup();
      await answered(QUERY);
      await answered(typing(' -'), ' 1;');
      // Back at the first position: the cache shows ` + 1;` again, and typing follows it, not ` 1;`.
      assert.deepEqual(await atOnce(QUERY), { source: 'cache', items: [TEXT] });
      assert.deepEqual(await atOnce(typing(' +')), { source: 'typedThrough', items: [' 1;'] });
      assert.equal(engine.requests.length, 2);
    });
  });

  describe('the LRU cache', () => {
    const other = (i: number): CompletionQuery => ({ ...QUERY, prefix: `let v${i} = x` });

    /** `count` other positions from `from` on, each answered by the engine and so cached. */
    async function answerOthers(answered: (query: CompletionQuery) => Promise<unknown>, from: number, count: number) {
      for (let i = from; i < from + count; i++) await answered(other(i));
    }

    it('evicts the oldest suggestion once 200 newer ones are cached', async () => {
      const { engine, atOnce, answered } = setup({ debounce: 0 });
      await answered(QUERY);
      await answerOthers(answered, 1, 200);
      assert.deepEqual(await atOnce(other(1)), { source: 'cache', items: [TEXT] }, 'the oldest of the 200 others is kept');
      assert.equal(await atOnce(QUERY), 'waiting', 'the first one is gone');
      assert.equal(engine.requests.length, 1 + 200 + 1);
    });

    it('keeps a suggestion used lately, and evicts the least recently used one instead', async () => {
      const { engine, atOnce, answered } = setup({ debounce: 0 });
      await answered(QUERY);
      await answerOthers(answered, 1, 199);
      assert.deepEqual(await atOnce(QUERY), { source: 'cache', items: [TEXT] }, 'a read: now the most recently used');
      await answerOthers(answered, 200, 1);
      assert.deepEqual(await atOnce(QUERY), { source: 'cache', items: [TEXT] }, 'survives the 201st entry');
      assert.equal(await atOnce(other(1)), 'waiting', 'the least recently used entry went instead');
      assert.equal(engine.requests.length, 1 + 200 + 1);
    });
  });

  describe('prefetch', () => {
    it('asks in the background for what follows the suggestion, and serves it when the user accepts', async () => {
      const { engine, pipeline, atOnce, answered } = setup({ prefetch: true });
      assert.equal(view(await answered(QUERY))?.source, 'engine', 'the suggestion does not wait for the prefetch');
      assert.equal(engine.requests.length, 2);
      const prefetch = engine.requests[1];
      assert.equal(prefetch?.params.prefix, typing(TEXT).prefix, 'asked at the position after accepting');
      assert.equal(prefetch?.params.suffix, QUERY.suffix);
      assert.equal(prefetch?.params.alternatives, 1);
      await prefetch?.answer(' // y');
      assert.deepEqual(await atOnce(typing(TEXT)), { source: 'prefetch', items: [' // y'] }, 'served at once after accepting');
      assert.equal(engine.requests.length, 2, 'no engine call for the accepted position');
      assert.equal(pipeline.stats.snapshot().prefetchHits, 1);
    });

    it('does not prefetch when it is off', async () => {
      const { engine, answered } = setup({ prefetch: false });
      await answered(QUERY);
      await flush();
      assert.equal(engine.requests.length, 1);
    });

    it('does not prefetch after an answer cut short, which may not be what the model would say', async () => {
      const { engine, clock, ask } = setup({ prefetch: true });
      const pending = ask(QUERY);
      await clock.advance(100);
      await engine.requests[0]?.answer(TEXT, 'generationBudget');
      assert.equal(view(await pending.promise)?.source, 'engine');
      assert.equal(engine.requests.length, 1);
    });

    it('serves a prefetched suggestion only for the model that made it', async () => {
      const model = { key: 'a.gguf' };
      const { engine, atOnce, answered } = setup({ prefetch: true }, model);
      await answered(QUERY);
      await engine.requests[1]?.answer(' // y');
      model.key = 'b.gguf';
      assert.equal(await atOnce(typing(TEXT)), 'waiting', 'another model is asked');
      model.key = 'a.gguf';
      assert.deepEqual(await atOnce(typing(TEXT)), { source: 'prefetch', items: [' // y'] });
    });
  });

  describe('newest wins', () => {
    it('aborts the engine call of an older request when a newer one reaches the engine; only the newest is answered', async () => {
      const { clock, engine, ask } = setup({ debounce: 100 });
      const older = ask(QUERY);
      await clock.advance(100);
      const newer = ask(typing(' -'));
      await clock.advance(100);
      assert.equal(engine.requests.length, 2);
      assert.equal(engine.requests[0]?.signal.aborted, true, 'the older call is aborted');
      assert.equal(engine.requests[1]?.signal.aborted, false);
      assert.equal(await older.promise, undefined);
      await engine.requests[1]?.answer(' 1;');
      assert.deepEqual(view(await newer.promise), { source: 'engine', items: [' 1;'] });
    });

    it('answers only the newest of requests that arrive during one debounce, with every older engine call aborted', async () => {
      const { clock, engine, ask } = setup({ debounce: 100 });
      // Neither caller cancels here: the pipeline alone must keep the newest.
      const older = ask(QUERY);
      await clock.advance(50);
      const newer = ask(typing(' -'));
      await clock.advance(100);
      const last = engine.requests.at(-1);
      assert.equal(last?.params.prefix, typing(' -').prefix, 'the newest query is at the engine');
      assert.ok(engine.requests.slice(0, -1).every((request) => request.signal.aborted));
      await last?.answer(' 1;');
      assert.equal(await older.promise, undefined);
      assert.deepEqual(view(await newer.promise), { source: 'engine', items: [' 1;'] });
    });

    it('answers the newest even when the adaptive debounce of an older request ends after that of the newer', async () => {
      const { clock, engine, ask } = setup({ debounce: 'auto' });
      // No rhythm yet: the first waits the default. A 10 ms gap shortens the second's wait, so it asks first.
      const older = ask(QUERY);
      await clock.advance(10);
      const newer = ask(typing(' -'));
      await clock.advance(1000);
      assert.deepEqual(engine.requests.map((request) => request.params.prefix), [typing(' -').prefix], 'only the newest asked the engine');
      await engine.requests[0]?.answer(' 1;');
      assert.equal(await older.promise, undefined);
      assert.deepEqual(view(await newer.promise), { source: 'engine', items: [' 1;'] });
    });

    it('a newer request takes the engine from a prefetch, which then leaves nothing cached', async () => {
      const { clock, engine, ask, atOnce, answered } = setup({ prefetch: true, debounce: 100 });
      await answered(QUERY);
      const prefetch = engine.requests[1];
      const pending = ask(typing(' -'));
      await clock.advance(100);
      assert.equal(prefetch?.signal.aborted, true);
      await engine.requests[2]?.answer(' 1;');
      assert.equal(view(await pending.promise)?.source, 'engine');
      assert.equal(await atOnce(typing(TEXT)), 'waiting', 'the aborted prefetch cached nothing');
    });

    it('never asks the engine for a request its caller cancels during the debounce', async () => {
      const { clock, engine, ask } = setup({ debounce: 100 });
      const cancel = new AbortController();
      const pending = ask(QUERY, cancel.signal);
      await clock.advance(50);
      cancel.abort();
      await flush();
      assert.ok(pending.done, 'the debounce ends early');
      assert.equal(pending.suggestion, undefined);
      assert.equal(clock.sleeping, 0);
      await clock.advance(1000);
      assert.equal(engine.requests.length, 0);
    });

    it('aborts the engine call when the caller cancels, and answers nothing', async () => {
      const { clock, engine, ask } = setup({ debounce: 100 });
      const cancel = new AbortController();
      const pending = ask(QUERY, cancel.signal);
      await clock.advance(100);
      cancel.abort();
      assert.equal(engine.requests[0]?.signal.aborted, true);
      assert.equal(await pending.promise, undefined);
    });

    for (const stopReason of ['superseded', 'cancelled'] as const) {
      it(`drops an answer the engine reports as ${stopReason}: not shown, not cached, nothing to type through`, async () => {
        const { clock, engine, ask, atOnce } = setup({ debounce: 100 });
        const pending = ask(QUERY);
        await clock.advance(100);
        await engine.requests[0]?.answer(TEXT, stopReason);
        assert.equal(await pending.promise, undefined);
        assert.equal(await atOnce(QUERY), 'waiting', 'not cached');
        assert.equal(await atOnce(typing(' ')), 'waiting', 'not typed through');
      });
    }
  });
});
