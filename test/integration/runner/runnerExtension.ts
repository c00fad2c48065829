// A test-only extension that runs the integration suite inside a real extension host (code-server's), where
// `extensionTestsPath` is not available. It does nothing unless told where to write results:
//   - the environment (code-server's extension host inherits the server's environment):
//       LLAMA_LENS_IT_RESULTS  the JSON results file to write       (required to run at all)
//       LLAMA_LENS_IT_SUITE    out/test/integration/index.js, absolute (required)
//       LLAMA_LENS_IT_MOCHA    the repo's node_modules/mocha, absolute (optional: else index.js resolves `mocha`)
//       LLAMA_LENS_IT_GREP     only run tests whose full title matches (optional)
//   - or, as a fallback, the user settings llamaLensTest.resultsFile / suitePath / mochaPath / grep.
// Bundled by esbuild to out/test/integration/runner/runnerExtension.js; test/support/integrationRunner.ts stages it with
// ./package.json as the extension `llama-lens-test.integration-runner`.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';

interface RunnerSettings {
  resultsFile?: string;
  suitePath?: string;
  mochaPath?: string;
  grep?: string;
  source: 'env' | 'settings';
}

interface SuiteModule {
  run(options?: { mochaPath?: string; grep?: string }): Promise<{ passed: number; failed: number; tests: unknown[] }>;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function readSettings(): RunnerSettings {
  const env = process.env;
  if (nonEmpty(env.LLAMA_LENS_IT_RESULTS)) {
    return {
      resultsFile: env.LLAMA_LENS_IT_RESULTS,
      suitePath: nonEmpty(env.LLAMA_LENS_IT_SUITE),
      mochaPath: nonEmpty(env.LLAMA_LENS_IT_MOCHA),
      grep: nonEmpty(env.LLAMA_LENS_IT_GREP),
      source: 'env',
    };
  }
  const config = vscode.workspace.getConfiguration('llamaLensTest');
  return {
    resultsFile: nonEmpty(config.get('resultsFile')),
    suitePath: nonEmpty(config.get('suitePath')),
    mochaPath: nonEmpty(config.get('mochaPath')),
    grep: nonEmpty(config.get('grep')),
    source: 'settings',
  };
}

/** Written whole, then renamed, so a reader never sees half a file. */
function writeResults(file: string, results: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(temp, file);
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function runSuite(
  settings: RunnerSettings & { resultsFile: string },
  log: vscode.LogOutputChannel,
  status: vscode.StatusBarItem,
): Promise<void> {
  status.text = 'Integration tests: running';
  status.show();
  const startedAt = new Date().toISOString();
  const context = { source: settings.source, vscodeVersion: vscode.version, startedAt };
  try {
    if (!settings.suitePath) {
      throw new Error('No suite to run: set LLAMA_LENS_IT_SUITE (or llamaLensTest.suitePath) to out/test/integration/index.js');
    }
    log.info(`Running ${settings.suitePath} (settings from ${settings.source})`);
    const suite = require(settings.suitePath) as SuiteModule;
    const results = await suite.run({ mochaPath: settings.mochaPath, grep: settings.grep });
    log.info(`Done: ${results.passed} passed, ${results.failed} failed`);
    writeResults(settings.resultsFile, { ...results, ...context, finishedAt: new Date().toISOString() });
    status.text = `Integration tests: ${results.passed} passed, ${results.failed} failed`;
  } catch (error) {
    // A suite that cannot even load is reported as a failed test, so the waiting E2E test fails fast and clearly.
    log.error(`Could not run the integration suite: ${describeError(error)}`);
    writeResults(settings.resultsFile, {
      total: 0,
      passed: 0,
      failed: 1,
      pending: 0,
      tests: [{ title: 'integration runner: load and run the suite', state: 'failed', error: describeError(error) }],
      ...context,
      finishedAt: new Date().toISOString(),
    });
    status.text = 'Integration tests: could not run';
  }
}

export function activate(context: vscode.ExtensionContext): void {
  const settings = readSettings();
  const resultsFile = settings.resultsFile;
  if (!resultsFile) return;
  const log = vscode.window.createOutputChannel('Llama Lens Integration Tests', { log: true });
  // Visible progress for people and screenshots; its DOM id is `llama-lens-test.integration-runner.status`.
  const status = vscode.window.createStatusBarItem('status', vscode.StatusBarAlignment.Left, 1000);
  status.name = 'Integration tests';
  context.subscriptions.push(log, status);
  // Not awaited: activation must return; the results file is the signal that the run finished.
  void runSuite({ ...settings, resultsFile }, log, status);
}

export function deactivate(): void {}
