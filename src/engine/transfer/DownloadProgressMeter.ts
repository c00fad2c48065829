// Turns the downloader's frequent progress callbacks into at most ~10 events a second, with a speed measured over the
// last few seconds, and remembers when bytes last moved (a stalled download is detected from that).
import type { DownloadProgress } from '../../protocol/engineProtocol';

const MIN_INTERVAL_MS = 100;
/** Long enough to smooth chunk bursts, short enough to follow a change of network. */
const SPEED_WINDOW_MS = 3000;

interface Sample {
  at: number;
  bytes: number;
}

export class DownloadProgressMeter {
  private samples: Sample[] = [];
  private lastEmitAt = -Infinity;
  private lastBytes = -1;
  private lastMoveAt: number;

  constructor(private readonly emit: (progress: DownloadProgress) => void, private readonly now: () => number = Date.now) {
    this.lastMoveAt = now();
  }

  /** Milliseconds since the downloaded byte count last changed (or since the meter was made). */
  get idleMs(): number {
    return this.now() - this.lastMoveAt;
  }

  /** Starts the idle clock again (when the transfer itself starts, after the time spent asking for the file's size). */
  resetIdle(): void {
    this.lastMoveAt = this.now();
  }

  update(downloadedBytes: number, totalBytes: number): void {
    const at = this.now();
    if (downloadedBytes !== this.lastBytes) this.lastMoveAt = at;
    // A retried chunk is counted again from its start: the window restarts rather than show a negative speed.
    if (downloadedBytes < this.lastBytes) this.samples = [];
    this.lastBytes = downloadedBytes;
    this.samples.push({ at, bytes: downloadedBytes });
    while (this.samples.length > 2 && at - (this.samples[1]?.at ?? at) >= SPEED_WINDOW_MS) this.samples.shift();
    if (at - this.lastEmitAt < MIN_INTERVAL_MS) return;
    this.lastEmitAt = at;
    this.emit({ downloadedBytes, totalBytes, bytesPerSecond: this.speed(at, downloadedBytes) });
  }

  /** The last event: every byte is in (sent even when the previous event was just now). */
  finish(totalBytes: number): void {
    const at = this.now();
    this.emit({ downloadedBytes: totalBytes, totalBytes, bytesPerSecond: this.speed(at, totalBytes) });
  }

  private speed(at: number, bytes: number): number {
    const first = this.samples[0];
    if (!first || at <= first.at) return 0;
    return Math.max(0, Math.round(((bytes - first.bytes) * 1000) / (at - first.at)));
  }
}
