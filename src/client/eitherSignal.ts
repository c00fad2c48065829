// One AbortSignal for a request that two things can cancel: its caller, and whoever owns the work (a model change, a stop).

/**
 * A signal that aborts when either does, and a release that unhooks it. Not AbortSignal.any: on Node 20 the
 * long-lived signal kept an entry for every request made with it (the soak run saw the host heap grow about 90 bytes
 * a request).
 */
export function eitherSignal(a: AbortSignal | undefined, b: AbortSignal): { signal: AbortSignal; release: () => void } {
  const both = new AbortController();
  const abort = () => both.abort();
  const signals = a ? [a, b] : [b];
  for (const signal of signals) {
    if (signal.aborted) both.abort();
    else signal.addEventListener('abort', abort, { once: true });
  }
  return { signal: both.signal, release: () => signals.forEach((signal) => signal.removeEventListener('abort', abort)) };
}
