import { strict as assert } from 'node:assert';
import { packageEntryPath } from '../../src/core/tar/entryPath';
import { TarReader, type TarEntry } from '../../src/core/tar/TarReader';
import { concatBytes } from '../../src/core/concatBytes';
import { paxEntry, tarArchive, tarEntry } from '../support/tarWriter';

interface Read {
  entry: TarEntry;
  /** The file's data as text (files only). */
  text?: string;
}

/** Every entry of `archive`, pushed in chunks of `chunkSize` bytes. */
function readAll(archive: Uint8Array, chunkSize = archive.length): Read[] {
  const reader = new TarReader();
  const out: Read[] = [];
  let parts: Uint8Array[] | undefined;
  for (let at = 0; at < archive.length; at += chunkSize) {
    for (const event of reader.push(archive.subarray(at, at + chunkSize))) {
      if (event.kind === 'entry') {
        out.push({ entry: event.entry });
        parts = event.entry.kind === 'file' ? [] : undefined;
      } else if (event.kind === 'data') {
        assert.ok(parts, 'data outside a file');
        parts.push(event.bytes.slice());
      } else {
        const last = out.at(-1);
        assert.ok(last && parts, 'fileEnd outside a file');
        last.text = new TextDecoder().decode(concatBytes(parts));
        parts = undefined;
      }
    }
  }
  reader.end();
  return out;
}

const summary = (reads: Read[]) =>
  reads.map(
    ({ entry, text }) => `${entry.kind} ${entry.path} ${entry.mode.toString(8)}${text === undefined ? '' : ` ${JSON.stringify(text)}`}`,
  );

describe('TarReader', () => {
  const big = 'x'.repeat(1500) + 'end';
  const archive = tarArchive([
    tarEntry({ name: 'package/', type: '5', mode: 0o755 }),
    tarEntry({ name: 'package/package.json', data: '{"name":"p"}' }),
    tarEntry({ name: 'package/bins/run', mode: 0o755, data: big }),
    tarEntry({ name: 'package/empty', data: '' }),
  ]);
  const expected = [
    'directory package/ 755',
    'file package/package.json 644 "{\\"name\\":\\"p\\"}"',
    `file package/bins/run 755 ${JSON.stringify(big)}`,
    'file package/empty 644 ""',
  ];

  it('reads files and directories with their modes, whatever the chunk boundaries', () => {
    for (const chunkSize of [1, 7, 511, 512, 513, 4096, archive.length]) {
      assert.deepEqual(summary(readAll(archive, chunkSize)), expected, `chunks of ${chunkSize}`);
    }
  });

  it('reports each file size and ignores what follows the end marker', () => {
    const withTrailer = concatBytes([archive, new Uint8Array(512).fill(0x41)]);
    assert.deepEqual(readAll(withTrailer).map((r) => r.entry.size), [0, 12, 1503, 0]);
  });

  it('joins the POSIX ustar prefix to the name, but not GNU headers, which keep other data there', () => {
    const reads = readAll(tarArchive([
      tarEntry({ name: 'libggml-cuda.so', prefix: 'package/bins/linux-x64-cuda', data: 'so' }),
      tarEntry({ name: 'package/a', prefix: 'ignored', gnu: true, data: 'a' }),
    ]));
    assert.deepEqual(reads.map((r) => r.entry.path), ['package/bins/linux-x64-cuda/libggml-cuda.so', 'package/a']);
  });

  it('takes the path and size from a pax extended header for the next entry only', () => {
    const long = `package/${'deep/'.repeat(40)}é.txt`;
    const reads = readAll(tarArchive([
      paxEntry({ path: long, mtime: '1700000000.5' }),
      tarEntry({ name: 'package/truncated-name', data: 'pax' }),
      // The header says 0 bytes; the pax size (for files past 8 GiB) is what counts.
      paxEntry({ size: '5' }),
      tarEntry({ name: 'package/sized', data: 'sized', headerSize: 0 }),
      tarEntry({ name: 'package/plain', data: 'p' }),
    ]));
    assert.deepEqual(reads.map((r) => [r.entry.path, r.text]), [[long, 'pax'], ['package/sized', 'sized'], ['package/plain', 'p']]);
  });

  it('takes a GNU long name for the next entry', () => {
    const long = `package/${'n'.repeat(300)}`;
    const reads = readAll(tarArchive([
      tarEntry({ name: '././@LongLink', type: 'L', gnu: true, data: `${long}\0` }),
      tarEntry({ name: long.slice(0, 99), gnu: true, data: 'long' }),
    ]));
    assert.deepEqual(reads.map((r) => [r.entry.path, r.text]), [[long, 'long']]);
  });

  it('reports links and other entries without data, skips global pax headers, and reads on', () => {
    const reads = readAll(tarArchive([
      paxEntry({ comment: 'global', path: 'package/not-this' }, 'g'),
      tarEntry({ name: 'package/link', type: '2', linkName: '/etc/passwd' }),
      tarEntry({ name: 'package/fifo', type: '6' }),
      tarEntry({ name: 'package/after', data: 'ok' }),
    ]));
    assert.deepEqual(
      reads.map((r) => `${r.entry.kind}:${r.entry.type}:${r.entry.path}`),
      ['other:2:package/link', 'other:6:package/fifo', 'file:0:package/after'],
    );
  });

  it('reads base-256 sizes, and an old-style file name ending in "/" as a directory', () => {
    const reads = readAll(tarArchive([
      tarEntry({ name: 'package/b256', data: 'abc', base256Size: true }),
      tarEntry({ name: 'package/dir/', type: '\0' }),
    ]));
    assert.deepEqual(reads.map((r) => [r.entry.kind, r.entry.size, r.text]), [['file', 3, 'abc'], ['directory', 0, undefined]]);
  });

  it('refuses a header with a wrong checksum', () => {
    const bad = tarEntry({ name: 'package/a', data: 'a' });
    bad[0] = 'q'.charCodeAt(0);
    assert.throws(() => new TarReader().push(bad), /wrong checksum/);
  });

  it('refuses an archive cut short, in a header, in data or before the end marker', () => {
    for (const cut of [100, 512 + 1, 1024]) {
      const reader = new TarReader();
      reader.push(archive.subarray(0, cut));
      assert.throws(() => reader.end(), /cut short/, `cut at ${cut}`);
    }
  });

  it('refuses a malformed pax record', () => {
    const broken = tarEntry({ name: 'PaxHeader', type: 'x', data: '99 path=x\n' });
    assert.throws(() => new TarReader().push(tarArchive([broken, tarEntry({ name: 'package/a' })])), /malformed record/);
  });
});

describe('packageEntryPath', () => {
  it('strips the top folder of an npm tarball, whatever its name, and normalises "." and empty segments', () => {
    assert.equal(packageEntryPath('package/dist/index.js'), 'dist/index.js');
    assert.equal(packageEntryPath('node-llama-cpp/./bins//x.so'), 'bins/x.so');
    assert.equal(packageEntryPath('package/'), '');
    assert.equal(packageEntryPath('package'), '');
  });

  it('refuses paths that could land outside the package folder', () => {
    for (const path of [
      '/etc/passwd',
      'package/../../evil',
      '../x',
      'package/a/../../b',
      'package\\..\\x',
      'C:/x',
      'package/a:stream',
      'package/a\0b',
    ]) {
      assert.throws(() => packageEntryPath(path), /unsafe path/, path);
    }
  });
});
