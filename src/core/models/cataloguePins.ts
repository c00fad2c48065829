// What each catalogue download is pinned to: the file's SHA-256 and the Hugging Face commit it is fetched from. A
// download is fetched at that commit (`hf:<user>/<repo>/<file>#<revision>` resolves to `/resolve/<revision>/<file>`),
// checked against the SHA-256, and deleted when it does not match. These values cannot be fetched from where this is
// built, so each is copied from a public project that records it. A model with no such source is not in the catalogue.

export interface CataloguePin {
  sha256: string;
  /** A 40-hex commit of the Hugging Face repository. */
  revision: string;
}

export const CATALOGUE_PINS = {
  // SHA-256: UCHIHA-MADRA/LLM_Personal personal_llm/config.py (MODEL_CATALOGUE "codellama-7b", 4,081,095,360 bytes).
  // Revision: sandboxcom/gludd docs ("`main` resolved to 2f064ee…"); the same pair appears in several model presets
  // and in Hugging Face cache paths (models--TheBloke--CodeLlama-7B-Instruct-GGUF/snapshots/2f064ee…).
  'codellama-7b-instruct': {
    sha256: '0701500c591c2c1b910516658e58044cdfa07b2e8b5a2e3b6808d983441daf1a',
    revision: '2f064ee0c6ae3f025ec4e392c6ba5dd049c77969',
  },
  // Both: cameronfyfe/nix-run-ai models.nix (TheBloke."Llama-2-7B-Chat-GGUF": commit, and the SRI hash
  // sha256-CKVWbWHXy2tCDD5Dh6OeAHjh8v5fBV86A4hzhTBNS/o=, which is this hex).
  'llama-2-7b-chat': {
    sha256: '08a5566d61d7cb6b420c3e4387a39e0078e1f2fe5f055f3a03887385304d4bfa',
    revision: '191239b3e26b2882fb562ffccdd1cf0f65402adb',
  },
  // Both: saiyam1814/kiac pkg/cluster/gpu_bench.go (defaultGPUBenchmarkModelSHA and defaultGPUBenchmarkModelURL).
  'tinyllama-1.1b-chat': {
    sha256: '9fecc3b3cd76bba89d504f29b616eedf7da85b96540e490ca5824d3f7d2776a0',
    revision: '52e7645ba7c309695bec7ac98f4f005b139cf465',
  },
  // Not here: codellama-7b (TheBloke/CodeLlama-7B-GGUF, codellama-7b.Q4_K_M.gguf). No public record of its SHA-256 and
  // revision was found, so the base model is picked from disk; CodeLlama 7B Instruct is trained to fill in the middle too.
} as const satisfies Readonly<Record<string, CataloguePin>>;

export type PinnedId = keyof typeof CATALOGUE_PINS;
