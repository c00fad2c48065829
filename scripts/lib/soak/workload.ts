// The soak's requests, drawn from a seeded random source over a code corpus: a user typing on and jumping about a
// file, with completions that finish, are cancelled or are superseded by the next keystroke, Lens queries beside
// them and now and then a heatmap pass.
import type { CompletionQuery } from '../../../src/core/completion/CompletionPipeline';
import { Prng } from './prng';

/** awaited: the user waits for it; cancelled: aborted 0–50 ms in; superseded: the next request comes at once. */
export type CompletionMode = 'awaited' | 'cancelled' | 'superseded';

export type SoakOp =
  | { kind: 'complete'; query: CompletionQuery; mode: CompletionMode; cancelAfterMs: number }
  | {
    kind: 'distribution';
    text: string;
    /** Ranks in the previous query's top list: the tree nodes the user clicks through (0–3 of them). */
    pathRanks: number[];
    backUpToBoundary: boolean;
    /** null: not cancelled. */
    cancelAfterMs: number | null;
    /** Runs beside the next request instead of before it, as the Lens does beside typing. */
    overlap: boolean;
  }
  | { kind: 'surprisal'; text: string; cancelAfterMs: number | null };

export const MIX = { complete: 0.8, distribution: 0.18 } as const;
// Windows of the file around the cursor. The oracle is char-level, so these are token counts too: short enough that a
// jump (a cold prompt) stays cheap over 10,000 requests, long enough to exercise KV reuse and the prompt budgets.
const PREFIX_CHARS = 800;
const SUFFIX_CHARS = 200;
/** How often the cursor jumps elsewhere instead of typing on. */
const JUMP = 0.2;
const MIN_CUT = 20;

export class SoakWorkload {
  private readonly rng: Prng;
  private cursor = MIN_CUT;

  constructor(private readonly corpus: string, seed: number) {
    if (corpus.length < MIN_CUT * 4) throw new Error('the soak corpus is too short');
    this.rng = new Prng(seed);
  }

  next(): SoakOp {
    this.moveCursor();
    const roll = this.rng.next();
    if (roll < MIX.complete) return this.completion();
    if (roll < MIX.complete + MIX.distribution) return this.distribution();
    return this.surprisal();
  }

  /** Mostly typing on (1–3 characters), sometimes a jump elsewhere in the file. */
  private moveCursor(): void {
    const typed = this.cursor + this.rng.int(1, 3);
    this.cursor = !this.rng.chance(JUMP) && typed < this.corpus.length - 1 ? typed : this.rng.int(MIN_CUT, this.corpus.length - 1);
  }

  private completion(): SoakOp {
    const lineEnd = this.corpus.indexOf('\n', this.cursor);
    const rest = this.corpus.slice(this.cursor, lineEnd < 0 ? undefined : lineEnd);
    const query: CompletionQuery = {
      prefix: this.corpus.slice(Math.max(0, this.cursor - PREFIX_CHARS), this.cursor),
      suffix: this.corpus.slice(this.cursor, this.cursor + SUFFIX_CHARS),
      extraContext: '',
      singleLine: rest.trim().length > 0,
      maxLines: 4,
      manual: this.rng.chance(0.05),
    };
    const roll = this.rng.next();
    const mode: CompletionMode = roll < 0.6 ? 'awaited' : roll < 0.85 ? 'cancelled' : 'superseded';
    return { kind: 'complete', query, mode, cancelAfterMs: this.rng.int(0, 50) };
  }

  private distribution(): SoakOp {
    const pathRanks = Array.from({ length: this.rng.int(0, 3) }, () => this.rng.int(0, 5));
    const midWord = /\w/.test(this.corpus[this.cursor - 1] ?? '');
    return {
      kind: 'distribution',
      text: this.corpus.slice(Math.max(0, this.cursor - PREFIX_CHARS), this.cursor),
      pathRanks,
      backUpToBoundary: midWord && this.rng.chance(0.5),
      cancelAfterMs: this.rng.chance(0.2) ? this.rng.int(0, 50) : null,
      overlap: this.rng.chance(0.5),
    };
  }

  /** A short text, as the heatmap scores a small file or a changed range. */
  private surprisal(): SoakOp {
    const start = this.rng.int(0, this.corpus.length - 400);
    return {
      kind: 'surprisal',
      text: this.corpus.slice(start, start + this.rng.int(80, 400)),
      cancelAfterMs: this.rng.chance(0.3) ? this.rng.int(0, 50) : null,
    };
  }
}
