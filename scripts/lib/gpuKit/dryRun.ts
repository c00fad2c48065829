// The device calls, made here: each in a fresh copy of the working tree that holds only the paths the call carries,
// with the kit folder in a temporary directory and the CPU instead of CUDA. What the device would refuse or miss
// (a part not carried, a sum that does not match, a file the check needs but the kit lacks) fails here first.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runWithDeadline } from '../processes';
import type { GpuCheckReport } from '../gpuCheck/gpuCheckReport';
import type { DeviceCall } from './callPlan';
import type { Log } from './kitArchives';
import { workingTreeFiles } from './workingTree';

/** The dry run's check on two CPU cores: generating TinyLlama's shape and its passes take several minutes. */
const DRY_RUN_CHECK_TIMEOUT_S = 20 * 60;

export interface DryRunResult {
  folder: string;
  report: GpuCheckReport;
  text: string;
}

export async function dryRun(root: string, calls: readonly DeviceCall[], log: Log): Promise<DryRunResult> {
  const folder = mkdtempSync(join(tmpdir(), 'gpukit-dry-'));
  const kit = join(folder, 'kit');
  const out = join(folder, 'out');
  const tree = workingTreeFiles(root);
  const offline =
    (await runWithDeadline('unshare', ['-n', 'true'], { timeoutMs: 10_000, echo: false }).catch(() => ({ code: 1 }))).code === 0;
  if (!offline) log('unshare -n is not available here (it needs root): the check runs with the network, which the device lacks');
  let extNeeded = true;
  for (const [index, call] of calls.entries()) {
    if (call.onlyWithoutCuda13 && !extNeeded) {
      log(`${call.label}: skipped, as the probe said`);
      continue;
    }
    const copy = join(folder, `call-${index + 1}`);
    for (const path of [...tree, ...call.carry]) cpSync(join(root, path), join(copy, path), { recursive: true, verbatimSymlinks: true });
    mkdirSync(out, { recursive: true });
    const last = index === calls.length - 1;
    // The device has no network: the check runs without one here too, where a network namespace can be made.
    const isolate = last && offline;
    log(`${call.label}${isolate ? ' (no network: unshare -n)' : ''}: ${call.command}`);
    const result = await runWithDeadline(isolate ? 'unshare' : 'sh', [...(isolate ? ['-n', 'sh'] : []), '-c', call.command], {
      cwd: copy,
      env: { ...process.env, GPU_KIT_DIR: kit, OUT: out, GPU_KIT_RUN_TIMEOUT_S: String(DRY_RUN_CHECK_TIMEOUT_S) },
      timeoutMs: (last ? DRY_RUN_CHECK_TIMEOUT_S + 120 : call.timeoutS) * 1000,
    });
    rmSync(copy, { recursive: true, force: true });
    if (index === 0) extNeeded = /cuda-ext: NEEDED/.test(result.output);
    // A check that ran and found problems still wrote its report: that is the dry run's answer.
    if (result.code !== 0 && !(last && existsSync(join(out, 'gpu-check.json')))) {
      throw new Error(`${call.label} failed with exit code ${result.code} (the kit is in ${relative(process.cwd(), kit) || kit}).`);
    }
  }
  const reportFile = join(out, 'gpu-check.json');
  if (!existsSync(reportFile)) throw new Error(`The last call wrote no ${reportFile}.`);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as GpuCheckReport;
  // The machine has no Node of its own: the check must have run on the one the kit carries.
  if (!report.node.execPath.startsWith(`${kit}/`)) {
    throw new Error(`The check ran on ${report.node.execPath}, not on the kit's Node in ${kit}.`);
  }
  return { folder, report, text: readFileSync(join(out, 'gpu-check.txt'), 'utf8') };
}
