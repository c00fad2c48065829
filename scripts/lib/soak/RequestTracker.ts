// Keeps every request the soak issued until it settles, so that a request that never answers is found (and the run
// does not hang waiting for it).

/** empty: settled with nothing to show (superseded, or no text); error: anything but a cancellation. */
export type Outcome = 'answered' | 'empty' | 'cancelled' | 'error';

export interface Settled {
  outcome: Outcome;
  error?: string;
}

interface Entry {
  kind: string;
  startedAt: number;
}

export class RequestTracker {
  private readonly pending = new Map<number, Entry>();
  private readonly waiters = new Set<() => void>();
  private nextId = 0;
  readonly outcomes: Record<string, Record<Outcome, number>> = {};
  readonly errors: string[] = [];
  /** Time from issue to settling, summed per kind: what each kind costs the run. */
  readonly totalMs: Record<string, number> = {};

  get size(): number {
    return this.pending.size;
  }

  /** `work` must not reject: it reports how the request ended. */
  track(kind: string, work: Promise<Settled>): Promise<Settled> {
    const id = this.nextId++;
    const startedAt = performance.now();
    this.pending.set(id, { kind, startedAt });
    return work.then((settled) => {
      this.pending.delete(id);
      this.totalMs[kind] = (this.totalMs[kind] ?? 0) + performance.now() - startedAt;
      const counts = (this.outcomes[kind] ??= { answered: 0, empty: 0, cancelled: 0, error: 0 });
      counts[settled.outcome]++;
      // The first few are enough to see what went wrong.
      if (settled.outcome === 'error' && this.errors.length < 20) this.errors.push(`${kind}: ${settled.error ?? 'unknown'}`);
      this.wakeAll();
      return settled;
    });
  }

  /** Resolves when at most `count` requests are pending. */
  async waitUntilAtMost(count: number): Promise<void> {
    while (this.pending.size > count) await new Promise<void>((resolve) => this.waiters.add(resolve));
  }

  private wakeAll(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Waits up to `timeoutMs` for every request to settle; returns what is still pending then. */
  async drain(timeoutMs: number): Promise<{ kind: string; ageMs: number }[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.waitUntilAtMost(0), timeout]);
    clearTimeout(timer);
    const now = performance.now();
    return [...this.pending.values()].map(({ kind, startedAt }) => ({ kind, ageMs: Math.round(now - startedAt) }));
  }
}
