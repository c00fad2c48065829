// How many CPU threads llama.cpp gets. A setting of 100,000 once made the engine start about a thousand threads and
// hang, so a requested count is capped at the cores the machine has, in the settings reader (which says so) and again
// in the engine (which holds whatever reaches it to the same rule).

/** The thread count to run with: `requested` when it is > 0, capped at `cores`; else the cores that do math. */
export function engineThreads(requested: number, mathCores: number, cores: number): number {
  const available = Math.max(1, Math.floor(cores));
  if (!(requested > 0)) return Math.min(Math.max(1, Math.floor(mathCores)), available);
  return Math.min(Math.floor(requested), available);
}

export interface ThreadSetting {
  threads: number;
  problem?: string;
}

/** The `llamaLens.threads` value to use on a machine with `cores` cores, with a message when it had to be capped. */
export function threadSetting(requested: number, cores: number): ThreadSetting {
  const capped = requested > 0 ? engineThreads(requested, cores, cores) : 0;
  if (capped === requested) return { threads: requested };
  return { threads: capped, problem: `llamaLens.threads is ${requested}, more than this machine's ${capped} cores; using ${capped}.` };
}
