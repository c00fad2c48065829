// How long to wait before starting the engine again after it died.
// The first restart is immediate (a single crash should cost the user nothing); repeated crashes
// back off exponentially so a model that kills the engine on every request cannot spin the CPU.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export class RestartBackoff {
  private crashes = 0;

  constructor(private readonly options: BackoffOptions = { baseMs: 500, maxMs: 30_000 }) {}

  recordCrash(): void {
    this.crashes++;
  }

  recordSuccess(): void {
    this.crashes = 0;
  }

  /** Delay before the next start, given the crashes since the last success. */
  get delayMs(): number {
    if (this.crashes <= 1) return 0;
    return Math.min(this.options.baseMs * 2 ** (this.crashes - 2), this.options.maxMs);
  }
}
