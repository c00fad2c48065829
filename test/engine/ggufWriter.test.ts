// The GGUF writer, checked against node-llama-cpp's own GGUF parser and against llama.cpp itself: metadata and
// tensor infos round-trip, tensor data lands at the aligned offsets the reader computes, and a Q4_0 tensor means
// to llama.cpp what the writer meant (a Q4_0 identity embedding gives the same distribution as an F32 one).
import * as assert from 'node:assert/strict';
import { mkdtempSync, openSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Token } from 'node-llama-cpp';
import {
  GgmlType,
  GgufWriter,
  constantFloat32Data,
  float32Data,
  float32ToFloat16Bits,
  quantizeQ4_0,
} from '../../scripts/lib/gguf/GgufWriter';
import { buildOracleGguf, buildOracleTable } from '../../scripts/lib/models/oracleModel';
import { nextTokenDistribution, tokenizeLikeOracle } from '../support/oracle';

function readBytes(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, offset);
    return buffer;
  } finally {
    closeSync(fd);
  }
}

describe('GgufWriter', function () {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'llama-lens-gguf-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('converts float32 to float16 bits with round-to-nearest-even', function () {
    assert.equal(float32ToFloat16Bits(1), 0x3c00);
    assert.equal(float32ToFloat16Bits(-2), 0xc000);
    assert.equal(float32ToFloat16Bits(0.5), 0x3800);
    assert.equal(float32ToFloat16Bits(65504), 0x7bff);
    assert.equal(float32ToFloat16Bits(1e6), 0x7c00);
    assert.equal(float32ToFloat16Bits(2 ** -24), 0x0001); // smallest subnormal
    assert.equal(float32ToFloat16Bits(2 ** -26), 0x0000);
    assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00); // halfway, rounds to even
    assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02);
  });

  it('quantizes a one-hot block to Q4_0 exactly, low nibble = value j, high nibble = value j + 16', function () {
    const values = new Float32Array(32);
    values[17] = 1;
    const block = quantizeQ4_0(values);
    assert.equal(block.length, 18);
    assert.equal(block[0]! | (block[1]! << 8), float32ToFloat16Bits(-0.125)); // d = max / -8
    for (let j = 0; j < 16; j++) assert.equal(block[2 + j], j === 1 ? 0x08 : 0x88, `byte ${j}`);
  });

  it('writes metadata and tensors that node-llama-cpp reads back', async function () {
    const path = join(dir, 'tiny.gguf');
    const f32 = Float32Array.from({ length: 3 * 5 }, (_, i) => i / 4 - 1);
    const q4 = quantizeQ4_0(Float32Array.from({ length: 64 * 2 }, (_, i) => Math.sin(i)));
    const w = new GgufWriter(32)
      .setUint32('test.u32', 4000000000)
      .setInt32('test.i32', -7)
      .setFloat32('test.f32', 0.25)
      .setBool('test.yes', true)
      .setBool('test.no', false)
      .setString('test.text', 'caf\u00e9 \u2581 [INST]')
      .setStringArray('test.strings', ['<s>', '', '\u2581a'])
      .setFloat32Array('test.floats', [1.5, -2, 0])
      .setInt32Array('test.ints', [3, -4, 5])
      .addTensor('a.weight', [3, 5], GgmlType.F32, float32Data(f32))
      .addTensor('b.weight', [64, 2], GgmlType.Q4_0, () => [q4.subarray(0, 18), q4.subarray(18)])
      .addTensor('c.weight', [7], GgmlType.F32, constantFloat32Data(7, 1));
    const bytes = w.writeFile(path);
    assert.equal(bytes, statSync(path).size);
    assert.equal(bytes, w.fileSize());

    const { readGgufFileInfo } = await import('node-llama-cpp');
    const info = await readGgufFileInfo(path, { logWarnings: false });
    assert.equal(info.version, 3);
    const md = info.metadata as unknown as Record<string, Record<string, unknown>>;
    assert.deepEqual(md.test, {
      u32: 4000000000, i32: -7, f32: 0.25, yes: true, no: false, text: 'caf\u00e9 \u2581 [INST]',
      strings: ['<s>', '', '\u2581a'], floats: [1.5, -2, 0], ints: [3, -4, 5],
    });
    assert.equal(md.general?.alignment, 32);

    const tensors = info.tensorInfo ?? [];
    assert.deepEqual(tensors.map((t) => [t.name, t.dimensions, t.ggmlType]), [
      ['a.weight', [3, 5], 0],
      ['b.weight', [64, 2], 2],
      ['c.weight', [7], 0],
    ]);
    for (const t of tensors) assert.equal(Number(t.fileOffset) % 32, 0, `${t.name} is aligned`);
    const [a, b, c] = tensors;
    assert.deepEqual(readBytes(path, Number(a!.fileOffset), f32.byteLength), Buffer.from(f32.buffer));
    assert.deepEqual(readBytes(path, Number(b!.fileOffset), q4.length), Buffer.from(q4));
    assert.deepEqual(readBytes(path, Number(c!.fileOffset), 28), Buffer.from(new Float32Array(7).fill(1).buffer));
  });

  it('refuses a producer that writes the wrong number of bytes', function () {
    const w = new GgufWriter().addTensor('x', [4], GgmlType.F32, float32Data(new Float32Array(3)));
    assert.throws(() => w.writeFile(join(dir, 'bad.gguf')), /wrote 12 of 16 bytes/);
  });

  it('writes Q4_0 the way llama.cpp reads it (identity embedding in Q4_0 keeps the oracle exact)', async function () {
    const table = buildOracleTable('let a = b;\n\tlet c = a + b;\n', 'test-corpus');
    const path = join(dir, 'oracle-q4.gguf');
    buildOracleGguf(table, 'oracle', { embeddingType: GgmlType.Q4_0 }).writeFile(path);

    const { getLlama } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false, build: 'never' });
    const model = await llama.loadModel({ modelPath: path });
    const context = await model.createContext({ contextSize: 256, threads: llama.cpuMathCores });
    try {
      // Every token id is checked: a wrong nibble order would map token i to the row of i +- 16.
      const prompt = tokenizeLikeOracle(table, 'let a');
      const expected = nextTokenDistribution(table, prompt[prompt.length - 1]!);
      const sequence = context.getSequence();
      for await (const output of sequence.evaluateWithMetadata(
        [table.bos, ...prompt] as Token[],
        { probabilities: true },
        { temperature: 0 },
      )) {
        expected.forEach((p, id) => assert.ok(Math.abs((output.probabilities.get(id as Token) ?? -1) - p) < 1e-4, `token ${id}`));
        break;
      }
    } finally {
      await context.dispose();
      await model.dispose();
    }
  });
});
