// How long to wait after a keystroke before asking the model. A request that the next keystroke
// supersedes wastes engine time, so during a burst of typing we wait a little longer than the
// typist's own rhythm; after a pause, the first keystroke is answered almost at once.

export type DebounceSetting = 'auto' | number;

/** Gaps longer than this are pauses, not typing rhythm. */
const PAUSE_MS = 1000;
const AUTO_MIN_MS = 30;
const AUTO_MAX_MS = 250;
const AUTO_INITIAL_MS = 75;
/** Weight of the newest gap in the moving average. */
const SMOOTHING = 0.3;

export class AdaptiveDebounce {
  private lastKeystroke: number | undefined;
  private averageGap: number | undefined;

  /** Records a keystroke at `now` (ms). */
  noteKeystroke(now: number): void {
    if (this.lastKeystroke !== undefined) {
      const gap = now - this.lastKeystroke;
      if (gap > 0 && gap <= PAUSE_MS) {
        this.averageGap = this.averageGap === undefined ? gap : SMOOTHING * gap + (1 - SMOOTHING) * this.averageGap;
      }
    }
    this.lastKeystroke = now;
  }

  delayMs(setting: DebounceSetting): number {
    if (setting !== 'auto') return Math.max(0, setting);
    if (this.averageGap === undefined) return AUTO_INITIAL_MS;
    return Math.round(Math.min(AUTO_MAX_MS, Math.max(AUTO_MIN_MS, this.averageGap * 1.2)));
  }
}
