// The GPU check: runs on the device machine with the kit's own Node (scripts/gpuKitOnDevice.sh finish starts it),
// and here with the CPU for the dry run (npm run check:gpu -- dry-run). It generates the shape models, compares the
// Lens's values on the oracle models with the CPU's, and measures each shape model on the backend, then writes
// gpu-check.json and gpu-check.txt. It reads nothing from the network.
//
//   node out/scripts/gpuCheck.js [--gpu cuda|vulkan|metal|auto|cpu] [--shapes a,b|none] [--tokens N] [--quick]
//                                [--out DIR] [--deadline-s N]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GPU_SETTINGS, type GpuSetting } from '../src/protocol/engineProtocol';
import { startEngine } from './lib/bench/engineRuns';
import { findRepoRoot } from './lib/e2ePaths';
import { type GpuCheckReport, renderReport, reportPassed } from './lib/gpuCheck/gpuCheckReport';
import { checkOracleAgreement, ORACLE_FILES } from './lib/gpuCheck/oracleAgreement';
import { checkShapeModel } from './lib/gpuCheck/shapeModelCheck';
import { SHAPE_MODEL_NAMES, type ShapeModelName } from './lib/models/shapeModels';
import { mustRun } from './lib/processes';

const USAGE =
  'usage: gpuCheck [--gpu cuda|vulkan|metal|auto|cpu] [--shapes tinyllama-1.1b-fim,codellama-7b|none] [--tokens N] [--quick] [--out DIR] [--deadline-s N]';
const DEFAULT_SHAPES: ShapeModelName[] = ['tinyllama-1.1b-fim', 'codellama-7b'];
const MINUTE = 60_000;

interface Options {
  gpu: GpuSetting;
  shapes: ShapeModelName[];
  tokens: number;
  quick: boolean;
  out: string;
  deadlineS: number;
}

function parseOptions(argv: readonly string[], root: string): Options {
  const options: Options = {
    gpu: 'cuda',
    shapes: DEFAULT_SHAPES,
    tokens: 2000,
    quick: false,
    out: join(root, 'bench-results', 'gpu-check'),
    deadlineS: 540,
  };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === '--gpu') {
      const gpu = value();
      if (!(GPU_SETTINGS as readonly string[]).includes(gpu)) throw new Error(`--gpu ${gpu}: use one of ${GPU_SETTINGS.join(', ')}`);
      options.gpu = gpu as GpuSetting;
    } else if (arg === '--shapes') {
      const list = value();
      options.shapes = list === 'none' ? [] : list.split(',').map((name) => {
        if (!(SHAPE_MODEL_NAMES as readonly string[]).includes(name)) {
          throw new Error(`--shapes: unknown shape model ${name} (known: ${SHAPE_MODEL_NAMES.join(', ')})`);
        }
        return name as ShapeModelName;
      });
    } else if (arg === '--tokens' || arg === '--deadline-s') {
      const number = Number(value());
      if (!Number.isInteger(number) || number <= 0) throw new Error(`${arg} takes a positive whole number`);
      if (arg === '--tokens') options.tokens = number;
      else options.deadlineS = number;
    } else if (arg === '--quick') options.quick = true;
    else if (arg === '--out') options.out = value();
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return options;
}

/** One step of the check; its failure is recorded and the next step still runs (a partial report says more than none). */
async function step<T>(report: GpuCheckReport, progress: { phase: string }, phase: string, run: () => Promise<T>): Promise<T | undefined> {
  progress.phase = phase;
  console.log(`\n${phase}`);
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`  FAILED: ${message}`);
    report.failures.push(`${phase}: ${message}`);
    return undefined;
  }
}

function writeReport(report: GpuCheckReport, out: string): string {
  mkdirSync(out, { recursive: true });
  const text = renderReport(report);
  writeFileSync(join(out, 'gpu-check.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'gpu-check.txt'), `${text}\n`);
  return text;
}

async function machineInfo(root: string, gpu: GpuSetting) {
  const client = startEngine(root);
  try {
    return await client.request('machine', { gpu });
  } finally {
    client.dispose();
  }
}

async function main(): Promise<void> {
  const root = findRepoRoot();
  const options = parseOptions(process.argv.slice(2), root);
  const report: GpuCheckReport = {
    startedAt: new Date().toISOString(),
    requestedGpu: options.gpu,
    node: { version: process.version, execPath: process.execPath },
    nodeLlamaCpp: (JSON.parse(readFileSync(join(root, 'node_modules', 'node-llama-cpp', 'package.json'), 'utf8')) as { version: string })
      .version,
    oracles: [],
    shapes: [],
    failures: [],
  };
  const progress = { phase: 'starting' };
  // The device call has a hard limit; stopping first keeps what was measured and says where the time went.
  const deadline = setTimeout(() => {
    report.failures.push(`ran past its ${options.deadlineS} s deadline while in: ${progress.phase}`);
    console.error(`\ngpu check: ran past its ${options.deadlineS} s deadline while in: ${progress.phase}. Partial results follow.`);
    console.log(writeReport(report, options.out));
    process.exit(3);
  }, options.deadlineS * 1000);

  console.log(`GPU check on ${options.gpu}, node ${process.version} at ${process.execPath}, kit ${root}`);
  report.machine = await step(report, progress, 'machine', () => machineInfo(root, options.gpu));
  await step(report, progress, 'generate the models', async () => {
    const started = Date.now();
    const shapes = options.shapes.length > 0 ? ['--shapes', options.shapes.join(',')] : [];
    await mustRun(process.execPath, [join(root, 'out', 'scripts', 'generateModels.js'), ...shapes], { cwd: root, timeoutMs: 6 * MINUTE });
    report.generation = { shapes: options.shapes, seconds: (Date.now() - started) / 1000 };
  });
  for (const file of ORACLE_FILES) {
    const check = await step(report, progress, `oracle agreement: ${file}`, () => checkOracleAgreement(root, file, options.gpu));
    if (check) report.oracles.push(check);
    writeReport(report, options.out);
  }
  for (const shape of options.shapes) {
    const check = await step(report, progress, `shape model: ${shape}`, () =>
      checkShapeModel(root, shape, options.gpu, { tokens: options.tokens, quick: options.quick }),
    );
    if (check) report.shapes.push(check);
    writeReport(report, options.out);
  }
  clearTimeout(deadline);
  report.finishedAt = new Date().toISOString();
  console.log(`\n${writeReport(report, options.out)}\n\nwrote ${join(options.out, 'gpu-check.json')} and gpu-check.txt`);
  process.exitCode = reportPassed(report) ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
