// A small seeded random source, so that a soak run's sequence of requests can be replayed from its seed.
// Timing still varies between runs (when a cancellation lands), but the requests asked for do not.
import { seededRandom } from '../seededRandom';

export class Prng {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.random();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}
