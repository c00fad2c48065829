// The `extensionTestsPath` module for @vscode/test-electron (see ../runElectron.ts): runs the same integration
// suite as the code-server runner extension, prints each result, and throws when anything failed.
import { run as runSuite } from '../index';

export async function run(): Promise<void> {
  const results = await runSuite();
  for (const test of results.tests) {
    console.log(`${test.state === 'passed' ? 'ok  ' : test.state === 'pending' ? 'skip' : 'FAIL'} ${test.title}`);
    if (test.error) console.log(test.error);
  }
  console.log(`${results.passed} passed, ${results.failed} failed`);
  if (results.failed > 0) throw new Error(`${results.failed} integration test(s) failed`);
}
