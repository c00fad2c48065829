// Recommended Llama-2-family GGUF models the picker offers for download, with what each is for and whether it
// fits this machine. Pure data and arithmetic: the engine's `inspect` gives node-llama-cpp's own estimate once a
// file is on disk; this one only has to rank and warn before the download.
import type { DownloadParams, MachineInfo } from '../../protocol/engineProtocol';
import { CATALOGUE_PINS, type PinnedId } from './cataloguePins';
import { memoryFit, type MemoryFit } from './memoryFit';

export type CataloguePurpose = 'completion' | 'prompts' | 'smallMachine';

export interface CatalogueEntry {
  id: string;
  label: string;
  purpose: CataloguePurpose;
  /** One line for the picker. */
  description: string;
  /** node-llama-cpp model URI, pinned to a commit: `hf:<user>/<repo>/<file>#<revision>`. */
  uri: string;
  /** The file's SHA-256 and the repository commit it is fetched at (see cataloguePins.ts). */
  sha256: string;
  revision: string;
  fileName: string;
  quantisation: string;
  /** The file's size to the byte, as Hugging Face publishes it: a download of any other size is deleted. */
  sizeBytes: number;
  /** The vocabulary has CodeLlama's <PRE> <SUF> <MID> tokens, so inline completion can fill in the middle. */
  hasFim: boolean;
  /** The context size the RAM estimate assumes (at most the training context). */
  contextSize: number;
  /** File + KV cache at `contextSize` + compute buffers, on the CPU. */
  estimatedRamBytes: number;
}

interface Shape {
  layers: number;
  /** Width of one layer's K (and V) cache row: head_dim * n_head_kv. */
  kvWidth: number;
}

/** Compute buffers, logits and the runtime itself: a flat allowance, roughly what llama.cpp uses at batch 512. */
const RUNTIME_OVERHEAD_BYTES = 512 * 1024 ** 2;
const F16_BYTES = 2;

/** RAM for a model run on the CPU: weights (memory-mapped, all touched), an f16 K and V cache per layer, overhead. */
export function estimateRamBytes(sizeBytes: number, shape: Shape, contextSize: number): number {
  const kvCache = 2 * shape.layers * contextSize * shape.kvWidth * F16_BYTES;
  return sizeBytes + kvCache + RUNTIME_OVERHEAD_BYTES;
}

// Llama-2-7B / CodeLlama-7B: 32 layers, 32 KV heads of 128. TinyLlama-1.1B: 22 layers, 4 KV heads of 64 (GQA).
const LLAMA_7B: Shape = { layers: 32, kvWidth: 4096 };
const TINYLLAMA: Shape = { layers: 22, kvWidth: 256 };

// An entry's id must name a pin, so an unpinned entry does not compile: nothing would say its bytes are the ones
// described here.
type EntrySpec = Omit<CatalogueEntry, 'id' | 'estimatedRamBytes' | 'uri' | 'sha256' | 'revision'> & {
  id: PinnedId;
  repo: string;
  shape: Shape;
};

function entry(spec: EntrySpec): CatalogueEntry {
  const { repo, shape, ...rest } = spec;
  const pin = CATALOGUE_PINS[spec.id];
  return {
    ...rest,
    uri: `hf:${repo}/${spec.fileName}#${pin.revision}`,
    sha256: pin.sha256,
    revision: pin.revision,
    estimatedRamBytes: estimateRamBytes(spec.sizeBytes, shape, spec.contextSize),
  };
}

// Sizes are the Hugging Face LFS sizes of TheBloke's files, as recorded (with matching SHA-256s) by several
// independent projects; the SHA-256s and revisions are in cataloguePins.ts.
export const MODEL_CATALOGUE: readonly CatalogueEntry[] = [
  entry({
    id: 'codellama-7b-instruct', label: 'CodeLlama 7B Instruct', purpose: 'completion',
    description: 'Inline completion with fill-in-the-middle, and command-palette prompts with the Llama-2 [INST] template.',
    repo: 'TheBloke/CodeLlama-7B-Instruct-GGUF', fileName: 'codellama-7b-instruct.Q4_K_M.gguf', quantisation: 'Q4_K_M',
    sizeBytes: 4_081_095_360, hasFim: true, contextSize: 4096, shape: LLAMA_7B,
  }),
  entry({
    id: 'llama-2-7b-chat', label: 'Llama 2 7B Chat', purpose: 'prompts',
    description: 'General chat and explanations; weaker at code than CodeLlama.',
    repo: 'TheBloke/Llama-2-7B-Chat-GGUF', fileName: 'llama-2-7b-chat.Q4_K_M.gguf', quantisation: 'Q4_K_M',
    sizeBytes: 4_081_004_224, hasFim: false, contextSize: 4096, shape: LLAMA_7B,
  }),
  entry({
    id: 'tinyllama-1.1b-chat', label: 'TinyLlama 1.1B Chat', purpose: 'smallMachine',
    description: 'For machines with little memory: fast prompts and prefix-only completion, at lower quality.',
    repo: 'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF', fileName: 'tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf', quantisation: 'Q4_K_M',
    sizeBytes: 668_788_096, hasFim: false, contextSize: 2048, shape: TINYLLAMA,
  }),
];

/** The download of an entry, pinned to its revision, size and SHA-256: the engine deletes a file that does not match. */
export function catalogueDownload(entry: CatalogueEntry): Omit<DownloadParams, 'dirPath'> {
  return { uri: entry.uri, expectedBytes: entry.sizeBytes, expectedSha256: entry.sha256 };
}

/**
 * Whether an entry fits the machine, by the same rule as a model on disk. The estimate is for the CPU; with a GPU,
 * offloaded layers move from RAM to VRAM, so it is an upper bound on the RAM a download would need.
 */
export function catalogueFit(entry: CatalogueEntry, machine: MachineInfo): MemoryFit {
  return memoryFit({ ramBytes: entry.estimatedRamBytes, vramBytes: 0 }, machine);
}
