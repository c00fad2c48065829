// Generated tokens become text in one place, src/engine/inference/continuationText.ts, which decodes them as the continuation
// of the tokens before them. A bare `model.detokenize(tokens)` treats its tokens as the start of a text and drops
// the leading space of a "▁" piece, so this keeps any other file from decoding text that way.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, sourceFiles } from '../support/repoPaths';

/** Files allowed to call detokenize, and why. */
const ALLOWED = new Map([
  ['src/engine/inference/continuationText.ts', 'the one decoder of continuations'],
  // Special tokens' own names (`▁<EOT>`, `<PRE>`): a name, not text that continues anything.
  ['src/engine/inference/tokenPieces.ts', 'special tokens shown by name'],
  ['src/engine/LlamaRuntime.ts', 'reads the FIM prefix token by name'],
]);

describe('decoding generated tokens', function () {
  it('happens only through the continuation decoder (or for special tokens by name)', function () {
    const offenders = sourceFiles('src')
      .filter((path) => !ALLOWED.has(path) && /\.detokenize\(/.test(readFileSync(join(REPO_ROOT, path), 'utf8')));
    assert.deepEqual(offenders, [], 'decode with continuationText / ContinuationDecoder instead');
  });

  it('allows special-token names only where the call passes specialTokens = true', function () {
    for (const path of ['src/engine/inference/tokenPieces.ts', 'src/engine/LlamaRuntime.ts']) {
      const calls = readFileSync(join(REPO_ROOT, path), 'utf8').match(/\.detokenize\([^)]*\)/g) ?? [];
      assert.ok(calls.length > 0 && calls.every((call) => /,\s*true\)$/.test(call)), `${path}: ${calls.join(' ')}`);
    }
  });
});
