// The GPU check kit's parts and device calls: every part and every call must fit the device tool's limits, or
// device time is spent on a call that is refused.
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_CARRIED_PATHS, planCalls, roomForParts, type PlanInput } from '../../scripts/lib/gpuKit/callPlan';
import { CALL_LIMIT_BYTES, MAX_PART_BYTES, MIB, SUMS_FILE } from '../../scripts/lib/gpuKit/kitLayout';
import { type KitPart, partSizes, splitFile } from '../../scripts/lib/gpuKit/splitParts';

const part = (name: string, bytes: number): KitPart => ({ name, bytes, sha256: '0'.repeat(64) });

/** The kit as packed on 2026-12-04: three core parts of 52.8 MiB, three cuda-ext parts of 56.2 MiB, a 2.9 MiB tree. */
function measuredKit(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    core: ['core-01', 'core-02', 'core-03'].map((name) => part(name, 55_319_894)),
    ext: ['ext-01', 'ext-02', 'ext-03'].map((name) => part(name, 58_888_040)),
    treeBytes: 3_040_000,
    sumsBytes: 825,
    runnerArgs: ['--gpu', 'cuda'],
    ...overrides,
  };
}

describe('GPU kit parts', () => {
  it('cuts the fewest parts of at most the limit, as even as possible, adding up to the whole', () => {
    for (const [total, limit] of [[166_000_000, 60 * MIB], [60 * MIB, 60 * MIB], [60 * MIB + 1, 60 * MIB], [1, 60 * MIB], [1000, 7]]) {
      const sizes = partSizes(total as number, limit as number);
      assert.equal(sizes.reduce((a, b) => a + b, 0), total);
      assert.equal(sizes.length, Math.ceil((total as number) / (limit as number)));
      assert.ok(sizes.every((size) => size <= (limit as number) && size > 0));
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    }
    assert.throws(() => partSizes(0, MIB), /Cannot split/);
    assert.throws(() => partSizes(10, 0), /at least one byte/);
  });

  it('writes parts that join back into the file, each with its own sha256', () => {
    const folder = mkdtempSync(join(tmpdir(), 'gpukit-split-'));
    try {
      const data = randomBytes(10_000);
      writeFileSync(join(folder, 'whole'), data);
      const parts = splitFile(join(folder, 'whole'), folder, 'core', partSizes(data.length, 3000));
      assert.deepEqual(parts.map((p) => p.name), ['core-01', 'core-02', 'core-03', 'core-04']);
      const joined = Buffer.concat(parts.map((p) => readFileSync(join(folder, p.name))));
      assert.ok(joined.equals(data));
      for (const p of parts) assert.equal(p.sha256, createHash('sha256').update(readFileSync(join(folder, p.name))).digest('hex'));
      assert.throws(() => splitFile(join(folder, 'whole'), folder, 'short', [5000]), /holds more than the 5000 bytes/);
      assert.throws(() => splitFile(join(folder, 'whole'), folder, 'long', [20_000]), /ended 10000 bytes before part long-01/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('GPU kit device calls', () => {
  it('keeps every call within 64 MiB with the working tree, and each part within 60 MiB', () => {
    const calls = planCalls(measuredKit());
    assert.deepEqual(calls.map((call) => call.label), ['call 1', 'call 2', 'ext 1', 'ext 2', 'ext 3', 'call 3']);
    for (const call of calls) {
      assert.ok(call.bytes <= CALL_LIMIT_BYTES, `${call.label} sends ${call.bytes}`);
      assert.equal(call.carry[0], SUMS_FILE, 'every call carries the sums that check its parts');
      assert.ok(call.carry.length <= MAX_CARRIED_PATHS);
    }
    for (const p of [...measuredKit().core, ...measuredKit().ext]) assert.ok(p.bytes <= MAX_PART_BYTES);
  });

  it('probes in the first call, carries cuda-ext only on the probe\'s word, and runs the check last', () => {
    const calls = planCalls(measuredKit());
    assert.match(calls[0]?.command ?? '', /^sh scripts\/gpuKitOnDevice\.sh probe && sh scripts\/gpuKitOnDevice\.sh receive core-01$/);
    assert.deepEqual(calls.map((call) => call.onlyWithoutCuda13), [false, false, true, true, true, false]);
    assert.equal(calls.at(-1)?.command, 'sh scripts/gpuKitOnDevice.sh receive core-03 && sh scripts/gpuKitOnDevice.sh finish --gpu cuda');
    assert.deepEqual(calls.at(-1)?.carry, [SUMS_FILE, '.cache/gpu-kit/parts/core-03']);
    // Every part is carried exactly once.
    const carried = calls.flatMap((call) => call.carry.filter((path) => path !== SUMS_FILE));
    assert.deepEqual(carried.sort(), [...measuredKit().core, ...measuredKit().ext].map((p) => `.cache/gpu-kit/parts/${p.name}`).sort());
  });

  it('puts small parts together, never past a call\'s room or its eight carried paths', () => {
    const core = Array.from({ length: 20 }, (_, index) => part(`core-${String(index + 1).padStart(2, '0')}`, 2 * MIB));
    const calls = planCalls(measuredKit({ core, ext: [] }));
    assert.equal(calls.flatMap((call) => call.carry).filter((path) => path !== SUMS_FILE).length, 20);
    for (const call of calls) {
      assert.ok(call.carry.length <= MAX_CARRIED_PATHS);
      assert.ok(call.bytes <= CALL_LIMIT_BYTES);
    }
    assert.equal(calls.length, 3);
  });

  it('refuses a part that cannot travel beside the tree, saying to pack again', () => {
    assert.throws(
      () => planCalls(measuredKit({ treeBytes: 8 * MIB, core: [part('core-01', 60 * MIB)] })),
      /core-01 \(60\.0 MiB\) does not fit.*Pack again/s,
    );
    const room = roomForParts(3 * MIB, 1000);
    assert.doesNotThrow(() => planCalls(measuredKit({ treeBytes: 3 * MIB, sumsBytes: 1000, core: [part('core-01', room)], ext: [] })));
    assert.throws(
      () => planCalls(measuredKit({ treeBytes: 3 * MIB, sumsBytes: 1000, core: [part('core-01', room + 1)], ext: [] })),
      /does not fit/,
    );
  });

  it('refuses check arguments that the shell would split or expand', () => {
    assert.throws(() => planCalls(measuredKit({ runnerArgs: ['--out', '$HOME; rm -rf /'] })), /shell quoting/);
  });
});
