// What the GPU check found, as JSON and as the text a session with the device pastes into docs/benchmarks.md.
import type { GpuSetting, MachineInfo } from '../../../src/protocol/engineProtocol';
import { table } from '../bench/summary';
import { AGREEMENT_TOLERANCE, type OracleCheck } from './oracleAgreement';
import type { ShapeCheck } from './shapeModelCheck';

export interface GpuCheckReport {
  startedAt: string;
  finishedAt?: string;
  requestedGpu: GpuSetting;
  node: { version: string; execPath: string };
  nodeLlamaCpp: string;
  machine?: MachineInfo;
  generation?: { shapes: string[]; seconds: number };
  oracles: OracleCheck[];
  shapes: ShapeCheck[];
  /** Steps that failed, with why; the steps after them still ran. */
  failures: string[];
}

export function reportPassed(report: GpuCheckReport): boolean {
  return report.failures.length === 0 && report.oracles.length > 0 && report.oracles.every((check) => check.pass);
}

const GIB = 1024 ** 3;
const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

export function renderReport(report: GpuCheckReport): string {
  const lines = [
    `GPU check on ${report.requestedGpu}: ${reportPassed(report) ? 'PASS' : 'FAIL'}`,
    `node ${report.node.version} (${report.node.execPath}), node-llama-cpp ${report.nodeLlamaCpp}`,
  ];
  if (report.machine) {
    const { backend, vramTotalBytes, vramFreeBytes, ramTotalBytes } = report.machine;
    lines.push(
      `machine: backend ${backend}, VRAM ${fixed(vramFreeBytes / GIB, 1)} of ${fixed(vramTotalBytes / GIB, 1)} GiB free, RAM ${fixed(ramTotalBytes / GIB, 1)} GiB`,
    );
  }
  if (report.generation) {
    lines.push(`shape models generated in ${fixed(report.generation.seconds, 1)} s: ${report.generation.shapes.join(', ') || 'none'}`);
  }
  lines.push(
    '',
    `Lens values on the oracle models, ${report.requestedGpu} against the CPU (every probability, tolerance ${AGREEMENT_TOLERANCE}):`,
  );
  lines.push(table([
    ['model', 'backend', 'GPU layers', 'values compared', 'max |Δp|', 'result'],
    ...report.oracles.map((check) => [check.model, check.backend, String(check.gpuLayers), String(check.agreement.compared),
      check.agreement.maxAbsDifference.toExponential(1), check.pass ? 'equal' : 'DIFFERENT']),
  ]));
  for (const check of report.oracles.filter((c) => !c.pass))
    lines.push(...check.agreement.problems.map((problem) => `  ${check.model}: ${problem}`));
  if (report.shapes.length > 0) {
    lines.push('', 'Shape models (random weights, Q4_0):');
    lines.push(
      table([
        [
          'model',
          'backend',
          'layers on GPU',
          'prefill tok/s',
          'decode tok/s',
          'warm keystroke p50 / p90 ms',
          'tokens / warm keystroke',
          'heatmap ms',
          'prefill ms',
          'heatmap ÷ prefill',
        ],
        ...report.shapes.map((shape) => [
          `${shape.model} (${fixed(shape.sizeBytes / GIB, 2)} GiB)`,
          shape.backend,
          `${shape.gpuLayers} of ${shape.totalLayers}`,
          fixed(shape.prefill.tokensPerSecond),
          fixed(shape.decodeTokensPerSecond, 1),
          `${fixed(shape.keystrokes.warmP50Ms)} / ${fixed(shape.keystrokes.warmP90Ms)}`,
          fixed(shape.keystrokes.warmEvaluatedMean, 1),
          `${fixed(shape.heatmap.ms)} (${shape.heatmap.scored} tokens)`,
          `${fixed(shape.heatmap.prefillMs)} (${shape.prefill.tokens} tokens)`,
          fixed(shape.heatmap.ratio, 2),
        ]),
      ]),
    );
  }
  if (report.failures.length > 0) lines.push('', 'Failed steps:', ...report.failures.map((failure) => `  - ${failure}`));
  return lines.join('\n');
}
