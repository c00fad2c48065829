// The soak run itself, shared by `npm run soak` (scripts/soak.ts) and its smoke test: warm up, take the start
// snapshot, issue the requests, wait for every one to settle, take the end snapshot, and hold them to the targets.
import type { EngineHealth } from '../../../src/protocol/engineProtocol';
import { buildReport, type SoakReport, type SoakSample, type SoakSnapshot } from './soakReport';
import { RequestTracker } from './RequestTracker';
import { SoakHost } from './SoakHost';
import { SoakWorkload, type SoakOp } from './workload';

export interface SoakOptions {
  enginePath: string;
  modelPath: string;
  corpus: string;
  requests: number;
  seed: number;
  warmupRequests?: number;
  /** Tokens per completion: fewer makes a long run shorter. */
  maxTokens?: number;
  /** A sample of both processes' memory every this many requests. */
  sampleEvery?: number;
  /** How long requests may take to settle after the last one was issued. */
  drainTimeoutMs?: number;
  /** Requests that may be pending at once (superseded completions and overlapping Lens queries pile up). */
  maxPending?: number;
  log?: (line: string) => void;
}

/**
 * warmupRequests: both processes' RSS climbs for the first 2,000–3,000 requests and then holds (a 10,000-request run
 * with 200 warm-up requests: host 54 MiB at request 500, 60.5 at 2,000, 61.4–62.0 from 3,500 on; engine 151, 155,
 * then 153–162), so a start taken after 200 measured the climb, not a leak. 1,000 takes most of it away.
 * maxTokens: on 2 cores the oracle generates about 10 ms a token, and each answered completion is followed by a
 * prefetch of as many; 6 keeps 10,000 requests (and the warm-up) near 15 minutes.
 */
export const SOAK_DEFAULTS = { warmupRequests: 1000, maxTokens: 6, sampleEvery: 500, drainTimeoutMs: 30_000, maxPending: 4 };
const HEALTH_TIMEOUT_MS = 30_000;
type Resolved = typeof SOAK_DEFAULTS & SoakOptions;

/** The user waits for these before the next keystroke; the others run beside what follows. */
function waitsFor(op: SoakOp): boolean {
  if (op.kind === 'complete') return op.mode !== 'superseded';
  return op.kind === 'surprisal' || !op.overlap;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const o: Resolved = { ...SOAK_DEFAULTS, ...options };
  const host = new SoakHost({ enginePath: o.enginePath, modelPath: o.modelPath, maxTokens: o.maxTokens, log: o.log });
  const rejections = countHostRejections(o.log);
  try {
    const workload = new SoakWorkload(o.corpus, o.seed);
    const warmupStarted = performance.now();
    await host.session.ensureLoaded();
    const samples: SoakSample[] = [];
    // The warm-up is sampled as the run is, forced GCs included, so that the start is taken in the same conditions.
    const warmup = new RequestTracker();
    await issue(host, workload, warmup, o.warmupRequests, o, sampler(host, warmup, 'warmup', o, samples));
    const warmupHung = await settle(host, warmup, o.drainTimeoutMs);
    const start = await snapshot(host);
    const warmupMs = performance.now() - warmupStarted;
    const tracker = new RequestTracker();
    const started = performance.now();
    const issued = await issue(host, workload, tracker, o.requests, o, sampler(host, tracker, 'run', o, samples));
    const hung = [...warmupHung, ...(await settle(host, tracker, o.drainTimeoutMs))];
    const durationMs = performance.now() - started;
    const end = await snapshot(host);
    return buildReport({
      seed: o.seed,
      requests: o.requests,
      issued,
      warmupRequests: o.warmupRequests,
      maxTokens: o.maxTokens,
      hostGcForced: typeof global.gc === 'function',
      warmupMs,
      durationMs,
      start,
      end,
      samples,
      outcomes: tracker.outcomes,
      totalMs: tracker.totalMs,
      errors: [...warmup.errors, ...tracker.errors],
      hung,
      engineExits: host.engineExits,
      hostUnhandledRejections: rejections.count(),
    });
  } finally {
    rejections.dispose();
    host.dispose();
  }
}


/** Issues `count` requests; stops early, returning how many it issued, when one is stuck (the drain then reports it). */
async function issue(
  host: SoakHost,
  workload: SoakWorkload,
  tracker: RequestTracker,
  count: number,
  limits: Resolved,
  after?: (issued: number) => Promise<void>,
): Promise<number> {
  for (let issued = 1; issued <= count; issued++) {
    const op = workload.next();
    const settled = tracker.track(op.kind, host.run(op));
    const waited = waitsFor(op) ? settled : tracker.waitUntilAtMost(limits.maxPending - 1);
    if (!(await within(waited, limits.drainTimeoutMs))) return issued;
    await after?.(issued);
  }
  return count;
}

/** True when `promise` settled within `ms`: a request that never answers must not hang the run. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The engine's health, or an error when it does not answer: a wedged engine must fail the run, not hang it. */
async function healthOf(host: SoakHost): Promise<EngineHealth> {
  const health = host.health();
  if (await within(health, HEALTH_TIMEOUT_MS)) return health;
  throw new Error(`the engine did not answer a health request within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

/** Waits for the soak's requests, then for the engine to finish what the pipeline started on its own (prefetches). */
async function settle(host: SoakHost, tracker: RequestTracker, timeoutMs: number): Promise<{ kind: string; ageMs: number }[]> {
  const hung = await tracker.drain(timeoutMs);
  const deadline = performance.now() + timeoutMs;
  while ((await healthOf(host)).inFlightRequests > 0 && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return hung;
}

/** Memory after a forced GC where the host allows one; the engine's GC cannot be forced from here. */
async function snapshot(host: SoakHost): Promise<SoakSnapshot> {
  global.gc?.();
  global.gc?.();
  const engine = await healthOf(host);
  return { hostRssBytes: process.memoryUsage.rss(), hostHeapUsedBytes: process.memoryUsage().heapUsed, engine };
}

/** Every `sampleEvery` requests of a phase: both processes' memory, while requests run. */
function sampler(host: SoakHost, tracker: RequestTracker, phase: SoakSample['phase'], o: Resolved, samples: SoakSample[]) {
  const started = performance.now();
  const total = phase === 'run' ? o.requests : o.warmupRequests;
  return async (request: number): Promise<void> => {
    if (request % o.sampleEvery !== 0) return;
    const engine = await healthOf(host);
    // The heap after a GC (a few MiB here, so cheap) shows a slow leak that RSS's ups and downs hide.
    global.gc?.();
    samples.push({
      phase,
      request,
      hostRssBytes: process.memoryUsage.rss(),
      hostHeapUsedBytes: process.memoryUsage().heapUsed,
      engineRssBytes: engine.rssBytes,
      engineHeapUsedBytes: engine.heapUsedBytes,
      engineHeapTotalBytes: engine.heapTotalBytes,
      engineInFlight: engine.inFlightRequests,
      hostPending: tracker.size,
    });
    o.log?.(`${phase}: ${request}/${total} requests, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  };
}

/** Counts this process's unhandled rejections for the run; the soak reports them rather than dying of the first. */
function countHostRejections(log?: (line: string) => void): { count: () => number; dispose: () => void } {
  let count = 0;
  const listener = (reason: unknown) => {
    count++;
    log?.(`unhandled rejection in the host: ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}`);
  };
  process.on('unhandledRejection', listener);
  return { count: () => count, dispose: () => process.off('unhandledRejection', listener) };
}
