// The integration suite: mocha tests that run inside a real VS Code extension host, with the real `vscode` API.
// Bundled by esbuild to out/test/integration/index.js (every suite under ./suites is bundled into it; `vscode`
// and `mocha` stay external). Two hosts call `run()`:
//   - code-server, through the runner extension in ./runner (see test/support/integrationRunner.ts, test/e2e/harness.test.ts);
//   - a downloaded VS Code, through @vscode/test-electron (./runElectron.ts, ./electron/index.ts).
//
// Adding a suite: create ./suites/<name>.ts using the global `describe`/`it` (or `suite`/`test`) and add one line to
// SUITES below. Suites are required lazily, after mocha has set its globals, which is why they are not imported
// at the top of this file.
import type MochaType from 'mocha';

/** Each entry loads one suite file; esbuild bundles every `require` of a literal path into index.js. */
const SUITES: ReadonlyArray<readonly [name: string, load: () => unknown]> = [
  ['smoke', () => require('./suites/smoke')],
  ['llamaLens', () => require('./suites/llamaLens')],
  ['completionCommands', () => require('./suites/completionCommands')],
  ['completionGate', () => require('./suites/completionGate')],
  ['prompts', () => require('./suites/prompts')],
];

export interface IntegrationTestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface IntegrationRunResult {
  /** The tests mocha registered (those matching the grep), passed or not: a gate compares it with `passed`. */
  total: number;
  passed: number;
  failed: number;
  pending: number;
  tests: IntegrationTestResult[];
}

export interface RunOptions {
  /** The mocha package folder to load (absolute). Default: `mocha` as resolved from this file (the repo's). */
  mochaPath?: string;
  /** Only run tests whose full title matches this regular expression. */
  grep?: string;
  /** Per-test timeout. Default 60 s: the first request to a model can be slow on a 2-core machine. */
  timeoutMs?: number;
}

function loadMocha(mochaPath: string | undefined): typeof MochaType {
  // A path computed at run time stays a real `require` in the bundle; 'mocha' itself is external.
  return (mochaPath ? require(mochaPath) : require('mocha')) as typeof MochaType;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

export function run(options: RunOptions = {}): Promise<IntegrationRunResult> {
  const Mocha = loadMocha(options.mochaPath ?? process.env.LLAMA_LENS_IT_MOCHA);
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: options.timeoutMs ?? 60_000, reporter: 'spec' });
  // Offer the TDD globals (suite/test/setup/teardown) too, so a suite may use either style.
  Mocha.interfaces.tdd(mocha.suite);
  const grep = options.grep ?? process.env.LLAMA_LENS_IT_GREP;
  if (grep) mocha.grep(new RegExp(grep));

  // Set describe/it/suite/test/... on the global object, then evaluate the suites so they register with `mocha`.
  mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
  const loadFailures: IntegrationTestResult[] = [];
  for (const [name, load] of SUITES) {
    try {
      load();
    } catch (error) {
      loadFailures.push({ title: `load suite ${name}`, state: 'failed', error: errorText(error) });
    }
  }
  mocha.suite.emit('post-require', globalThis, 'integration', mocha);

  const tests: IntegrationTestResult[] = [...loadFailures];
  return new Promise<IntegrationRunResult>((resolve, reject) => {
    try {
      const runner = mocha.run(() => {
        resolve({
          total: runner.total,
          passed: tests.filter((t) => t.state === 'passed').length,
          failed: tests.filter((t) => t.state === 'failed').length,
          pending: tests.filter((t) => t.state === 'pending').length,
          tests,
        });
      });
      runner.on('pass', (test) => tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration }));
      runner.on('pending', (test) => tests.push({ title: test.fullTitle(), state: 'pending' }));
      // 'fail' also fires for hooks (before/after ...), whose failures would otherwise hide the tests they skip.
      runner.on('fail', (test, error) =>
        tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: errorText(error) }),
      );
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
