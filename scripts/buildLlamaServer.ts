// Builds llama.cpp's llama-server for the server-backend tests, from node-llama-cpp's own llama.cpp source, with
// Debian's cmake and g++ (installed when missing), and caches it per commit (scripts/lib/llamaServerBuild.ts).
// Idempotent: a cached binary that answers --version is reused. Every step has a deadline.
//
// Usage: node out/scripts/buildLlamaServer.js [--force]
import { availableParallelism, tmpdir } from 'node:os';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { aptInstall, dpkgInstalled } from './lib/apt';
import { LLAMA_SERVER_CMAKE_FLAGS, llamaServerPaths, llamaServerPointer } from './lib/llamaServerBuild';
import { mustRun, runWithDeadline } from './lib/processes';

const MINUTE = 60_000;
const force = process.argv.includes('--force');

function log(message: string): void {
  process.stdout.write(`[llama-server] ${message}\n`);
}

async function bundleCommit(bundle: string): Promise<string> {
  if (!existsSync(bundle)) throw new Error(`node-llama-cpp's llama.cpp source is missing (${bundle}): run npm ci first.`);
  const heads = await mustRun('git', ['bundle', 'list-heads', bundle], { timeoutMs: MINUTE, echo: false });
  const commit = /^([0-9a-f]{40})\s/m.exec(heads.output)?.[1];
  if (!commit) throw new Error(`git bundle list-heads ${bundle} named no commit:\n${heads.output}`);
  return commit;
}

async function works(binary: string): Promise<boolean> {
  if (!existsSync(binary)) return false;
  const result = await runWithDeadline(binary, ['--version'], { timeoutMs: 30_000, echo: false });
  return result.code === 0;
}

async function ensureToolchain(): Promise<void> {
  const missing: string[] = [];
  for (const pkg of ['cmake', 'g++', 'git', 'make']) if (!(await dpkgInstalled(pkg))) missing.push(pkg);
  if (missing.length > 0) await aptInstall(missing, log);
}

async function build(bundle: string, commit: string, binary: string): Promise<void> {
  await ensureToolchain();
  const work = mkdtempSync(join(tmpdir(), 'llama-lens-llama-server-'));
  try {
    const source = join(work, 'llama.cpp');
    log(`cloning ${bundle} at ${commit.slice(0, 12)}`);
    await mustRun('git', ['clone', '--quiet', bundle, source], { timeoutMs: 5 * MINUTE, echo: false });
    await mustRun('git', ['-C', source, 'checkout', '--quiet', commit], { timeoutMs: MINUTE, echo: false });
    const buildDir = join(source, 'build');
    log(`cmake ${LLAMA_SERVER_CMAKE_FLAGS.join(' ')}`);
    await mustRun('cmake', ['-S', source, '-B', buildDir, ...LLAMA_SERVER_CMAKE_FLAGS], { timeoutMs: 5 * MINUTE, echo: false });
    const jobs = String(Math.max(1, availableParallelism()));
    log(`building llama-server with ${jobs} jobs (several minutes on 2 cores)`);
    await mustRun('cmake', ['--build', buildDir, '--target', 'llama-server', '-j', jobs], { timeoutMs: 60 * MINUTE, echo: false });
    const built = join(buildDir, 'bin', 'llama-server');
    if (!existsSync(built)) throw new Error(`the build finished, but ${built} is not there`);
    mkdirSync(dirname(binary), { recursive: true });
    copyFileSync(built, `${binary}.partial`);
    chmodSync(`${binary}.partial`, 0o755);
    // Renamed into place only once complete, so an interrupted copy is never taken for a build.
    await mustRun('mv', [`${binary}.partial`, binary], { timeoutMs: MINUTE, echo: false });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const { bundle } = llamaServerPaths('0'.repeat(40));
  const commit = await bundleCommit(bundle);
  const paths = llamaServerPaths(commit);
  if (!force && (await works(paths.binary))) {
    log(`cached: ${paths.binary}`);
  } else {
    await build(bundle, commit, paths.binary);
    if (!(await works(paths.binary))) throw new Error(`${paths.binary} was built but does not run --version`);
    const stamp = { commit, flags: LLAMA_SERVER_CMAKE_FLAGS, builtAt: new Date().toISOString() };
    writeFileSync(paths.stamp, `${JSON.stringify(stamp, null, 2)}\n`);
    log(`built ${paths.binary} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const pointer = llamaServerPointer();
  mkdirSync(dirname(pointer), { recursive: true });
  writeFileSync(pointer, `${JSON.stringify({ binary: paths.binary, commit }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[llama-server] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
