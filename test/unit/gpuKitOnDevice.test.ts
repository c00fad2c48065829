// The device side of the GPU check kit (scripts/gpuKitOnDevice.sh), run here on a fake kit: it must keep only parts
// whose sha256 matches the kit's sums, refuse to unpack with a part missing or changed, and otherwise unpack the
// archives and start the check with the kit's own Node.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/repoPaths';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

interface FakeKit {
  /** A repository copy as a device call sees it: the script, and the carried parts and sums. */
  repo: string;
  /** GPU_KIT_DIR: where the script keeps what it received. */
  kit: string;
  run(...args: string[]): { status: number; output: string };
}

/**
 * Three real archives (a "node" that prints its arguments, an app with the check's path, an empty cuda package) in a
 * container cut into two parts, as packKit lays them out.
 */
function fakeKit(folder: string): FakeKit {
  const repo = join(folder, 'repo');
  const kit = join(folder, 'kit');
  const stage = join(folder, 'stage');
  mkdirSync(join(repo, 'scripts'), { recursive: true });
  copyFileSync(join(REPO_ROOT, 'scripts', 'gpuKitOnDevice.sh'), join(repo, 'scripts', 'gpuKitOnDevice.sh'));
  mkdirSync(join(stage, 'node', 'node', 'bin'), { recursive: true });
  writeFileSync(join(stage, 'node', 'node', 'bin', 'node'), '#!/bin/sh\necho "fake node $*"\n');
  chmodSync(join(stage, 'node', 'node', 'bin', 'node'), 0o755);
  mkdirSync(join(stage, 'app', 'out', 'scripts'), { recursive: true });
  writeFileSync(join(stage, 'app', 'out', 'scripts', 'gpuCheck.js'), '// the check\n');
  mkdirSync(join(stage, 'cuda', 'node_modules', '@node-llama-cpp', 'linux-x64-cuda'), { recursive: true });
  const archives = join(folder, 'archives');
  mkdirSync(archives);
  const tar = (args: string[]) => assert.equal(spawnSync('tar', args).status, 0, `tar ${args.join(' ')}`);
  tar(['-cJf', join(archives, 'node.tar.xz'), '-C', join(stage, 'node'), 'node']);
  tar(['-cJf', join(archives, 'app.tar.xz'), '-C', join(stage, 'app'), '.']);
  tar(['-cJf', join(archives, 'cuda.tar.xz'), '-C', join(stage, 'cuda'), 'node_modules']);
  tar(['-cf', join(folder, 'core.tar'), '-C', archives, 'node.tar.xz', 'app.tar.xz', 'cuda.tar.xz']);
  const container = readFileSync(join(folder, 'core.tar'));
  const parts = join(repo, '.cache', 'gpu-kit', 'parts');
  mkdirSync(parts, { recursive: true });
  const half = Math.floor(container.length / 2);
  writeFileSync(join(parts, 'core-01'), container.subarray(0, half));
  writeFileSync(join(parts, 'core-02'), container.subarray(half));
  const sums = [
    ...['core-01', 'core-02'].map((name) => `${sha256(join(parts, name))}  parts/${name}`),
    ...['node.tar.xz', 'app.tar.xz', 'cuda.tar.xz'].map((name) => `${sha256(join(archives, name))}  archives/${name}`),
  ];
  writeFileSync(join(repo, '.cache', 'gpu-kit', 'SHA256SUMS'), `${sums.join('\n')}\n`);
  const libraries = join(folder, 'no-libraries');
  mkdirSync(libraries);
  return {
    repo,
    kit,
    run: (...args) => {
      const result = spawnSync('sh', ['scripts/gpuKitOnDevice.sh', ...args], {
        cwd: repo, encoding: 'utf8', timeout: 60_000,
        env: { ...process.env, GPU_KIT_DIR: kit, OUT: join(folder, 'out'), GPU_KIT_LIBRARY_ROOTS: libraries },
      });
      return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
    },
  };
}

describe('GPU kit on the device (gpuKitOnDevice.sh)', function () {
  // Each case runs the real script, which packs and unpacks archives: seconds on a busy 2-core machine, not mocha's 2.
  this.timeout(60_000);
  let folder: string;
  let fake: FakeKit;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'gpukit-device-'));
    fake = fakeKit(folder);
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('keeps a carried part whose sha256 matches the sums', () => {
    const result = fake.run('receive', 'core-01');
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /received core-01 \(\d+ bytes, sha256 ok\)/);
    assert.ok(existsSync(join(fake.kit, 'parts', 'core-01')));
  });

  it('refuses a corrupted part and keeps nothing of it', () => {
    const carried = join(fake.repo, '.cache', 'gpu-kit', 'parts', 'core-01');
    const bytes = readFileSync(carried);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    writeFileSync(carried, bytes);
    const result = fake.run('receive', 'core-01');
    assert.notEqual(result.status, 0);
    assert.match(result.output, /core-01 is corrupt \(sha256 [0-9a-f]{64}, the kit says [0-9a-f]{64}\): not kept/);
    assert.ok(!existsSync(join(fake.kit, 'parts', 'core-01')));
    assert.ok(!existsSync(join(fake.kit, 'parts', 'core-01.partial')));
  });

  it('refuses a part the sums do not list, and a call that did not carry the sums', () => {
    assert.match(fake.run('receive', 'core-09').output, /core-09 is not a part of this kit/);
    rmSync(join(fake.repo, '.cache', 'gpu-kit', 'SHA256SUMS'));
    const result = fake.run('receive', 'core-01');
    assert.notEqual(result.status, 0);
    assert.match(result.output, /SHA256SUMS was not carried/);
  });

  it('will not unpack with a part missing: the machine went cold between calls', () => {
    assert.equal(fake.run('receive', 'core-01').status, 0);
    const result = fake.run('finish', '--gpu', 'cuda');
    assert.notEqual(result.status, 0);
    assert.match(result.output, /core parts missing from .*: core-02\. The machine went cold/);
  });

  it('will not unpack a part changed after it was received', () => {
    assert.equal(fake.run('receive', 'core-01', 'core-02').status, 0);
    writeFileSync(join(fake.kit, 'parts', 'core-02'), 'changed');
    const result = fake.run('finish');
    assert.notEqual(result.status, 0);
    assert.match(result.output, /a core part in .* no longer matches its sum/);
  });

  it('unpacks every archive and starts the check with the kit\'s Node and the arguments given', () => {
    assert.equal(fake.run('receive', 'core-01').status, 0);
    assert.equal(fake.run('receive', 'core-02').status, 0);
    const result = fake.run('finish', '--gpu', 'cuda');
    assert.equal(result.status, 0, result.output);
    assert.ok(existsSync(join(fake.kit, 'node_modules', '@node-llama-cpp', 'linux-x64-cuda')));
    assert.match(result.output, /cuda-ext: no/);
    assert.match(result.output, new RegExp(`fake node ${fake.kit}/out/scripts/gpuCheck\\.js --out ${folder}/out --gpu cuda`));
  });

  it('starts over when the sums come from another pack', () => {
    assert.equal(fake.run('receive', 'core-01').status, 0);
    const sums = join(fake.repo, '.cache', 'gpu-kit', 'SHA256SUMS');
    writeFileSync(sums, `${readFileSync(sums, 'utf8')}${'0'.repeat(64)}  archives/extra\n`);
    const result = fake.run('receive', 'core-02');
    assert.match(result.output, /another pack .*starting over/);
    assert.ok(!existsSync(join(fake.kit, 'parts', 'core-01')));
  });
});
