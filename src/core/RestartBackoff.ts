// How long to wait before starting the engine again after it died, and when to stop trying.
// The first restart is immediate (a single crash should cost the user nothing); repeated crashes
// back off exponentially so a model that kills the engine on every request cannot spin the CPU;
// and a burst of crashes (3 within a minute) stops automatic restarts until the user asks.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** This many crashes within `windowMs` stop automatic restarts. */
  giveUpAfter: number;
  windowMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, giveUpAfter: 3, windowMs: 60_000 };

/** For a server that is down or failing: try again at once, then after 1, 2, 4… up to 30 s, and never give up. */
export const RETRY_FOREVER: BackoffOptions = { baseMs: 1000, maxMs: 30_000, giveUpAfter: Number.POSITIVE_INFINITY, windowMs: 60_000 };

export class RestartBackoff {
  private crashes = 0;
  private crashTimes: number[] = [];

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF, private readonly now: () => number = Date.now) {}

  recordCrash(): void {
    this.crashes++;
    const now = this.now();
    this.crashTimes = [...this.crashTimes.filter((time) => now - time < this.options.windowMs), now];
  }

  recordSuccess(): void {
    this.crashes = 0;
  }

  /** Forgets everything: the user asked for a restart. */
  reset(): void {
    this.crashes = 0;
    this.crashTimes = [];
  }

  /** Delay before the next start, given the crashes since the last success. */
  get delayMs(): number {
    if (this.crashes <= 1) return 0;
    return Math.min(this.options.baseMs * 2 ** (this.crashes - 2), this.options.maxMs);
  }

  /** True once `giveUpAfter` crashes fell within `windowMs`: no more automatic restarts. */
  get gaveUp(): boolean {
    const now = this.now();
    return this.crashTimes.filter((time) => now - time < this.options.windowMs).length >= this.options.giveUpAfter;
  }
}
