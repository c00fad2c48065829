// npm run bench:lens — what a Lens update costs in its webview, in a real VS Code (code-server in Chromium) with the
// packaged VSIX: messages are dispatched into the Lens page itself and timed there with performance.now, from the
// message to the end of the layout it causes (a forced reflow), so style and layout are counted, not only script.
//   - a top-20 cursor update over a 32,000-token vocabulary (CodeLlama's size): new rows, bars, chips, stats, and the
//     sampler lab's chart of the whole distribution;
//   - a temperature slider move: the final probabilities and the chart, on every `input` event of a drag;
//   - baseline, in the same page: a status message, the cheapest update the page makes.
// Target: the cursor update's 95th percentile within one 60 Hz frame, 16 ms.
// Options: --rounds N (updates measured per kind, default 200), --out FILE (default bench-results/lens.json).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startCodeServer } from './lib/codeServer';
import { findRepoRoot } from './lib/e2ePaths';
import { installedLlamaLens } from './lib/llamaLensStage';
import { percentile, table } from './lib/bench/summary';
import { encodeProbabilities } from '../src/core/lens/distributionMath';
import { openFileFromExplorer, openWorkbench, runCommand } from '../test/support/workbench';
import { lensFrame } from '../test/support/lensFrame';

const ROOT = findRepoRoot();
const FRAME_BUDGET_MS = 16;
const VOCABULARY = 32_000;
const TOP = 20;
const WARM_UP = 20;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

/** A Zipf-like distribution over the vocabulary, its shape moved by `seed`, and its top tokens as the engine sends them. */
function cursorMessage(seed: number): unknown {
  const weights = Array.from({ length: VOCABULARY }, (_, rank) => 1 / (rank + 1) ** (1.05 + (seed % 7) / 50));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const sorted = weights.map((weight) => weight / total);
  // Text, leading spaces, a tab and newline, a byte token and a control token: every kind of segment a row can show.
  const kinds = [
    { text: ' total' }, { text: '<0xE2>', bytes: [0xe2] }, { text: '▁<EOT>', special: true }, { text: '\t\n' }, { text: 'map' },
  ];
  const top = sorted.slice(0, TOP).map((probability, rank) => ({
    id: 100 + seed * TOP + rank, probability, ...kinds[rank % kinds.length],
  }));
  return {
    kind: 'cursor', queryId: 1_000 + seed, cursor: { file: 'bench.js', line: seed, character: 4 },
    distribution: {
      path: [], fragment: '', top, consistent: [], sortedProbabilities: encodeProbabilities(sorted),
      entropyBits: 9, tailMass: 1 - top.reduce((sum, token) => sum + token.probability, 0), tailKnown: true,
    },
  };
}

interface Timings {
  cursorMs: number[];
  sliderMs: number[];
  statusMs: number[];
}

async function main(): Promise<void> {
  const rounds = Number(option('--rounds', '200'));
  const out = option('--out', join(ROOT, 'bench-results', 'lens.json'));
  const scratch = mkdtempSync(join(tmpdir(), 'llama-lens-bench-lens-'));
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'notes.txt'), 'Llama Lens webview benchmark\n');
  // No model: the host sends the page nothing but a status, so only the measured messages render.
  const server = await startCodeServer({ workspace, extensions: [await installedLlamaLens()], settings: { 'llamaLens.gpu': 'cpu' } });
  const workbench = await openWorkbench(server.url);
  try {
    const { page } = workbench;
    await openFileFromExplorer(page, 'notes.txt');
    await runCommand(page, 'Llama Lens: Open the Lens');
    const lens = lensFrame(page).locator('html');
    await lens.locator('[data-testid="status"]').waitFor({ state: 'attached', timeout: 60_000 });
    const messages = Array.from({ length: WARM_UP + rounds }, (_, index) => cursorMessage(index));
    const timings: Timings = await lens.evaluate((_, { messages, warmUp }) => {
      const time = (act: () => void): number => {
        const start = performance.now();
        act();
        void document.body.offsetHeight; // Style and layout happen now, inside the measurement.
        return performance.now() - start;
      };
      const send = (data: unknown) => () => window.dispatchEvent(new MessageEvent('message', { data }));
      const slider = document.querySelector<HTMLInputElement>('[data-testid="slider-temperature"]');
      if (!slider) throw new Error('the Lens has no temperature slider');
      const result = { cursorMs: [] as number[], sliderMs: [] as number[], statusMs: [] as number[] };
      messages.forEach((message, index) => {
        const keep = index >= warmUp;
        const cursor = time(send(message));
        const status = time(send({ kind: 'status', message: `update ${index}`, busy: index % 2 === 0 }));
        const move = time(() => {
          slider.value = String(0.5 + (index % 10) / 10);
          slider.dispatchEvent(new Event('input', { bubbles: true }));
        });
        if (keep) {
          result.cursorMs.push(cursor);
          result.statusMs.push(status);
          result.sliderMs.push(move);
        }
      });
      return result;
    }, { messages, warmUp: WARM_UP });
    const row = (label: string, values: number[]) => [
      label, `${percentile(values, 50).toFixed(2)} ms`, `${percentile(values, 95).toFixed(2)} ms`, `${Math.max(...values).toFixed(2)} ms`,
      `${(percentile(values, 95) / percentile(timings.statusMs, 95)).toFixed(1)}×`,
    ];
    process.stdout.write(`\n${table([
      [`Lens update (${rounds} each, in the webview)`, 'p50', 'p95', 'max', 'p95 / baseline p95'],
      row(`Cursor: top ${TOP} of ${VOCABULARY.toLocaleString('en')} tokens`, timings.cursorMs),
      row('Temperature slider move', timings.sliderMs),
      row('Baseline: a status message', timings.statusMs),
    ])}\n`);
    const cursorP95 = percentile(timings.cursorMs, 95);
    process.stdout.write(`\nCursor update p95 ${cursorP95.toFixed(2)} ms: ${(cursorP95 / FRAME_BUDGET_MS).toFixed(2)} of the `
      + `${FRAME_BUDGET_MS} ms frame budget (${cursorP95 <= FRAME_BUDGET_MS ? 'within' : 'OVER'} target).\n`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify({ rounds, vocabulary: VOCABULARY, top: TOP, frameBudgetMs: FRAME_BUDGET_MS, timings }, null, 2));
  } finally {
    await workbench.close();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
