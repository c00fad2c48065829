// Catalogue downloads through the real engine, from a local server that answers like Hugging Face: each one is fetched
// at its pinned revision, and a file whose SHA-256 is not the pinned one is refused and deleted.
import { strict as assert } from 'node:assert';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { catalogueDownload, MODEL_CATALOGUE, type CatalogueEntry } from '../../src/core/models/catalogue';
import type { DownloadResult } from '../../src/protocol/engineProtocol';
import { isDownloadFailure, type EngineUnderTest } from '../support/engineHarness';
import { useLocalModelServer } from '../support/localModelServer';
import { generatedModelPath } from '../support/oracle';
import type { RangeServer } from '../support/rangeServer';

const ORACLE = 'oracle.gguf';
const REVISION = '0123456789abcdef0123456789abcdef01234567';

describe('catalogue downloads in the engine', function () {
  const tinyllama = MODEL_CATALOGUE.find((entry) => entry.id === 'tinyllama-1.1b-chat') as CatalogueEntry;
  const local = useLocalModelServer('catalogue', (root) => {
    // Not TinyLlama's bytes: the oracle model, served under TinyLlama's file name.
    copyFileSync(generatedModelPath(ORACLE), join(root, tinyllama.fileName));
    return [generatedModelPath(ORACLE), join(root, tinyllama.fileName)];
  });
  let root: string;
  let server: RangeServer;
  let engine: EngineUnderTest;
  let dir: string;
  let caseNumber = 0;

  before(function () {
    ({ root, server, engine } = local());
  });

  beforeEach(function () {
    server.reset();
    dir = join(root, `case-${++caseNumber}`);
  });

  function download(entry: CatalogueEntry): Promise<DownloadResult> {
    return engine.client.request('download', { ...catalogueDownload(entry), dirPath: dir });
  }

  /** An entry pinned to the oracle file on the local server, in a repository of its own, at REVISION. */
  function pinnedOracle(sha256: string): CatalogueEntry {
    const { sha256: served, data } = server.file(ORACLE);
    assert.notEqual(sha256, '', `served ${served}`);
    return {
      ...tinyllama,
      fileName: ORACLE,
      uri: `hf:llama-lens/case-${caseNumber}/${ORACLE}#${REVISION}`,
      sizeBytes: data.length,
      sha256,
      revision: REVISION,
    };
  }

  /** The `resolve` paths asked for by this test (requests of an earlier one may still arrive, in its own repository). */
  const resolvedPaths = (repo: string) =>
    server.requests.map((request) => request.path).filter((path) => path.startsWith(`/${repo}/resolve/`));

  it('fetches a file at its pinned revision and accepts it when its SHA-256 is the pinned one', async function () {
    const { sha256 } = server.file(ORACLE);
    const result = await download(pinnedOracle(sha256));
    assert.equal(result.sha256, sha256);
    const paths = resolvedPaths(`llama-lens/case-${caseNumber}`);
    assert.ok(
      paths.length > 0 && paths.every((path) => path === `/llama-lens/case-${caseNumber}/resolve/${REVISION}/${ORACLE}`),
      paths.join(', '),
    );
    assert.deepEqual(readdirSync(dir), [result.filePath.slice(dir.length + 1)], 'only the model is left');
  });

  it('refuses and deletes a file whose SHA-256 is not the pinned one, though its size is right', async function () {
    const pinned = 'ab'.repeat(32);
    await assert.rejects(
      download(pinnedOracle(pinned)),
      isDownloadFailure(
        new RegExp(`deleted: expected SHA-256 ${pinned} \\(the request\\) but the file's is ${server.file(ORACLE).sha256}`),
      ),
    );
    assert.deepEqual(readdirSync(dir), [], 'file, temp file and marker are gone');
  });

  it("refuses the real TinyLlama entry when the server's file is not TinyLlama, fetched at TinyLlama's pinned revision", async function () {
    await assert.rejects(
      download(tinyllama),
      isDownloadFailure(
        /The download of hf:TheBloke\/TinyLlama-1\.1B-Chat-v1\.0-GGUF\/.*#52e7645ba7c309695bec7ac98f4f005b139cf465 was deleted: expected 668788096 bytes/,
      ),
    );
    assert.deepEqual(readdirSync(dir), []);
    const paths = resolvedPaths('TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF');
    assert.ok(
      paths.length > 0 &&
        paths.every(
          (path) =>
            path === `/TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF/resolve/52e7645ba7c309695bec7ac98f4f005b139cf465/${tinyllama.fileName}`,
        ),
      paths.join(', '),
    );
  });
});
