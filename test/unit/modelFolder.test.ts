// listModelFiles on real temp folders: only complete GGUF files are offered, never a download in progress or one that
// stopped, whatever its temp file is called.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listModelFiles } from '../../src/extension/models/modelFolder';

/** Bytes that start like a GGUF v3 file. */
function gguf(extraBytes = 100): Buffer {
  const header = Buffer.alloc(8);
  header.write('GGUF', 0, 'latin1');
  header.writeUInt32LE(3, 4);
  return Buffer.concat([header, Buffer.alloc(extraBytes, 7)]);
}

describe('listModelFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'llama-lens-models-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const put = (name: string, data: Buffer | string = gguf()) => writeFileSync(join(dir, name), data);
  const names = async () => (await listModelFiles(dir)).map((m) => m.name);

  it('lists complete GGUF files with their path and size, sorted by name', async () => {
    put('b.gguf', gguf(10));
    put('a.GGUF', gguf(20));
    assert.deepEqual(await listModelFiles(dir), [
      { path: join(dir, 'a.GGUF'), name: 'a.GGUF', sizeBytes: 28 },
      { path: join(dir, 'b.gguf'), name: 'b.gguf', sizeBytes: 18 },
    ]);
  });

  it('returns [] for a folder that does not exist, or a path that is a file', async () => {
    assert.deepEqual(await listModelFiles(join(dir, 'nowhere')), []);
    put('plain.txt', 'x');
    assert.deepEqual(await listModelFiles(join(dir, 'plain.txt')), []);
  });

  it('skips temp files of downloads in progress, whatever they are called', async () => {
    for (const name of ['m.gguf.ipull', 'm2.gguf.part', 'm3.gguf.download', 'm4.gguf.crdownload', 'm5.gguf.tmp', 'm6.gguf.partial'])
      put(name);
    put('ok.gguf');
    assert.deepEqual(await names(), ['ok.gguf']);
  });

  it('skips a .gguf that has a download or check in progress beside it', async () => {
    put('downloading.gguf');
    put('downloading.gguf.ipull');
    put('checking.gguf');
    put('checking.gguf.unverified', '');
    put('firefox.gguf', ''); // Firefox's empty placeholder beside its .part file
    put('firefox.gguf.part');
    put('ok.gguf');
    assert.deepEqual(await names(), ['ok.gguf']);
  });

  it('skips files that are not GGUF by their magic, empty or too short ones, and folders', async () => {
    put('html.gguf', '<!doctype html><title>404</title>');
    put('zeros.gguf', Buffer.alloc(64)); // a preallocated file that never got its first bytes
    put('empty.gguf', '');
    put('short.gguf', 'GGU');
    mkdirSync(join(dir, 'folder.gguf'));
    put('ok.gguf');
    assert.deepEqual(await names(), ['ok.gguf']);
  });

  it('follows symbolic links to models', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'llama-lens-elsewhere-'));
    try {
      writeFileSync(join(elsewhere, 'real.gguf'), gguf(5));
      symlinkSync(join(elsewhere, 'real.gguf'), join(dir, 'linked.gguf'));
      symlinkSync(join(elsewhere, 'gone.gguf'), join(dir, 'dangling.gguf'));
      assert.deepEqual(await listModelFiles(dir), [{ path: join(dir, 'linked.gguf'), name: 'linked.gguf', sizeBytes: 13 }]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('lists a split model once, by its first part, and only when every part is there', async () => {
    put('big-00001-of-00002.gguf', gguf(10));
    put('big-00002-of-00002.gguf', gguf(30));
    put('half-00001-of-00003.gguf');
    put('half-00002-of-00003.gguf');
    put('late-00001-of-00002.gguf');
    put('late-00002-of-00002.gguf');
    put('late-00002-of-00002.gguf.ipull');
    assert.deepEqual(await listModelFiles(dir), [
      { path: join(dir, 'big-00001-of-00002.gguf'), name: 'big-00001-of-00002.gguf', sizeBytes: 56 },
    ]);
  });
});
