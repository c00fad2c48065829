// What a soak run measured, the targets it is held to, and the ways it is shown: a table, JSON and a Markdown
// snippet for docs/reliability.md.
import type { EngineHealth } from '../../../src/protocol/engineProtocol';
import { table } from '../bench/summary';
import type { Outcome } from './RequestTracker';

export interface SoakSnapshot {
  hostRssBytes: number;
  hostHeapUsedBytes: number;
  engine: EngineHealth;
}

export interface SoakSample {
  phase: 'warmup' | 'run';
  /** Requests of the phase issued so far. */
  request: number;
  hostRssBytes: number;
  /** After a forced GC, where the host has one. */
  hostHeapUsedBytes: number;
  engineRssBytes: number;
  engineHeapUsedBytes: number;
  engineHeapTotalBytes: number;
  engineInFlight: number;
  hostPending: number;
}

export interface SoakMeasurements {
  seed: number;
  requests: number;
  /** Fewer than `requests` when one got stuck and the run stopped issuing. */
  issued: number;
  warmupRequests: number;
  maxTokens: number;
  /** Whether the host could force a GC before each snapshot (node --expose-gc). */
  hostGcForced: boolean;
  warmupMs: number;
  durationMs: number;
  start: SoakSnapshot;
  end: SoakSnapshot;
  samples: SoakSample[];
  outcomes: Record<string, Record<Outcome, number>>;
  /** Issue-to-settle time summed per kind. */
  totalMs: Record<string, number>;
  errors: string[];
  /** Requests still pending when the drain gave up. */
  hung: { kind: string; ageMs: number }[];
  engineExits: string[];
  hostUnhandledRejections: number;
}

export interface SoakTarget {
  name: string;
  measured: string;
  target: string;
  pass: boolean;
}

export interface SoakReport extends SoakMeasurements {
  date: string;
  targets: SoakTarget[];
  passed: boolean;
}

export const MAX_RSS_DRIFT_PERCENT = 10;

export function driftPercent(start: number, end: number): number {
  return ((end - start) / start) * 100;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function count(name: string, value: number, target = 0): SoakTarget {
  return { name, measured: String(value), target: `= ${target}`, pass: value === target };
}

function drift(name: string, start: number, end: number): SoakTarget {
  const percent = driftPercent(start, end);
  return {
    name,
    measured: `${mib(start)} -> ${mib(end)} (${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%)`,
    target: `< ${MAX_RSS_DRIFT_PERCENT}%`,
    pass: percent < MAX_RSS_DRIFT_PERCENT,
  };
}

export function evaluateTargets(m: SoakMeasurements): SoakTarget[] {
  const errors = Object.values(m.outcomes).reduce((sum, counts) => sum + counts.error, 0);
  return [
    drift('engine RSS', m.start.engine.rssBytes, m.end.engine.rssBytes),
    drift('host RSS', m.start.hostRssBytes, m.end.hostRssBytes),
    {
      ...count('sequences leaked', m.end.engine.sequencesInUse - m.start.engine.sequencesInUse),
      measured: `${m.end.engine.sequencesInUse - m.start.engine.sequencesInUse} (${m.end.engine.sequencesInUse} of ${m.end.engine.sequencesTotal} in use, ${m.start.engine.sequencesInUse} at start)`,
    },
    count('engine requests in flight at the end', m.end.engine.inFlightRequests),
    count('requests still pending 30 s after the last', m.hung.length),
    count('requests not issued (the run stopped at a stuck one)', m.requests - m.issued),
    count('unhandled rejections, host', m.hostUnhandledRejections),
    count('unhandled rejections, engine', m.end.engine.unhandledRejections),
    count('engine exits', m.engineExits.length),
    count('failed requests (not cancellations)', errors),
  ];
}

export function buildReport(m: SoakMeasurements): SoakReport {
  const targets = evaluateTargets(m);
  return { date: new Date().toISOString(), ...m, targets, passed: targets.every((t) => t.pass) };
}

export function summaryTable(report: SoakReport): string {
  return table([['target', 'measured', 'limit', ''], ...report.targets.map((t) => [t.name, t.measured, t.target, t.pass ? 'ok' : 'FAIL'])]);
}

export function outcomeTable(report: SoakReport): string {
  const rows = Object.entries(report.outcomes).map(([kind, c]) => {
    const n = c.answered + c.empty + c.cancelled + c.error;
    return [kind, String(c.answered), String(c.empty), String(c.cancelled), String(c.error), ((report.totalMs[kind] ?? 0) / n).toFixed(0)];
  });
  return table([['request', 'answered', 'empty/superseded', 'cancelled', 'failed', 'mean ms'], ...rows]);
}

function gcNote(report: SoakReport): string {
  const host = report.hostGcForced ? 'the host after a forced GC (node --expose-gc)' : 'the host without a forced GC';
  const engine = report.start.engine.collectedGarbage && report.end.engine.collectedGarbage
    ? "the engine after a forced GC (the soak starts it with --expose-gc, and its health method collects first)"
    : 'the engine without a forced GC';
  return `${host}, ${engine}`;
}

/** A section to paste into docs/reliability.md, with this run's figures. */
export function markdownSnippet(report: SoakReport): string {
  const rows = report.targets.map(
    (t) => `| ${t.name} | ${t.measured.replace('->', '→')} | ${t.target} | ${t.pass ? 'pass' : '**fail**'} |`,
  );
  const minutes = (report.durationMs / 60_000).toFixed(1);
  return [
    '### Soak: `npm run soak`',
    '',
    `${report.requests.toLocaleString('en')} requests (seed ${report.seed}) on the oracle model after a warm-up of ${report.warmupRequests}: about 80% inline` +
      ` completions of up to ${report.maxTokens} tokens through the CompletionPipeline (some cancelled 0–50 ms in, some superseded by the next request), 18% Lens` +
      ` queries (top-20, paths of 0–3 tokens) and 2% surprisal passes, some cancelled. ${minutes} min on this machine, ${report.date.slice(0, 10)}.`,
    '',
    '| target | measured | limit | |',
    '|---|---|---|---|',
    ...rows,
    '',
    `RSS is taken after the warm-up and after the last request settled, ${gcNote(report)}.`,
  ].join('\n');
}
