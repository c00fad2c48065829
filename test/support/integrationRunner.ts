// The in-host integration runner (test/integration/runner) as the E2E tests use it.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2ePaths } from '../../scripts/lib/e2ePaths';
// ---------------------------------------------------------------------------------------------------------------
// The in-host integration runner (test/integration/runner): a tiny extension that runs the mocha suite bundled in
// out/test/integration/index.js inside code-server's real extension host and writes the results as JSON.

/** Environment variables the runner extension reads (its extension host inherits code-server's environment). */
export const INTEGRATION_ENV = {
  resultsFile: 'LLAMA_LENS_IT_RESULTS',
  suitePath: 'LLAMA_LENS_IT_SUITE',
  mochaPath: 'LLAMA_LENS_IT_MOCHA',
  grep: 'LLAMA_LENS_IT_GREP',
} as const;

export type { IntegrationRunResult, IntegrationTestResult } from '../integration/index';
import type { IntegrationRunResult } from '../integration/index';

/**
 * Stages the runner extension (its package.json + the bundled runnerExtension.js) in a fresh temp folder, ready
 * for `extensions: [folder]`. Needs `node esbuild.config.mjs` to have run.
 */
export function stageIntegrationRunner(): string {
  const { repoRoot } = e2ePaths();
  const manifest = join(repoRoot, 'test', 'integration', 'runner', 'package.json');
  const bundle = join(repoRoot, 'out', 'test', 'integration', 'runner', 'runnerExtension.js');
  for (const file of [manifest, bundle, join(repoRoot, 'out', 'test', 'integration', 'index.js')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`node esbuild.config.mjs\` first`);
  }
  const folder = mkdtempSync(join(tmpdir(), 'llama-lens-it-runner-'));
  // startCodeServer copies it; whoever forgets to delete the staging folder still leaves nothing behind.
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  cpSync(manifest, join(folder, 'package.json'));
  cpSync(bundle, join(folder, 'runnerExtension.js'));
  if (existsSync(`${bundle}.map`)) cpSync(`${bundle}.map`, join(folder, 'runnerExtension.js.map'));
  return folder;
}

/** The environment that makes the runner extension run the suite and write its results to `resultsFile`. */
export function integrationRunnerEnv(resultsFile: string, grep?: string): Record<string, string> {
  const { repoRoot } = e2ePaths();
  const env: Record<string, string> = {
    [INTEGRATION_ENV.resultsFile]: resultsFile,
    [INTEGRATION_ENV.suitePath]: join(repoRoot, 'out', 'test', 'integration', 'index.js'),
    [INTEGRATION_ENV.mochaPath]: join(repoRoot, 'node_modules', 'mocha'),
  };
  if (grep) env[INTEGRATION_ENV.grep] = grep;
  return env;
}

/** Reads the runner's result file, or undefined while it is not (completely) written. */
export function readIntegrationResults(resultsFile: string): IntegrationRunResult | undefined {
  if (!existsSync(resultsFile)) return undefined;
  try {
    return JSON.parse(readFileSync(resultsFile, 'utf8')) as IntegrationRunResult;
  } catch {
    return undefined;
  }
}

/**
 * The tests written in test/integration/suites (each `it(` or `test(` that starts a line): what the runner must
 * register and pass. Counted from the sources, so a suite left out of index.ts's SUITES is noticed too.
 */
export function integrationTestsWritten(): number {
  const folder = join(e2ePaths().repoRoot, 'test', 'integration', 'suites');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.ts'))
    .reduce((count, name) => count + (readFileSync(join(folder, name), 'utf8').match(/^\s*(it|test)(\.only|\.skip)?\(/gm)?.length ?? 0), 0);
}
