import { strict as assert } from 'node:assert';
import {
  MODEL_CATALOGUE,
  catalogueDownload,
  catalogueFit,
  estimateRamBytes,
  type CatalogueEntry,
} from '../../src/core/models/catalogue';
import type { MachineInfo } from '../../src/protocol/engineProtocol';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function entry(id: string): CatalogueEntry {
  const found = MODEL_CATALOGUE.find((e) => e.id === id);
  if (!found) throw new Error(`no catalogue entry ${id}`);
  return found;
}

function machine(ramTotalBytes: number, ramFreeBytes: number): MachineInfo {
  return { backend: 'cpu', ramTotalBytes, ramFreeBytes, vramTotalBytes: 0, vramFreeBytes: 0 };
}

describe('model catalogue', () => {
  it('lists each model once, as an hf: URI to the named file in a TheBloke GGUF repo', () => {
    assert.equal(new Set(MODEL_CATALOGUE.map((e) => e.id)).size, MODEL_CATALOGUE.length);
    for (const e of MODEL_CATALOGUE) {
      assert.match(e.uri, /^hf:TheBloke\/[A-Za-z0-9.-]+-GGUF\/[^/#]+\.gguf#[0-9a-f]{40}$/, e.id);
      assert.ok(e.uri.split('#')[0]?.endsWith(`/${e.fileName}`), e.id);
      assert.ok(e.fileName.includes(`.${e.quantisation}.`), `${e.id}: file name names its quantisation`);
    }
  });

  it('recommends CodeLlama 7B Instruct with FIM for completion, Llama 2 Chat for prompts and TinyLlama for small machines', () => {
    assert.deepEqual(
      MODEL_CATALOGUE.map((e) => [e.id, e.purpose, e.hasFim]),
      [
        ['codellama-7b-instruct', 'completion', true],
        ['llama-2-7b-chat', 'prompts', false],
        ['tinyllama-1.1b-chat', 'smallMachine', false],
      ],
    );
  });

  it('pins every entry to a 64-hex SHA-256, a 40-hex revision and its exact size, in its URI and in the download', () => {
    for (const e of MODEL_CATALOGUE) {
      assert.match(e.sha256, /^[0-9a-f]{64}$/, e.id);
      assert.match(e.revision, /^[0-9a-f]{40}$/, e.id);
      assert.equal(e.uri, `${e.uri.split('#')[0]}#${e.revision}`, e.id);
      assert.deepEqual(catalogueDownload(e), { uri: e.uri, expectedBytes: e.sizeBytes, expectedSha256: e.sha256 });
    }
    assert.deepEqual(catalogueDownload(entry('tinyllama-1.1b-chat')), {
      uri: 'hf:TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF/tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf#52e7645ba7c309695bec7ac98f4f005b139cf465',
      expectedBytes: 668_788_096,
      expectedSha256: '9fecc3b3cd76bba89d504f29b616eedf7da85b96540e490ca5824d3f7d2776a0',
    });
    assert.equal(catalogueDownload(entry('llama-2-7b-chat')).expectedBytes, 4_081_004_224);
  });

  it('estimates RAM as file + f16 K and V cache + 512 MiB', () => {
    // TinyLlama: 22 layers, K and V rows of 4 heads x 64 = 256 values, 2 bytes each, 2048 positions.
    assert.equal(estimateRamBytes(1000, { layers: 22, kvWidth: 256 }, 2048), 1000 + 2 * 22 * 2048 * 256 * 2 + 512 * MiB);
    assert.equal(entry('tinyllama-1.1b-chat').estimatedRamBytes, 668_788_096 + 46_137_344 + 536_870_912);
    // Llama-2 7B shape at 4096: 2 x 32 layers x 4096 x 4096 x 2 bytes = 2 GiB of cache.
    assert.equal(entry('codellama-7b-instruct').estimatedRamBytes, 4_081_095_360 + 2 * GiB + 512 * MiB);
  });

  it('fits a 7B model on an 8 GB machine and only TinyLlama on a 4 GB one', () => {
    const eight = machine(8 * GiB, 7 * GiB);
    for (const e of MODEL_CATALOGUE) assert.equal(catalogueFit(e, eight).fits, true, e.id);
    const four = machine(4 * GiB, 3 * GiB);
    assert.deepEqual(MODEL_CATALOGUE.filter((e) => catalogueFit(e, four).fits).map((e) => e.id), ['tinyllama-1.1b-chat']);
    assert.match(
      catalogueFit(entry('llama-2-7b-chat'), four).note,
      /^Needs 6\.3 GB of RAM and 0 B of VRAM, but this machine has 4\.0 GB of RAM in all\.$/,
    );
  });
});
