// How much CPU other processes use while a benchmark runs, from /proc (Linux). On a 2-core machine another job's
// two threads next to llama.cpp's two made decoding several times slower, so a benchmark waits for a quiet machine
// before each repetition, and repeats one that another process disturbed.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

interface CpuSample {
  /** Jiffies of all CPUs together: busy, and in all. */
  busy: number;
  total: number;
  /** Jiffies this process has run, all its threads. */
  self: number;
}

function sample(): CpuSample {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  // The process's own utime and stime: fields 14 and 15, counted after the command name's closing parenthesis.
  const own = readFileSync('/proc/self/stat', 'utf8');
  const after = own.slice(own.lastIndexOf(')') + 2).split(' ');
  return {
    busy: user + nice + system + irq + softirq + steal,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
    self: Number(after[11]) + Number(after[12]),
  };
}

/** Cores that processes other than this one kept busy between two samples. */
function otherCores(from: CpuSample, to: CpuSample): number {
  const elapsed = (to.total - from.total) / availableParallelism();
  return elapsed > 0 ? Math.max(0, (to.busy - from.busy - (to.self - from.self)) / elapsed) : 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until other processes use less than `maxCores` over a second, for at most `timeoutMs`. */
export async function waitForQuiet(maxCores: number, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const before = sample();
    await sleep(1000);
    if (otherCores(before, sample()) < maxCores) return;
  }
}

export interface QuietRun<T> {
  value: T;
  /** Cores other processes used while the accepted attempt ran. */
  otherCores: number;
  attempts: number;
}

/**
 * Runs `work` on a quiet machine: waits for quiet, runs it, and runs it again (up to `attempts` times) when other
 * processes used more than `maxCores` meanwhile. The last attempt is kept whatever happened; its load is reported.
 */
export async function quietly<T>(work: () => Promise<T>, maxCores = 0.25, attempts = 4): Promise<QuietRun<T>> {
  for (let attempt = 1; ; attempt++) {
    await waitForQuiet(maxCores, 10 * 60_000);
    const before = sample();
    const value = await work();
    const load = otherCores(before, sample());
    if (load < maxCores || attempt >= attempts) return { value, otherCores: load, attempts: attempt };
  }
}
