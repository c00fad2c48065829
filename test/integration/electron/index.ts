// The `extensionTestsPath` module for @vscode/test-electron (see ../runElectron.ts): runs the same integration
// suite as the code-server runner extension, prints each result, and throws unless every test ran and passed: a
// skipped test or one that never ran proves nothing.
import { run as runSuite } from '../index';

export async function run(): Promise<void> {
  const results = await runSuite();
  for (const test of results.tests) {
    console.log(`${test.state === 'passed' ? 'ok  ' : test.state === 'pending' ? 'skip' : 'FAIL'} ${test.title}`);
    if (test.error) console.log(test.error);
  }
  console.log(`${results.passed} passed, ${results.failed} failed, ${results.pending} pending, of ${results.total}`);
  if (results.failed > 0 || results.pending > 0 || results.passed !== results.total || results.total === 0) {
    throw new Error(`Integration tests: ${results.passed} of ${results.total} passed, ${results.failed} failed, ${results.pending} pending`);
  }
}
