// npm run bench:activation — what Llama Lens costs the editor, measured in a real VS Code (code-server) with the
// packaged VSIX installed, against an empty baseline extension activated by the same event in the same window:
//   - activation time: loading the extension's code, from VS Code's own performance marks in the extension host (read
//     through the host's inspector; a synchronous require, so nothing else runs inside it), plus the activate() call,
//     from the extension's log (also synchronous: VS Code's activateCallTime times the same call);
//   - for reference, two of VS Code's figures that also count awaits, during which whatever else the host does
//     (other extensions activating at startup) runs: the span of its activation marks, and the "Activation" figure
//     of Running Extensions. On this machine they measure the moment more than the extension: the empty extension
//     gets about as much as Llama Lens;
//   - the extension host's memory with no model, with a tiny model (which also starts the engine), and with a
//     TinyLlama-shaped one (the weights live in the engine process): the JS heap after a full garbage collection,
//     which is what the host keeps, and resident memory; the engine's memory beside it.
// Targets: code loading + activate() ≤ 50 ms; loading the models leaves the host's heap after GC where it was
// (< 1 MiB more) and its RSS within 5%.
// Options: --rounds N (default 5), --out FILE (JSON; default bench-results/activation.json).
// Needs a global WebSocket: Node 22+, or Node 20 with --experimental-websocket (the npm script passes it).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { outputChannelLog, startCodeServer } from './lib/codeServer';
import { findRepoRoot } from './lib/e2ePaths';
import { installedLlamaLens, STATUS_BAR_ID_PREFIX } from './lib/llamaLensStage';
import { findDescendant, rssMiB } from './lib/bench/processMemory';
import { type NodeInspector, openNodeInspector } from './lib/bench/nodeInspector';
import { median, table } from './lib/bench/summary';
import { openFileFromExplorer, openWorkbench, runCommand, statusBarText, waitFor } from '../test/support/workbench';

const ROOT = findRepoRoot();
const MODEL = join(ROOT, '.cache', 'models', 'tinyllama-1.1b-fim.gguf');
const SMALL_MODEL = join(ROOT, '.cache', 'models', 'oracle.gguf');
const ACTIVATION_TARGET_MS = 50;
const HOST_RSS_GROWTH_TARGET = 0.05;
const HOST_HEAP_GROWTH_TARGET_MIB = 1;
const LLAMA_LENS_ID = 'llama-lens.llama-lens';
const BASELINE_ID = 'llama-lens-bench.activation-baseline';

/** What VS Code's own marks say of one extension's activation. */
interface ActivationMarks {
  /** Loading the extension's main module: a synchronous require. */
  codeLoadingMs: number;
  /** From VS Code's starting to activate it until the promise activate() returns settles, awaits included. */
  activationSpanMs: number;
}

interface HostMemory {
  rssMiB: number;
  heapAfterGcMiB: number;
}

interface Round {
  llamaLens: ActivationMarks;
  baseline: ActivationMarks;
  /** activate() alone, as the extension logs it. */
  activateCallMs: number;
  /** VS Code's Running Extensions figure (code loading, with the await before it, plus the activate() call). */
  runningExtensionsMs: { llamaLens: number; baseline: number };
  host: { before: HostMemory; withSmall: HostMemory; after: HostMemory };
  engineWithSmallMiB: number;
  engineMiB: number;
}

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

/** An extension that does nothing, activated by the same event as Llama Lens: the floor of activation cost. */
function baselineExtension(folder: string): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({
    name: 'activation-baseline', displayName: 'Activation Baseline', publisher: 'llama-lens-bench', version: '1.0.0',
    engines: { vscode: '^1.90.0' }, main: './extension.js', activationEvents: ['onLanguage'],
  }));
  writeFileSync(join(folder, 'extension.js'), 'exports.activate = function () {};\nexports.deactivate = function () {};\n');
  return folder;
}

/**
 * "Activation: 12ms" of the named extension's row in the Running Extensions editor. The list only renders the rows
 * in view: Home and End bring both ends of it into view in turn.
 */
async function activationMs(page: Page, displayName: string): Promise<number> {
  let key = 'End';
  const text = await waitFor(
    async () => {
      const found = await page
        .locator('.monaco-list-row', { hasText: displayName })
        .locator('.activation-time')
        .first()
        .textContent({ timeout: 500 })
        .catch(() => null);
      if (found === null) {
        await page
          .locator('.monaco-list-row')
          .first()
          .click({ timeout: 1000 })
          .catch(() => undefined);
        await page.keyboard.press(key);
        key = key === 'End' ? 'Home' : 'End';
      }
      return found;
    },
    {
      timeoutMs: 60_000,
      message: `the activation time of ${displayName} in Running Extensions`,
      until: (value) => /Activation: \d+ms/.test(value ?? ''),
    },
  );
  return Number(/(\d+)ms/.exec(text ?? '')?.[1]);
}

/** Points llamaLens.modelPath (machine settings) at `model` and waits for the status bar to show it loaded. */
async function loadModel(page: Page, userDataDir: string, model: string, previousStatus?: string): Promise<string> {
  const machineSettings = join(userDataDir, 'Machine', 'settings.json');
  const settings = JSON.parse(readFileSync(machineSettings, 'utf8')) as Record<string, unknown>;
  writeFileSync(machineSettings, JSON.stringify({ ...settings, 'llamaLens.modelPath': model }, null, 2));
  return (await waitFor(() => statusBarText(page, STATUS_BAR_ID_PREFIX), {
    timeoutMs: 300_000, message: `${model} to load`, until: (text) => /\(cpu\)/.test(text ?? '') && text !== previousStatus,
  })) ?? '';
}

/** The median of a few readings a few ms apart: RSS moves a little from one moment to the next. */
async function settledRss(pid: number): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    readings.push(rssMiB(pid));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return median(readings);
}

async function hostMemory(host: number, inspector: NodeInspector): Promise<HostMemory> {
  const heapAfterGcMiB = await inspector.heapUsedAfterGcMiB();
  return { heapAfterGcMiB, rssMiB: await settledRss(host) };
}

/**
 * VS Code's performance marks for an extension (code/extHost/{will,did}{LoadExtensionCode,ActivateExtension}/<id>),
 * kept by the extension host in globalThis.MonacoPerformanceMarks.
 */
async function activationMarks(inspector: NodeInspector, id: string): Promise<ActivationMarks> {
  const marks = await inspector.evaluate<{ name: string; startTime: number }[] | null>(
    `globalThis.MonacoPerformanceMarks?.getMarks().filter((mark) => mark.name.endsWith(${JSON.stringify(`/${id}`)})) ?? null`);
  if (!marks) throw new Error('The extension host has no globalThis.MonacoPerformanceMarks: this VS Code keeps its marks elsewhere.');
  const at = (name: string) => {
    const mark = marks.find((m) => m.name === `code/extHost/${name}/${id}`);
    if (!mark) {
      throw new Error(`VS Code's extension host has no mark ${name} for ${id} (marks: ${marks.map((m) => m.name).join(', ') || 'none'}).`);
    }
    return mark.startTime;
  };
  return {
    codeLoadingMs: at('didLoadExtensionCode') - at('willLoadExtensionCode'),
    activationSpanMs: at('didActivateExtension') - at('willActivateExtension'),
  };
}

/**
 * Waits for VS Code's own startup to settle (every built-in extension activated, Llama Lens among them: VS Code fires
 * its onLanguage event for a JSON model it opens at startup), then opens the plain-text file.
 */
async function openFileInSettledWindow(page: Page): Promise<void> {
  await runCommand(page, 'Developer: Show Running Extensions');
  await waitFor(() => page.locator('.monaco-list-row .activation-time').allTextContents(), {
    timeoutMs: 60_000,
    message: 'the built-in extensions to finish activating',
    until: (times) => times.length > 0 && times.every((time) => !/Activating/.test(time)),
  });
  // VS Code shows Running Extensions as a modal editor: close it to reach the Explorer.
  await page.keyboard.press('Escape');
  await page.locator('.monaco-modal-editor-block').first().waitFor({ state: 'detached', timeout: 30_000 });
  await openFileFromExplorer(page, 'notes.txt');
}

/** One window with Llama Lens and the baseline beside it. */
async function round(workspace: string, baseline: string): Promise<Round> {
  const server = await startCodeServer({
    workspace,
    extensions: [await installedLlamaLens(), baseline],
    settings: { 'llamaLens.gpu': 'cpu' },
  });
  const workbench = await openWorkbench(server.url);
  let inspector: NodeInspector | undefined;
  try {
    const { page } = workbench;
    await openFileInSettledWindow(page);
    await waitFor(() => statusBarText(page, STATUS_BAR_ID_PREFIX), {
      timeoutMs: 60_000,
      message: 'Llama Lens to activate (no model)',
      until: (text) => /no model/.test(text ?? ''),
    });
    await runCommand(page, 'Developer: Show Running Extensions');
    const runningExtensionsMs = {
      llamaLens: await activationMs(page, 'Llama Lens'),
      baseline: await activationMs(page, 'Activation Baseline'),
    };
    const activateCallMs = await waitFor(() => /Activated in ([\d.]+) ms/.exec(outputChannelLog(server.userDataDir, 'Llama Lens'))?.[1], {
      timeoutMs: 30_000, message: 'the "Activated in" line of the Llama Lens log',
    });
    const host = server.pid && findDescendant(server.pid, /--type=extensionHost/);
    if (!host) throw new Error('Cannot find the extension host process under code-server.');
    inspector = await openNodeInspector(host);
    const llamaLens = await activationMarks(inspector, LLAMA_LENS_ID);
    const baselineMarks = await activationMarks(inspector, BASELINE_ID);
    const before = await hostMemory(host, inspector);

    // The user picks a model (the machine settings change and the engine starts and loads it), then a far larger one.
    // The first load also starts the engine process, whose pipes and log the host holds; the second shows what a
    // model's size costs the host: nothing, as its weights live in the engine.
    const small = await loadModel(page, server.userDataDir, SMALL_MODEL);
    const withSmall = await hostMemory(host, inspector);
    const engine = findDescendant(host, /dist\/engine\.mjs/);
    if (!engine) throw new Error('Cannot find the engine process under the extension host.');
    const engineWithSmallMiB = rssMiB(engine);
    await loadModel(page, server.userDataDir, MODEL, small);
    return {
      llamaLens, baseline: baselineMarks, activateCallMs: Number(activateCallMs), runningExtensionsMs,
      host: { before, withSmall, after: await hostMemory(host, inspector) }, engineWithSmallMiB, engineMiB: rssMiB(engine),
    };
  } finally {
    await inspector?.close();
    await workbench.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const rounds = Number(option('--rounds', '5'));
  const out = option('--out', join(ROOT, 'bench-results', 'activation.json'));
  const scratch = mkdtempSync(join(tmpdir(), 'llama-lens-bench-activation-'));
  try {
    const workspace = join(scratch, 'workspace');
    mkdirSync(workspace);
    // Plain text: no language server of VS Code's own starts beside us and moves the host's memory.
    writeFileSync(join(workspace, 'notes.txt'), 'Llama Lens activation benchmark\n');
    const baseline = baselineExtension(join(scratch, 'baseline'));
    const results: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      const result = await round(workspace, baseline);
      results.push(result);
      process.stdout.write(`round ${i + 1}/${rounds}: ${JSON.stringify(result)}\n`);
    }
    const col = (pick: (r: Round) => number) => median(results.map(pick));
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    const mib = (value: number) => `${value.toFixed(1)} MiB`;
    const total = col((r) => r.llamaLens.codeLoadingMs + r.activateCallMs);
    const rssGrowth = col((r) => r.host.after.rssMiB / r.host.before.rssMiB - 1);
    const heapGrowth = col((r) => r.host.after.heapAfterGcMiB - r.host.before.heapAfterGcMiB);
    const memoryRow = (label: string, pick: (r: Round) => HostMemory) =>
      [label, `${mib(col((r) => pick(r).heapAfterGcMiB))} / ${mib(col((r) => pick(r).rssMiB))}`, '', ''];
    process.stdout.write(
      `\n${table([
        ['Measure (median of ' + rounds + ' windows)', 'Llama Lens', 'Empty extension', 'Target'],
        ['Code loading (VS Code marks)', ms(col((r) => r.llamaLens.codeLoadingMs)), ms(col((r) => r.baseline.codeLoadingMs)), ''],
        ['activate() call (Llama Lens log)', ms(col((r) => r.activateCallMs)), '', ''],
        ['Code loading + activate()', ms(total), '', `≤ ${ACTIVATION_TARGET_MS} ms`],
        [
          'For reference: activation span (VS Code marks, with awaits)',
          ms(col((r) => r.llamaLens.activationSpanMs)),
          ms(col((r) => r.baseline.activationSpanMs)),
          '',
        ],
        [
          'For reference: Running Extensions figure (with an await)',
          ms(col((r) => r.runningExtensionsMs.llamaLens)),
          ms(col((r) => r.runningExtensionsMs.baseline)),
          '',
        ],
        // Both extensions wait through the same await in the same window: the difference is what Llama Lens adds.
        [
          'Running Extensions: Llama Lens minus the empty extension',
          ms(col((r) => r.runningExtensionsMs.llamaLens - r.runningExtensionsMs.baseline)),
          '',
          '',
        ],
        memoryRow('Host heap after GC / RSS, no model', (r) => r.host.before),
        memoryRow('... with the 3.8 MB oracle model (engine started)', (r) => r.host.withSmall),
        memoryRow('... then the TinyLlama-shaped model', (r) => r.host.after),
        [
          'Host growth from loading the models: heap after GC / RSS',
          `${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(2)} MiB / ${rssGrowth >= 0 ? '+' : ''}${(rssGrowth * 100).toFixed(1)}%`,
          '',
          `< ${HOST_HEAP_GROWTH_TARGET_MIB} MiB / < ${HOST_RSS_GROWTH_TARGET * 100}%`,
        ],
        ['Engine process RSS, oracle then TinyLlama', `${mib(col((r) => r.engineWithSmallMiB))} → ${mib(col((r) => r.engineMiB))}`, '', ''],
      ])}\n`,
    );
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), models: [SMALL_MODEL, MODEL], rounds: results }, null, 2)}\n`);
    const misses = [
      total > ACTIVATION_TARGET_MS && `code loading + activate() took ${total.toFixed(1)} ms, over ${ACTIVATION_TARGET_MS} ms`,
      rssGrowth >= HOST_RSS_GROWTH_TARGET && `the host's RSS grew ${(rssGrowth * 100).toFixed(1)}% when the models loaded`,
      heapGrowth >= HOST_HEAP_GROWTH_TARGET_MIB && `the host's heap after GC grew ${heapGrowth.toFixed(2)} MiB when the models loaded`,
    ].filter(Boolean);
    if (misses.length > 0) {
      process.stderr.write(`bench:activation missed its targets: ${misses.join('; ')}\n`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:activation FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
