import { strict as assert } from 'node:assert';
import { memoryFit } from '../../src/core/models/memoryFit';
import type { MachineInfo } from '../../src/protocol/engineProtocol';

const GB = 1024 ** 3;

function machine(ramTotalGb: number, ramFreeGb: number, vramTotalGb = 0, vramFreeGb = 0): MachineInfo {
  return {
    backend: vramTotalGb > 0 ? 'cuda' : 'cpu',
    ramTotalBytes: ramTotalGb * GB,
    ramFreeBytes: ramFreeGb * GB,
    vramTotalBytes: vramTotalGb * GB,
    vramFreeBytes: vramFreeGb * GB,
  };
}

describe('memoryFit', () => {
  it('fits a need within free RAM and says how much is free', () => {
    const fit = memoryFit({ ramBytes: 4.1 * GB, vramBytes: 0 }, machine(16, 11.2));
    assert.deepEqual(fit, { fits: true, note: 'Needs 4.1 GB of RAM and 0 B of VRAM; 11.2 GB of RAM is free.' });
  });

  it('judges by total RAM, so a need above the free RAM still fits, with a warning', () => {
    const fit = memoryFit({ ramBytes: 12 * GB, vramBytes: 0 }, machine(16, 2));
    assert.equal(fit.fits, true);
    assert.equal(
      fit.note,
      "Needs 12.0 GB of RAM and 0 B of VRAM; only 2.0 GB of this machine's 16.0 GB of RAM is free now, so other programs may be paged out.",
    );
  });

  it('fits a need of exactly the total RAM and refuses one byte more', () => {
    assert.equal(memoryFit({ ramBytes: 8 * GB, vramBytes: 0 }, machine(8, 8)).fits, true);
    assert.equal(memoryFit({ ramBytes: 8 * GB + 1, vramBytes: 0 }, machine(8, 8)).fits, false);
  });

  it('refuses a need above the total RAM and names both numbers', () => {
    const fit = memoryFit({ ramBytes: 40 * GB, vramBytes: 0 }, machine(16, 12));
    assert.deepEqual(fit, { fits: false, note: 'Needs 40.0 GB of RAM and 0 B of VRAM, but this machine has 16.0 GB of RAM in all.' });
  });

  it('refuses a VRAM need above the GPU total and suggests fewer layers', () => {
    const fit = memoryFit({ ramBytes: 1 * GB, vramBytes: 8 * GB }, machine(32, 20, 4, 3.5));
    assert.equal(fit.fits, false);
    assert.equal(fit.note, 'Needs 1.0 GB of RAM and 8.0 GB of VRAM, but the GPU has 4.0 GB of VRAM in all; use fewer GPU layers.');
  });

  it('fits a VRAM need within the GPU total', () => {
    assert.equal(memoryFit({ ramBytes: 1 * GB, vramBytes: 3.9 * GB }, machine(32, 20, 4, 1)).fits, true);
  });

  it('refuses when both RAM and VRAM are short, naming both totals', () => {
    const fit = memoryFit({ ramBytes: 64 * GB, vramBytes: 16 * GB }, machine(32, 20, 8, 8));
    assert.deepEqual(fit, {
      fits: false,
      note: 'Needs 64.0 GB of RAM and 16.0 GB of VRAM, but this machine has 32.0 GB of RAM and 8.0 GB of VRAM in all.',
    });
  });
});
