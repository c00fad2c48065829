// npm run check:gpu -- pack | plan | dry-run [--keep]
// The GPU check kit (docs/development.md, "GPU check kit"): everything a device machine with no Node and no network
// needs to run scripts/gpuCheck.ts on CUDA, packed here in parts that fit the device's calls, and the calls to make.
//   pack     fetches and checks Node and node-llama-cpp's CUDA packages, packs the built check, cuts the parts
//            (.cache/gpu-kit/) and prints the device calls;
//   plan     prints the calls for the kit already packed, with the working tree measured again;
//   dry-run  packs, then makes every call here, each in a copy of the working tree with only what it carries, into a
//            temporary kit folder, and runs the check there with the kit's Node on the CPU. --keep keeps the folder.
import { rmSync } from 'node:fs';
import { renderPlan } from './lib/gpuKit/callPlan';
import { dryRun } from './lib/gpuKit/dryRun';
import { DEVICE_CHECK_ARGS, DRY_RUN_CHECK_ARGS } from './lib/gpuKit/kitLayout';
import { describeKit, kitPlan, packKit, readManifest } from './lib/gpuKit/packKit';
import { findRepoRoot } from './lib/e2ePaths';

const USAGE = 'usage: npm run check:gpu -- pack | plan | dry-run [--keep]';

const log = (message: string) => process.stdout.write(`[gpu-kit] ${message}\n`);

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const root = findRepoRoot();
  const started = Date.now();
  if (command === 'pack' || command === 'dry-run') {
    const manifest = await packKit(root, log);
    log(`packed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`\n${describeKit(manifest)}\n\n${renderPlan(kitPlan(root, manifest, DEVICE_CHECK_ARGS))}`);
    if (command === 'pack') return;
    console.log(`\nDry run: the same calls here, with ${DRY_RUN_CHECK_ARGS.join(' ')}`);
    const result = await dryRun(root, kitPlan(root, manifest, DRY_RUN_CHECK_ARGS), log);
    console.log(`\n${result.text}`);
    if (rest.includes('--keep')) log(`kept ${result.folder}`);
    else rmSync(result.folder, { recursive: true, force: true });
    log(
      `dry run ${result.report.failures.length === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s, with ${result.report.node.execPath}`,
    );
    if (result.report.failures.length > 0) process.exitCode = 1;
  } else if (command === 'plan') {
    const manifest = readManifest(root);
    console.log(`${describeKit(manifest)}\n\n${renderPlan(kitPlan(root, manifest, DEVICE_CHECK_ARGS))}`);
  } else {
    console.error(USAGE);
    process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  console.error(`[gpu-kit] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
