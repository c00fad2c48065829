// Whether a model's estimated memory need fits a machine, and one sentence that says so.
// Pure, so the rule and its wording are unit-tested with hand-made numbers.
import type { MachineInfo } from '../../protocol/engineProtocol';
import { formatBytes } from '../text/formatBytes';

export interface MemoryNeed {
  ramBytes: number;
  vramBytes: number;
}

export interface MemoryFit {
  fits: boolean;
  /** One sentence for the user: what is needed and what the machine has. */
  note: string;
}

/**
 * A need fits when its RAM part is at most the machine's total RAM and its VRAM part at most the GPU's total VRAM.
 * Total, not free: free RAM swings with the page cache and other programs (the OS gives page cache back on demand),
 * so judging by it would refuse a model one moment and accept it the next. A need above the total can never be met,
 * only paged, which is what the refusal is for. A need above the free RAM still fits, with a warning in the note.
 */
export function memoryFit(need: MemoryNeed, machine: MachineInfo): MemoryFit {
  const ramFits = need.ramBytes <= machine.ramTotalBytes;
  const vramFits = need.vramBytes <= machine.vramTotalBytes || need.vramBytes === 0;
  const needs = `Needs ${formatBytes(need.ramBytes)} of RAM and ${formatBytes(need.vramBytes)} of VRAM`;
  if (!ramFits && !vramFits) {
    return {
      fits: false,
      note: `${needs}, but this machine has ${formatBytes(machine.ramTotalBytes)} of RAM and ${formatBytes(machine.vramTotalBytes)} of VRAM in all.`,
    };
  }
  if (!ramFits) return { fits: false, note: `${needs}, but this machine has ${formatBytes(machine.ramTotalBytes)} of RAM in all.` };
  if (!vramFits) {
    return { fits: false, note: `${needs}, but the GPU has ${formatBytes(machine.vramTotalBytes)} of VRAM in all; use fewer GPU layers.` };
  }
  if (need.ramBytes > machine.ramFreeBytes) {
    return {
      fits: true,
      note: `${needs}; only ${formatBytes(machine.ramFreeBytes)} of this machine's ${formatBytes(machine.ramTotalBytes)} of RAM is free now, so other programs may be paged out.`,
    };
  }
  return { fits: true, note: `${needs}; ${formatBytes(machine.ramFreeBytes)} of RAM is free.` };
}
