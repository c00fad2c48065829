// validateGgufHeader on a tiny model written by the project's GGUF writer, corrupted one field at a time. The
// fields are found by test/support/ggufLayout.ts, which shares no code with the validator.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { float32Data, GgmlType, GgufWriter, quantizeQ4_0 } from '../../scripts/lib/gguf/GgufWriter';
import { LONGEST_HEADER_BYTES, validateGgufHeader, type GgufHeaderCheck } from '../../src/core/gguf/validateGguf';
import { entryNamed, ggufLayout, withShortScores, withU32, withU64 } from '../support/ggufLayout';

const TOKENS = ['<unk>', '<s>', '</s>', '\u2581', 'a', 'b', 'c', 'd'];
const N_EMBD = 32;

/** A small Llama-shaped GGUF (two F32 tensors and one Q4_0), with `edit` applied to the writer before writing. */
function tinyModel(edit: (w: GgufWriter) => void = () => undefined): Buffer {
  const w = new GgufWriter(32);
  w.setString('general.architecture', 'llama').setString('general.name', 'tiny test model');
  w.setString('tokenizer.ggml.model', 'llama').setStringArray('tokenizer.ggml.tokens', TOKENS);
  w.setFloat32Array('tokenizer.ggml.scores', TOKENS.map(() => 0)).setInt32Array('tokenizer.ggml.token_type', TOKENS.map(() => 1));
  w.addTensor('token_embd.weight', [N_EMBD, TOKENS.length], GgmlType.F32, float32Data(new Float32Array(N_EMBD * TOKENS.length)));
  w.addTensor('output.weight', [N_EMBD, TOKENS.length], GgmlType.Q4_0, () => [
    quantizeQ4_0(new Float32Array(N_EMBD * TOKENS.length).fill(0.5)),
  ]);
  w.addTensor('output_norm.weight', [N_EMBD], GgmlType.F32, float32Data(new Float32Array(N_EMBD).fill(1)));
  edit(w);
  const dir = mkdtempSync(join(tmpdir(), 'llama-lens-gguf-'));
  try {
    w.writeFile(join(dir, 'tiny.gguf'));
    return readFileSync(join(dir, 'tiny.gguf'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function problemOf(check: GgufHeaderCheck): string {
  assert.ok(!check.ok && 'problem' in check, `expected a problem, got ${JSON.stringify(check)}`);
  return check.problem;
}

/** The problem with a whole file (all of it given, as for a small file). */
function problem(file: Uint8Array): string {
  return problemOf(validateGgufHeader(file, file.length));
}

describe('validateGgufHeader', () => {
  const model = tinyModel();
  const layout = ggufLayout(model);
  const tensor = (name: string) => {
    const found = layout.tensors.find((t) => t.name === name);
    if (!found) throw new Error(`no tensor ${name}`);
    return found;
  };

  it('accepts a well-formed file, with where its data starts and its tensor count', () => {
    assert.deepEqual(validateGgufHeader(model, model.length), { ok: true, dataStart: layout.dataStart, tensorCount: 3 });
  });

  it('asks for more bytes, at least doubling, until it has read the whole header', () => {
    let given = 8;
    const asked: number[] = [];
    for (;;) {
      const check = validateGgufHeader(model.subarray(0, given), model.length);
      if (check.ok) break;
      assert.ok('needBytes' in check, JSON.stringify(check));
      assert.ok(
        check.needBytes >= Math.min(2 * given, model.length) && check.needBytes <= model.length,
        `asked ${check.needBytes} after ${given}`,
      );
      asked.push(check.needBytes);
      given = check.needBytes;
    }
    assert.ok(asked.length >= 2 && given <= Math.max(layout.infosEnd * 2, 16), `asked ${asked.join(', ')}`);
  });

  it('gives up with a problem when a header would run past 64 MiB', () => {
    const huge = withU64(model, entryNamed(layout, 'general.name').valueAt, LONGEST_HEADER_BYTES + 1);
    const check = validateGgufHeader(huge.subarray(0, 4096), 2 * LONGEST_HEADER_BYTES + 4096);
    assert.match(
      problemOf(check),
      /^its header goes on past 64 MiB, far longer than any model's\. The file is probably incomplete or corrupt/,
    );
  });

  it('names an empty file', () => {
    assert.match(problem(new Uint8Array(0)), /^the file is empty \(0 bytes\), so it is not a GGUF model file\. It was probably cut short/);
  });

  it('names a text file, wrong magic and an old GGML file as not GGUF', () => {
    const notGguf = /^it is not a GGUF model file \(it does not start with "GGUF"\)\. Pick a GGUF model file/;
    assert.match(problem(Buffer.from('just some text, not a model\n')), notGguf);
    assert.match(problem(Buffer.concat([Buffer.from('GGUX'), model.subarray(4)])), notGguf);
    assert.match(problem(Buffer.from('no')), notGguf);
    assert.match(
      problem(Buffer.concat([Buffer.from('tjgg'), model.subarray(4)])),
      /^it is a model in the old GGML format \(it starts with "tjgg"\)/,
    );
  });

  it('refuses GGUF version 1, unknown versions and a big-endian file', () => {
    assert.match(problem(withU32(model, 4, 1)), /^it is a GGUF version 1 file, which llama.cpp no longer reads/);
    assert.match(problem(withU32(model, 4, 4)), /^its GGUF version is 4, but llama.cpp reads only versions 2 and 3\./);
    assert.match(problem(withU32(model, 4, 0)), /^its GGUF version is 0,/);
    assert.match(problem(withU32(model, 4, 0x03000000)), /^its GGUF version reads as 50331648, which is how a big-endian GGUF file looks/);
    assert.equal(validateGgufHeader(withU32(model, 4, 2), model.length).ok, true);
  });

  it('says where the file ends when it is cut off anywhere in its header', () => {
    // Before the counts are read, and after the file is long enough for what they declare, the walk runs out of file;
    // in between, the counts already show it too short.
    const entries = layout.entries.length;
    const minimum = 24 + 13 * entries + 32 * layout.tensors.length;
    for (let cut = 1; cut < layout.infosEnd; cut++) {
      const said = problem(model.subarray(0, cut));
      const expected =
        cut >= 24 && cut < minimum
          ? `its header declares ${entries} metadata entries and 3 tensors, which take at least ${minimum} bytes, but the file ends at byte ${cut}. `
          : `the file ends inside its header (at byte ${cut}), so its header cannot be read. `;
      assert.equal(
        said,
        `${expected}The file is probably incomplete or corrupt: download it again or pick another model file.`,
        `cut at ${cut}`,
      );
    }
  });

  it('calls a file cut off in its tensor data incomplete', () => {
    const cut = layout.dataStart + 100;
    assert.match(
      problem(model.subarray(0, cut)),
      new RegExp(
        `^the file is incomplete: its tensor data should run to byte ${model.length}, but the file ends at byte ${cut} \\(\\d+% of it is there\\)\\. ` +
          'It was probably cut short by an interrupted download or copy',
      ),
    );
    assert.match(problem(model.subarray(0, layout.infosEnd)), /^the file is incomplete/);
  });

  it('refuses absurd tensor and metadata counts, and counts the file has no room for', () => {
    assert.match(problem(withU64(model, 8, 2n ** 40n)), /^its header declares 1099511627776 tensors, far more than any model has/);
    assert.match(
      problem(withU64(model, 16, 2n ** 64n - 1n)),
      /^its header declares 18446744073709552000 metadata entries, far more than any model has/,
    );
    assert.match(
      problem(withU64(model, 16, 100_000)),
      /^its header declares 100000 metadata entries and 3 tensors, which take at least 1300120 bytes, but the file ends at byte \d+\./,
    );
  });

  it('refuses a string length larger than the file', () => {
    const name = entryNamed(layout, 'general.name');
    assert.match(problem(withU64(model, name.valueAt, 2n ** 40n)),
      /^metadata entry \d+ \("general.name"\) claims a string of 1099511627776 bytes, more than the \d+ bytes left in the file\./);
    const keyAt = name.valueAt - 4 - 'general.name'.length - 8;
    assert.match(problem(withU64(model, keyAt, 2n ** 40n)), /^the key of metadata entry \d+ claims a string of 1099511627776 bytes/);
    const tokens = entryNamed(layout, 'tokenizer.ggml.tokens');
    assert.match(
      problem(withU64(model, (tokens.countAt ?? 0) + 8, 2n ** 40n)),
      /^value 1 of metadata entry \d+ \("tokenizer.ggml.tokens"\) claims a string/,
    );
    assert.match(problem(withU64(model, tensor('output.weight').nameAt, 2n ** 40n)), /^the name of tensor 2 claims a string/);
  });

  it('refuses unknown value types, arrays of arrays and arrays longer than the file', () => {
    const name = entryNamed(layout, 'general.name');
    assert.match(problem(withU32(model, name.typeAt, 13)), /^metadata entry \d+ \("general.name"\) has an unknown value type \(13\)\./);
    const tokens = entryNamed(layout, 'tokenizer.ggml.tokens');
    assert.match(problem(withU32(model, tokens.valueAt, 9)), /^metadata entry \d+ \("tokenizer.ggml.tokens"\) is an array of arrays/);
    assert.match(problem(withU32(model, tokens.valueAt, 77)), /has an unknown value type \(77\)/);
    assert.match(
      problem(withU64(model, tokens.countAt ?? 0, 2n ** 40n)),
      /^metadata entry \d+ \("tokenizer.ggml.tokens"\) claims an array of 1099511627776 values/,
    );
  });

  it('refuses an alignment that is not a power of two or not a u32', () => {
    const alignment = entryNamed(layout, 'general.alignment');
    assert.match(problem(withU32(model, alignment.valueAt, 24)), /^its general.alignment is 24, which is not a power of two\./);
    assert.match(problem(withU32(model, alignment.typeAt, 5)), /^its general.alignment entry is not a 32-bit unsigned integer\./);
  });

  it('refuses a vocabulary whose arrays disagree in length, or that is not an array', () => {
    const short = withShortScores(model);
    assert.equal(short.length, model.length);
    assert.match(
      problem(short),
      new RegExp(
        `^its vocabulary's arrays disagree in length \\(tokenizer.ggml.tokens has ${TOKENS.length} entries, ` +
          `tokenizer.ggml.scores has ${TOKENS.length - 1} entries, tokenizer.ggml.token_type has ${TOKENS.length} entries\\)\\.`,
      ),
    );
    assert.match(
      problem(tinyModel((w) => w.setFloat32('tokenizer.ggml.scores', 0))),
      /^its tokenizer.ggml.scores entry should be an array but is not\./,
    );
  });

  it('refuses bad tensor infos: name length, dimension count, a zero dimension, an unknown type, rows not in blocks', () => {
    assert.match(problem(tinyModel((w) => w.addTensor('x'.repeat(64), [N_EMBD], GgmlType.F32, float32Data(new Float32Array(N_EMBD))))),
      /^the name of tensor 4 is 64 bytes long; llama.cpp allows at most 63\./);
    const embd = tensor('token_embd.weight');
    assert.match(
      problem(withU32(model, embd.dimsCountAt, 5)),
      /^tensor 1 \("token_embd.weight"\) has 5 dimensions; a GGUF tensor has 1 to 4\./,
    );
    assert.match(problem(withU32(model, embd.dimsCountAt, 0)), /^tensor 1 \("token_embd.weight"\) has 0 dimensions/);
    assert.match(problem(withU64(model, embd.dimsAt, 0)), /^tensor 1 \("token_embd.weight"\) has a dimension of 0\./);
    assert.match(
      problem(withU64(model, embd.dimsAt + 8, 2n ** 62n)),
      /^tensor 1 \("token_embd.weight"\) declares more elements than a tensor can have\./,
    );
    for (const type of [4, 31, 43, 99]) {
      assert.match(
        problem(withU32(model, embd.typeAt, type)),
        new RegExp(`^tensor 1 \\("token_embd.weight"\\) has an unknown ggml type \\(${type}\\)\\.`),
      );
    }
    const output = tensor('output.weight');
    assert.match(
      problem(withU64(model, output.dimsAt, 48)),
      /^tensor 2 \("output.weight"\) has rows of 48 values, but Q4_0 stores values in blocks of 32\./,
    );
  });

  it('refuses tensor offsets that are misaligned, beyond the end of the file, or out of place', () => {
    const output = tensor('output.weight');
    assert.match(
      problem(withU64(model, output.offsetAt, output.offset + 4n)),
      /^tensor 2 \("output.weight"\) starts at data offset \d+, which is not a multiple of the file's alignment \(32\)\./,
    );
    const far = 2n ** 33n;
    assert.match(
      problem(withU64(model, output.offsetAt, far)),
      new RegExp(
        `^tensor 2 \\("output.weight"\\) points at byte ${BigInt(layout.dataStart) + far}, beyond the end of the file \\(${model.length} bytes\\)\\.`,
      ),
    );
    assert.match(
      problem(withU64(model, output.offsetAt, 0)),
      new RegExp(`^tensor 2 \\("output.weight"\\) is at data offset 0, but the tensors before it end at ${output.offset}\\.`),
    );
  });

  it('never throws on a header with any one byte corrupted', () => {
    for (let at = 0; at < layout.infosEnd; at++) {
      for (const value of [0x00, 0x7f, 0xff]) {
        const copy = Buffer.from(model);
        copy[at] = value;
        const check = validateGgufHeader(copy, copy.length);
        assert.ok(check.ok || 'problem' in check, `byte ${at} = ${value}: ${JSON.stringify(check)}`);
      }
    }
  });
});
