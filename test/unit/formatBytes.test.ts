// One unit system for every size Llama Lens shows. CodeLlama-7B's Q4_K_M file is 4,081,095,360 bytes: in binary units
// 4,081,095,360 / 1024³ = 3.80 GiB, shown as "3.8 GB". Decimal units would say "4.1 GB", and once two places did.
import { strict as assert } from 'node:assert';
import { memoryFit } from '../../src/core/models/memoryFit';
import { formatBytes } from '../../src/core/text/formatBytes';
import { statusText } from '../../src/extension/statusText';
import type { ModelInfo } from '../../src/protocol/engineProtocol';

const CODELLAMA_7B_Q4_K_M = 4_081_095_360;

describe('formatBytes', () => {
  it('uses binary units: 1 KB is 1,024 bytes', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(3 * 1024 ** 3), '3.0 GB');
    assert.equal(formatBytes(CODELLAMA_7B_Q4_K_M), '3.8 GB');
  });

  it('shows one size for one file in the status tooltip and in the memory note', () => {
    const info = { name: 'CodeLlama 7B', filePath: '/m.gguf', sizeBytes: CODELLAMA_7B_Q4_K_M } as ModelInfo;
    assert.match(statusText({ kind: 'ready', info: { ...info, architecture: 'llama' } }).tooltip, /, 3\.8 GB\n/);
    const machine = { backend: 'cpu', ramTotalBytes: 2 ** 40, ramFreeBytes: 2 ** 40, vramTotalBytes: 0, vramFreeBytes: 0 };
    assert.match(memoryFit({ ramBytes: CODELLAMA_7B_Q4_K_M, vramBytes: 0 }, machine).note, /^Needs 3\.8 GB of RAM/);
  });
});
