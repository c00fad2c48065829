// npm run soak — thousands of completion requests with random cancellations, and Lens queries between them, against
// the oracle model through the real EngineClient, ModelSession and CompletionPipeline (this process plays the
// extension host). Holds both processes' memory, the engine's sequences and unhandled rejections to targets (see
// scripts/lib/soak/soakReport.ts); exits non-zero when one fails.
// Options: --requests N (default 10000), --seed S (default 1), --max-tokens N (default 6), --warmup N (default 1000),
// --sample-every N (default 500), --out FILE (default bench-results/soak.json).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runSoak, SOAK_DEFAULTS } from './lib/soak/runSoak';
import { markdownSnippet, outcomeTable, summaryTable } from './lib/soak/soakReport';

const ROOT = join(__dirname, '..', '..');

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

function integerOption(name: string, fallback: number): number {
  const value = Number(option(name, String(fallback)));
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} wants a non-negative integer`);
  return value;
}

async function main(): Promise<void> {
  const requests = integerOption('--requests', 10_000);
  const seed = integerOption('--seed', 1);
  const out = option('--out', join(ROOT, 'bench-results', 'soak.json'));
  if (typeof global.gc !== 'function') console.warn('no forced GC in the host: run with node --expose-gc for steadier host RSS');
  console.log(`soak: ${requests} requests, seed ${seed}, on the oracle model`);
  const report = await runSoak({
    enginePath: join(ROOT, 'dist', 'engine.mjs'),
    modelPath: join(ROOT, '.cache', 'models', 'oracle.gguf'),
    corpus: readFileSync(join(ROOT, 'test', 'fixtures', 'oracle-corpus.txt'), 'utf8'),
    requests,
    seed,
    maxTokens: integerOption('--max-tokens', SOAK_DEFAULTS.maxTokens),
    warmupRequests: integerOption('--warmup', SOAK_DEFAULTS.warmupRequests),
    sampleEvery: integerOption('--sample-every', SOAK_DEFAULTS.sampleEvery),
    log: (line) => console.log(`  ${line}`),
  });
  console.log(`\n${outcomeTable(report)}\n\n${summaryTable(report)}`);
  console.log(
    `\n${report.requests} requests in ${(report.durationMs / 1000).toFixed(0)} s (warm-up ${(report.warmupMs / 1000).toFixed(0)} s)`,
  );
  for (const error of report.errors) console.log(`  failed: ${error}`);
  for (const exit of report.engineExits) console.log(`  engine exit: ${exit}`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${out}\n\n${markdownSnippet(report)}\n`);
  console.log(report.passed ? 'soak: every target met' : 'soak: FAILED, see the table above');
  process.exitCode = report.passed ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
