// Runs the mocha integration suite (test/integration/suites) inside code-server's real extension
// host, next to the installed Llama Lens extension, and reports each test's result here.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCodeServer, type CodeServer } from '../../scripts/lib/codeServer';
import { installedLlamaLens } from '../../scripts/lib/llamaLensStage';
import {
  integrationRunnerEnv,
  integrationTestsWritten,
  readIntegrationResults,
  stageIntegrationRunner,
} from '../support/integrationRunner';
import { openWorkbench, waitFor, type Workbench } from '../support/workbench';

describe('E2E: integration suite inside the extension host', function () {
  this.timeout(600_000);
  let scratch: string;
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;

  after(async function () {
    await workbench?.close();
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('passes every integration test', async function () {
    scratch = mkdtempSync(join(tmpdir(), 'llama-lens-e2e-integration-'));
    const workspace = join(scratch, 'workspace');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'empty.js'), '\n');
    const resultsFile = join(scratch, 'results.json');
    server = await startCodeServer({
      workspace,
      extensions: [await installedLlamaLens(), stageIntegrationRunner()],
      env: integrationRunnerEnv(resultsFile),
    });
    // The extension host starts when a window connects.
    workbench = await openWorkbench(server.url);
    const found = await waitFor(() => readIntegrationResults(resultsFile), {
      timeoutMs: 300_000,
      message: `integration results in ${resultsFile}`,
      intervalMs: 500,
    });
    const results = found ?? assert.fail('no results');
    for (const test of results.tests)
      console.log(`    ${{ passed: '✔', pending: '-', failed: '✘' }[test.state]} ${test.title}${test.error ? `\n${test.error}` : ''}`);
    if (results.failed > 0) console.log(`--- extension host log ---\n${server.extensionHostLog().slice(-4000)}`);
    const written = integrationTestsWritten();
    const counts = { total: results.total, passed: results.passed, failed: results.failed, pending: results.pending };
    assert.deepEqual(
      counts,
      { total: written, passed: written, failed: 0, pending: 0 },
      `all ${written} tests written in test/integration/suites ran and passed`,
    );
  });
});
