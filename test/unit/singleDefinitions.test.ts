// Helpers and shared types live in one place each: a second copy drifts (two byte formatters once showed one model
// file as 3.8 GB in one place and 4.1 GB in another).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, sourceFiles } from '../support/repoPaths';

const SOURCES = sourceFiles('src').map((path) => ({ path, text: readFileSync(join(REPO_ROOT, path), 'utf8') }));

function filesMatching(pattern: RegExp): string[] {
  return SOURCES.filter((file) => pattern.test(file.text)).map((file) => file.path).sort();
}

describe('one definition each in src/', () => {
  const cases: [string, RegExp, string][] = [
    ['formatBytes', /\bfunction formatBytes\b|\bconst formatBytes\b/, 'src/core/text/formatBytes.ts'],
    ["an error's message", /(\b[\w.]+) instanceof Error \? \1\.message : String\(\1\)/, 'src/core/text/errorMessage.ts'],
    ['TraceStep', /\binterface TraceStep\b|\btype TraceStep\b\s*=/, 'src/protocol/engineProtocol.ts'],
    ['EngineState', /\btype EngineState\b\s*=|\binterface EngineState\b/, 'src/client/engineState.ts'],
  ];
  for (const [what, pattern, home] of cases) {
    it(`${what}: only in ${home}`, () => assert.deepEqual(filesMatching(pattern), [home]));
  }
});
