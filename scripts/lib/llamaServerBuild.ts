// Where the test suite's llama-server lives. It is built from the llama.cpp source that node-llama-cpp ships (its git
// bundle, at the commit node-llama-cpp pins), so the server under test runs the same llama.cpp as the local engine.
// The binary is cached per commit and build flags, outside the clone, so a fresh clone on the same machine reuses it.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from './e2ePaths';

/**
 * Flags for a CPU-only, static, offline build: no web UI download, no TLS (the tests use loopback http).
 * A fixed x86-64 AVX2 target rather than -march=native: on a CPU with AMX the native build took ggml's AMX kernels,
 * which crashed llama-server (SIGSEGV in ggml_backend_amx_mul_mat) on the first quantised batch on these machines.
 */
export const LLAMA_SERVER_CMAKE_FLAGS = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DBUILD_SHARED_LIBS=OFF',
  '-DGGML_NATIVE=OFF',
  '-DGGML_SSE42=ON',
  '-DGGML_AVX=ON',
  '-DGGML_AVX2=ON',
  '-DGGML_FMA=ON',
  '-DGGML_F16C=ON',
  '-DGGML_BMI2=ON',
  '-DGGML_AVX512=OFF',
  '-DGGML_AMX_TILE=OFF',
  '-DGGML_AMX_INT8=OFF',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
  '-DLLAMA_BUILD_UI=OFF',
  '-DLLAMA_USE_PREBUILT_UI=OFF',
  '-DLLAMA_OPENSSL=OFF',
  '-DLLAMA_CURL=OFF',
] as const;

export interface LlamaServerPaths {
  /** node-llama-cpp's git bundle of llama.cpp. */
  bundle: string;
  /** The cache folder for this commit and these flags: it holds `llama-server` and `stamp.json`. */
  cacheDir: string;
  binary: string;
  stamp: string;
}

/** `commit` is the bundle's HEAD (scripts/buildLlamaServer.ts reads it with git). */
export function llamaServerPaths(commit: string, repoRoot: string = findRepoRoot()): LlamaServerPaths {
  const bundle = join(repoRoot, 'node_modules', 'node-llama-cpp', 'llama', 'gitRelease.bundle');
  const flags = createHash('sha256').update(LLAMA_SERVER_CMAKE_FLAGS.join(' ')).digest('hex').slice(0, 8);
  const root = process.env.LLAMA_LENS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'llama-lens');
  const cacheDir = join(root, 'llama-server', `${commit.slice(0, 12)}-${flags}`);
  return { bundle, cacheDir, binary: join(cacheDir, 'llama-server'), stamp: join(cacheDir, 'stamp.json') };
}

/** Where the build writes the path of the binary it made or found, for the tests to read. */
export function llamaServerPointer(repoRoot: string = findRepoRoot()): string {
  return join(repoRoot, '.cache', 'llama-server.json');
}
