import { strict as assert } from 'node:assert';
import { ContextRing, formatExtraContext, lineCommentPrefix } from '../../src/core/ContextRing';

/** A file whose line i reads `${tag}${i}`, so a chunk's text names its own lines. */
function file(tag: string, lineCount: number): string[] {
  return Array.from({ length: lineCount }, (_, i) => `${tag}${i}`);
}

/** The text of lines from..to-1 of `file(tag, …)`. */
function textOf(tag: string, from: number, to: number): string {
  return file(tag, to).slice(from).join('\n');
}

function paths(ring: ContextRing, currentPath = 'current.ts'): string[] {
  return ring.chunksFor(currentPath).map((chunk) => chunk.path);
}

describe('ContextRing', () => {
  describe('cutting chunks', () => {
    it('starts a chunk on a half-chunk boundary near the line', () => {
      // chunkLines 10: starts snap to multiples of 5; line 14 is nearest 15, so its window is 10..19.
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      ring.record('a.ts', file('a', 30), 14, 'edit');
      assert.deepEqual(ring.chunksFor('current.ts'), [
        { path: 'a.ts', startLine: 10, text: 'a10\na11\na12\na13\na14\na15\na16\na17\na18\na19' },
      ]);
    });

    it('keeps a short file whole', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      ring.record('a.ts', file('a', 3), 2, 'open');
      assert.deepEqual(ring.chunksFor('current.ts'), [{ path: 'a.ts', startLine: 0, text: 'a0\na1\na2' }]);
    });

    it('cuts a shorter chunk at the end of a file and clamps lines outside it', () => {
      // 23 lines, line 22: nearest multiple of 5 is 20, so the window starts at 15 and ends with the file.
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      ring.record('a.ts', file('a', 23), 22, 'edit');
      ring.record('a.ts', file('a', 23), 99, 'edit');
      ring.record('b.ts', file('b', 23), -3, 'edit');
      assert.deepEqual(ring.chunksFor('current.ts'), [
        { path: 'a.ts', startLine: 15, text: 'a15\na16\na17\na18\na19\na20\na21\na22' },
        { path: 'b.ts', startLine: 0, text: textOf('b', 0, 10) },
      ]);
    });

    it('makes every line its own chunk when chunkLines is 1', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 1 });
      ring.record('a.ts', file('a', 10), 3, 'edit');
      assert.deepEqual(ring.chunksFor('current.ts'), [{ path: 'a.ts', startLine: 3, text: 'a3' }]);
    });

    it('ignores empty and whitespace-only chunks', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      ring.record('blank.ts', ['', '   ', '\t', ''], 1, 'edit');
      ring.record('empty.ts', [], 0, 'open');
      assert.equal(ring.size, 0);
      ring.record('mixed.ts', ['', '  x', ''], 1, 'edit');
      assert.deepEqual(ring.chunksFor('current.ts'), [{ path: 'mixed.ts', startLine: 0, text: '\n  x\n' }]);
    });

    it('caps a single huge line at 4,000 characters by default', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      ring.record('min.js', ['x'.repeat(10_000)], 0, 'open');
      const [chunk] = ring.chunksFor('current.ts');
      assert.equal(chunk?.text, 'x'.repeat(4000));
    });

    it('ends a capped chunk at the last whole line that fits', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10, maxChunkChars: 10 });
      ring.record('a.ts', ['abcd', 'efgh', 'ijkl'], 0, 'open');
      assert.equal(ring.chunksFor('current.ts')[0]?.text, 'abcd\nefgh');
    });

    it('never cuts a capped chunk inside a surrogate pair', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10, maxChunkChars: 2 });
      ring.record('a.ts', ['a\u{1F600}b'], 0, 'open');
      assert.equal(ring.chunksFor('current.ts')[0]?.text, 'a');
    });
  });

  describe('stability', () => {
    it('keeps the formatted text byte-identical when the same places are recorded again', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      ring.record('a.ts', file('a', 30), 14, 'open');
      ring.record('b.ts', file('b', 5), 3, 'open');
      const expected = `// a.ts\n${textOf('a', 10, 20)}\n// b.ts\nb0\nb1\nb2\nb3\nb4\n`;
      assert.equal(formatExtraContext(ring.chunksFor('current.ts'), '//'), expected);
      // Lines 13..17 are all nearest 15, so they share the window 10..19; b's 5 lines are one chunk.
      for (const line of [13, 14, 15, 16, 17]) {
        ring.record('a.ts', file('a', 30), line, 'edit');
        ring.record('b.ts', file('b', 5), line % 5, 'save');
        assert.equal(formatExtraContext(ring.chunksFor('current.ts'), '//'), expected);
      }
      assert.equal(ring.size, 2);
    });

    it('keeps the text for the current file identical while it is being edited', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      ring.record('b.ts', file('b', 3), 0, 'open');
      const before = formatExtraContext(ring.chunksFor('a.ts'), '//');
      const typed = file('a', 20);
      for (const ch of 'const x = 1;') {
        typed[5] = `${typed[5]}${ch}`;
        ring.record('a.ts', typed, 5, 'edit');
        assert.equal(formatExtraContext(ring.chunksFor('a.ts'), '//'), before);
      }
      assert.equal(before, '// b.ts\nb0\nb1\nb2\n');
    });

    it('adds the neighbouring window, which overlaps by exactly half, as a new chunk', () => {
      // Line 18 is nearest 20, so its window 15..24 shares 5 of 10 lines with 10..19: not more than half.
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      ring.record('a.ts', file('a', 30), 14, 'edit');
      ring.record('a.ts', file('a', 30), 18, 'edit');
      assert.deepEqual(ring.chunksFor('current.ts').map((chunk) => chunk.startLine), [10, 15]);
    });

    it('keeps neighbouring windows of an odd chunk length apart too', () => {
      // chunkLines 5: starts snap to multiples of 3; line 7 -> 3..7, line 8 -> 6..10, sharing 2 of 5 lines.
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 5 });
      ring.record('a.ts', file('a', 20), 7, 'edit');
      ring.record('a.ts', file('a', 20), 8, 'edit');
      assert.deepEqual(ring.chunksFor('current.ts'), [
        { path: 'a.ts', startLine: 3, text: 'a3\na4\na5\na6\na7' },
        { path: 'a.ts', startLine: 6, text: 'a6\na7\na8\na9\na10' },
      ]);
    });
  });

  describe('dedup and replacement', () => {
    it('replaces a chunk in place when its text changed', () => {
      const ring = new ContextRing({ maxChunks: 5, chunkLines: 4 });
      ring.record('a.ts', file('a', 6), 1, 'open');
      ring.record('b.ts', file('b', 6), 1, 'open');
      ring.record('c.ts', file('c', 6), 1, 'open');
      const edited = file('a', 6);
      edited[2] = 'a2 changed';
      // chunkLines 4: starts snap to multiples of 2; lines 1 and 2 are both nearest 2, so window 0..3.
      ring.record('a.ts', edited, 2, 'edit');
      assert.deepEqual(ring.chunksFor('current.ts'), [
        { path: 'a.ts', startLine: 0, text: 'a0\na1\na2 changed\na3' },
        { path: 'b.ts', startLine: 0, text: 'b0\nb1\nb2\nb3' },
        { path: 'c.ts', startLine: 0, text: 'c0\nc1\nc2\nc3' },
      ]);
    });

    it('keeps identical text from different paths once, under the first path', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      const same = ['import x from "y";', 'export default x;'];
      ring.record('a.ts', same, 0, 'open');
      ring.record('copy.ts', same, 1, 'open');
      assert.equal(ring.size, 1);
      assert.equal(formatExtraContext(ring.chunksFor('current.ts'), '//'), '// a.ts\nimport x from "y";\nexport default x;\n');
    });

    it('drops a changed chunk whose new text another path already holds', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      ring.record('a.ts', ['foo'], 0, 'open');
      ring.record('b.ts', ['bar'], 0, 'open');
      ring.record('a.ts', ['bar'], 0, 'edit');
      assert.deepEqual(ring.chunksFor('current.ts'), [{ path: 'b.ts', startLine: 0, text: 'bar' }]);
    });

    it('lets a chunk that covers two stale chunks of a grown file take the first one\'s place', () => {
      const ring = new ContextRing({ maxChunks: 10, chunkLines: 10 });
      ring.record('b.ts', file('b', 14), 13, 'edit'); // nearest 15 -> 10..13 (file end)
      ring.record('a.ts', file('a', 3), 0, 'open');
      ring.record('b.ts', file('b', 19), 18, 'edit'); // nearest 20 -> 15..18, no overlap with 10..13
      assert.equal(ring.size, 3);
      ring.record('b.ts', file('b', 20), 16, 'edit'); // nearest 15 -> 10..19, covers both b chunks
      assert.deepEqual(ring.chunksFor('current.ts'), [
        { path: 'b.ts', startLine: 10, text: textOf('b', 10, 20) },
        { path: 'a.ts', startLine: 0, text: 'a0\na1\na2' },
      ]);
    });
  });

  describe('order, eviction and removal', () => {
    it('evicts the oldest chunks when over maxChunks', () => {
      const ring = new ContextRing({ maxChunks: 2, chunkLines: 10 });
      for (const tag of ['a', 'b', 'c', 'd']) ring.record(`${tag}.ts`, file(tag, 3), 0, 'open');
      assert.deepEqual(paths(ring), ['c.ts', 'd.ts']);
      assert.equal(ring.size, 2);
    });

    it('never moves a chunk that is touched again, so eviction goes by arrival', () => {
      const ring = new ContextRing({ maxChunks: 3, chunkLines: 10 });
      for (const tag of ['a', 'b', 'c']) ring.record(`${tag}.ts`, file(tag, 3), 0, 'open');
      ring.record('a.ts', file('a', 3), 1, 'save');
      assert.deepEqual(paths(ring), ['a.ts', 'b.ts', 'c.ts']);
      ring.record('d.ts', file('d', 3), 0, 'open');
      assert.deepEqual(paths(ring), ['b.ts', 'c.ts', 'd.ts']);
    });

    it('keeps nothing when maxChunks is 0', () => {
      const ring = new ContextRing({ maxChunks: 0, chunkLines: 10 });
      ring.record('a.ts', file('a', 3), 0, 'open');
      assert.equal(ring.size, 0);
    });

    it('leaves out chunks of the current file but keeps them in the ring', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      ring.record('a.ts', file('a', 3), 0, 'open');
      ring.record('b.ts', file('b', 3), 0, 'open');
      assert.deepEqual(paths(ring, 'a.ts'), ['b.ts']);
      assert.deepEqual(paths(ring, 'b.ts'), ['a.ts']);
      assert.equal(ring.size, 2);
    });

    it('forgets every chunk of a file', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      ring.record('a.ts', file('a', 40), 1, 'open');
      ring.record('b.ts', file('b', 3), 0, 'open');
      ring.record('a.ts', file('a', 40), 30, 'edit');
      assert.equal(ring.size, 3);
      ring.forget('a.ts');
      ring.forget('never-seen.ts');
      assert.deepEqual(paths(ring), ['b.ts']);
    });

    it('clears everything', () => {
      const ring = new ContextRing({ maxChunks: 4, chunkLines: 10 });
      ring.record('a.ts', file('a', 3), 0, 'open');
      ring.record('b.ts', file('b', 3), 0, 'open');
      ring.clear();
      assert.equal(ring.size, 0);
      assert.deepEqual(ring.chunksFor('current.ts'), []);
      assert.equal(formatExtraContext(ring.chunksFor('current.ts'), '//'), '');
    });
  });
});

describe('formatExtraContext', () => {
  it('is empty for no chunks', () => {
    assert.equal(formatExtraContext([], '#'), '');
  });

  it('puts a comment header with the path before each chunk and ends each with a newline', () => {
    const text = formatExtraContext(
      [
        { path: 'src/a.ts', startLine: 0, text: 'foo' },
        { path: 'src/b.ts', startLine: 5, text: 'bar\nbaz' },
      ],
      '//',
    );
    assert.equal(text, '// src/a.ts\nfoo\n// src/b.ts\nbar\nbaz\n');
  });

  it('adds no second newline to a chunk that ends with one', () => {
    assert.equal(formatExtraContext([{ path: 'a.py', startLine: 0, text: 'x = 1\n' }], '#'), '# a.py\nx = 1\n');
  });

  it('keeps a path with a line break on the header line', () => {
    assert.equal(formatExtraContext([{ path: 'odd\nname.ts', startLine: 0, text: 'x' }], '//'), '// odd name.ts\nx\n');
  });
});

describe('lineCommentPrefix', () => {
  it('is // for the C family', () => {
    for (const id of ['typescript', 'javascript', 'typescriptreact', 'c', 'cpp', 'java', 'go', 'rust', 'csharp']) {
      assert.equal(lineCommentPrefix(id), '//', id);
    }
  });

  it('is # for Python, shell, Ruby and YAML', () => {
    for (const id of ['python', 'shellscript', 'ruby', 'yaml']) assert.equal(lineCommentPrefix(id), '#', id);
  });

  it('is -- for SQL, Lua and Haskell', () => {
    for (const id of ['sql', 'lua', 'haskell']) assert.equal(lineCommentPrefix(id), '--', id);
  });

  it('falls back to // and ignores case', () => {
    assert.equal(lineCommentPrefix('plaintext'), '//');
    assert.equal(lineCommentPrefix('some-new-language'), '//');
    assert.equal(lineCommentPrefix('Python'), '#');
  });
});
