// npm run bench:fork — does copying a sequence's KV state into a second sequence (node-llama-cpp's internal
// LlamaContextSequence._copyStateFromOtherSequence) make two things cheaper than what the engine does now?
//   - alternative suggestions: now one sequence, the generated tokens erased between alternatives;
//     forked: the prompt's state copied into more sequences, the alternatives generated one after another or
//     side by side in one batch;
//   - the Lens's token tree: now one sequence re-aligned to each path (alignSequence); forked: two sequences
//     each holding a branch, a new branch copied from the one that shares the most.
// And what a context with more sequences costs: memory, and the keystroke path's speed on its first sequence.
// Also checks that a copy gives the same distribution as the sequence it was copied from (after KV reuse, with
// checkpoints, after a context shift). In-process node-llama-cpp on the TinyLlama-shaped model, 2 threads.
// Options: --reps N (default 5), --out FILE (default bench-results/fork.json).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { planKvReuse } from '../src/core/kvReuse';
import { quietly } from './lib/bench/quietMachine';
import { median, table } from './lib/bench/summary';

const ROOT = join(__dirname, '..', '..');
const MODEL = join(ROOT, '.cache', 'models', 'tinyllama-1.1b-fim.gguf');
const SOURCES = [
  'src/core/postProcessCompletion.ts',
  'src/engine/inference/completeFim.ts',
  'scripts/lib/gguf/GgufWriter.ts',
  'src/core/ContextRing.ts',
];
/** What the engine uses for this model: the 4,096 setting capped at TinyLlama's training context. */
const CONTEXT_SIZE = 2048;
/** bench:completion's budgets and the default number of alternatives of a manual trigger. */
const PREFIX_TOKENS = 1024;
const SUFFIX_TOKENS = 256;
const ALTERNATIVES = 3;
const MAX_TOKENS = 16;
/** The Lens's text at the cursor: the tree hangs below it. */
const LENS_TEXT_TOKENS = 1000;
const TREE_DEPTH = 6;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
}

/** Internal in node-llama-cpp 3.22.1: copies `source`'s KV state into `target`, then erases it from `upTo` on. */
interface Forkable {
  _copyStateFromOtherSequence(source: LlamaContextSequence, upTo: number): Promise<boolean>;
}

async function fork(target: LlamaContextSequence, source: LlamaContextSequence, upTo: number): Promise<void> {
  const copied = await (target as unknown as Forkable)._copyStateFromOtherSequence(source, upTo);
  if (!copied || target.nextTokenIndex !== upTo) {
    throw new Error(`The copy failed (copied ${String(copied)}, ${target.nextTokenIndex} tokens, wanted ${upTo}).`);
  }
}

/** The engine's alignSequence, on any sequence. */
async function align(sequence: LlamaContextSequence, prompt: readonly Token[]): Promise<number> {
  const { reuse } = planKvReuse(sequence.contextTokens, prompt);
  if (reuse < sequence.nextTokenIndex) await sequence.eraseContextTokenRanges([{ start: reuse, end: sequence.nextTokenIndex }]);
  return reuse;
}

async function eraseFrom(sequence: LlamaContextSequence, start: number): Promise<void> {
  if (sequence.nextTokenIndex > start) await sequence.eraseContextTokenRanges([{ start, end: sequence.nextTokenIndex }]);
}

/** nextTokenDistribution's evaluation: the pending tokens, the distribution after the last. */
async function distributionAfter(sequence: LlamaContextSequence, pending: Token[]): Promise<Map<Token, number>> {
  const last = pending[pending.length - 1]!;
  const outputs = await sequence.controlledEvaluate([...pending.slice(0, -1), [last, { generateNext: { probabilities: true } }]]);
  const probabilities = outputs.at(-1)?.next.probabilities;
  if (!probabilities) throw new Error('no distribution');
  return probabilities;
}

/** completeFim's likelyFirstTokens: the prompt's last token evaluated, nothing fed back. */
async function firstTokens(model: LlamaModel, sequence: LlamaContextSequence, last: Token, count: number): Promise<Token[]> {
  const generator = sequence.evaluateWithMetadata([last], { probabilities: true }, { temperature: 0 });
  try {
    const step = await generator.next();
    if (step.done) return [];
    return [...step.value.probabilities.keys()].filter((token) => !model.isEogToken(token)).slice(0, count);
  } finally {
    await generator.return();
  }
}

/** greedyGenerate's loop: `first` is the first generated token, then the greedy choices, MAX_TOKENS in all. */
async function greedy(model: LlamaModel, sequence: LlamaContextSequence, first: Token): Promise<Token[]> {
  const tokens = [first];
  for await (const step of sequence.evaluateWithMetadata([first], {}, { temperature: 0 })) {
    if (model.isEogToken(step.token)) break;
    tokens.push(step.token);
    if (tokens.length >= MAX_TOKENS) break;
  }
  return tokens;
}

function maxDifference(a: Map<Token, number>, b: Map<Token, number>): number {
  let worst = a.size === b.size ? 0 : Infinity;
  for (const [token, probability] of a) worst = Math.max(worst, Math.abs(probability - (b.get(token) ?? Infinity)));
  return worst;
}

const timed = async <T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
};

function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

interface Setup {
  model: LlamaModel;
  threads: number;
  prompt: Token[];
  lensText: Token[];
}

// ---- Alternatives -------------------------------------------------------------------------------------------

type AlternativesRun = { ms: number; texts: Token[][] };

/**
 * Times one strategy: the prompt's last token evaluated on `main` (which holds the prompt but that token) for the
 * likeliest first tokens, then `generate` from them.
 */
async function alternativesRun(
  setup: Setup,
  main: LlamaContextSequence,
  generate: (firsts: Token[]) => Promise<Token[][]>,
): Promise<AlternativesRun> {
  const { model, prompt } = setup;
  await eraseFrom(main, prompt.length - 1);
  const { ms, value } = await timed(async () => generate(await firstTokens(model, main, prompt[prompt.length - 1]!, ALTERNATIVES)));
  return { ms, texts: value };
}

/** Now: one sequence; the generated tokens are erased between alternatives. */
function alternativesNow(setup: Setup, main: LlamaContextSequence): Promise<AlternativesRun> {
  return alternativesRun(setup, main, async (firsts) => {
    const texts: Token[][] = [];
    for (const first of firsts) {
      await eraseFrom(main, setup.prompt.length);
      texts.push(await greedy(setup.model, main, first));
    }
    return texts;
  });
}

/** Forked, one after another: the main suggestion on the first sequence, each alternative on a copy of its prompt state. */
function alternativesForkedSerial(setup: Setup, [main, other]: LlamaContextSequence[]): Promise<AlternativesRun> {
  return alternativesRun(setup, main!, async ([best, ...rest]) => {
    const texts = [await greedy(setup.model, main!, best!)];
    for (const first of rest) {
      await fork(other!, main!, setup.prompt.length);
      texts.push(await greedy(setup.model, other!, first));
    }
    return texts;
  });
}

/** Forked on two sequences: the main suggestion and the first alternative side by side, then the rest on the copy. */
function alternativesForkedPair(setup: Setup, sequences: LlamaContextSequence[]): Promise<AlternativesRun> {
  const [main, other] = sequences as [LlamaContextSequence, LlamaContextSequence];
  return alternativesRun(setup, main, async (firsts) => {
    await fork(other, main, setup.prompt.length);
    const texts = await Promise.all(firsts.slice(0, 2).map((first, index) => greedy(setup.model, sequences[index]!, first)));
    for (const first of firsts.slice(2)) {
      await eraseFrom(other, setup.prompt.length);
      texts.push(await greedy(setup.model, other, first));
    }
    return texts;
  });
}

/** Forked, side by side: the prompt state copied into one sequence per alternative, all generated at once. */
function alternativesForkedParallel(setup: Setup, sequences: LlamaContextSequence[]): Promise<AlternativesRun> {
  const [main, ...others] = sequences as [LlamaContextSequence, ...LlamaContextSequence[]];
  return alternativesRun(setup, main, async (firsts) => {
    for (const other of others.slice(0, firsts.length - 1)) await fork(other, main, setup.prompt.length);
    return Promise.all(firsts.map((first, index) => greedy(setup.model, sequences[index]!, first)));
  });
}

// ---- The token tree -----------------------------------------------------------------------------------------

/**
 * Three tree walks below the Lens's text, each a list of paths asked for in turn:
 * - "depth first": follow the top child TREE_DEPTH deep, then a sibling of each node on the way back up;
 * - "back and forth": the top child followed 3 deep, then the second child 3 deep, then each branch one level deeper;
 * - "two branches": the top two children expanded in turn, one level deeper each time (the worst case for one sequence).
 * Paths are found on the fly from each node's distribution, so both strategies walk the same tree.
 */
type Walk = 'depth first' | 'back and forth' | 'two branches';

function* walkPaths(walk: Walk, childOf: (path: Token[], rank: number) => Token): Generator<Token[]> {
  if (walk === 'depth first') {
    const spine: Token[] = [];
    for (let depth = 0; depth < TREE_DEPTH; depth++) {
      spine.push(childOf(spine.slice(), 0));
      yield spine.slice();
    }
    for (let depth = TREE_DEPTH - 1; depth >= 0; depth--) {
      const sibling = [...spine.slice(0, depth), childOf(spine.slice(0, depth), 1)];
      yield sibling;
    }
    return;
  }
  const branches: Token[][] = [[], []];
  if (walk === 'back and forth') {
    for (const [rank, branch] of branches.entries()) {
      for (let depth = 0; depth < 3; depth++) {
        branch.push(childOf(branch.slice(), depth === 0 ? rank : 0));
        yield branch.slice();
      }
    }
    for (const branch of branches) {
      branch.push(childOf(branch.slice(), 0));
      yield branch.slice();
    }
    return;
  }
  for (let depth = 0; depth < TREE_DEPTH; depth++) {
    for (const [rank, branch] of branches.entries()) {
      branch.push(childOf(depth === 0 ? [] : branch.slice(), depth === 0 ? rank : 0));
      yield branch.slice();
    }
  }
}

interface TreeRun {
  ms: number;
  root: Map<Token, number>;
  evaluated: number;
  distributions: Map<Token, number>[];
}

/** Answers each path the way a strategy does; returns the distribution and the tokens it evaluated. */
type TreeStrategy = (path: Token[]) => Promise<{ distribution: Map<Token, number>; evaluated: number }>;

/** Now: one sequence, aligned to text + path (nextTokenDistribution). */
function treeNow(setup: Setup, sequence: LlamaContextSequence): TreeStrategy {
  return async (path) => {
    const context = [...setup.lensText, ...path];
    const reuse = await align(sequence, context);
    return { distribution: await distributionAfter(sequence, context.slice(reuse)), evaluated: context.length - reuse };
  };
}

/**
 * Forked: two sequences, each holding a branch. A path that continues what a sequence holds goes there. Otherwise
 * the new branch goes to the sequence not used last (the one used last is likelier to be asked again), and the part
 * of the path that the other sequence already holds, if longer, is copied over instead of evaluated.
 */
function treeForked(setup: Setup, sequences: LlamaContextSequence[]): TreeStrategy {
  let lastUsed = 0;
  return async (path) => {
    const context = [...setup.lensText, ...path];
    const shares = sequences.map((sequence) => planKvReuse(sequence.contextTokens, context).reuse);
    const continued = sequences.findIndex(
      (sequence, index) => sequence.contextTokens.length > 0 && shares[index] === sequence.contextTokens.length,
    );
    const target = continued >= 0 ? continued : 1 - lastUsed;
    const source = 1 - target;
    if (shares[source]! > shares[target]!) await fork(sequences[target]!, sequences[source]!, shares[source]!);
    const sequence = sequences[target]!;
    const reuse = await align(sequence, context);
    lastUsed = target;
    return { distribution: await distributionAfter(sequence, context.slice(reuse)), evaluated: context.length - reuse };
  };
}

async function runWalk(walk: Walk, strategy: TreeStrategy, reference?: TreeRun): Promise<TreeRun> {
  const distributions: Map<Token, number>[] = [];
  let evaluated = 0;
  const seen = new Map<string, Map<Token, number>>();
  // The tree is found from the reference run's distributions when there is one, so both walk the same paths.
  const childOf = (path: Token[], rank: number): Token => {
    const distribution = seen.get(path.join(','));
    if (!distribution) throw new Error(`the walk asked below ${path.join(',')} before it was answered`);
    return [...distribution.keys()][rank]!;
  };
  const started = performance.now();
  const root = await strategy([]);
  seen.set('', reference?.root ?? root.distribution);
  for (const path of walkPaths(walk, childOf)) {
    const answer = await strategy(path);
    evaluated += answer.evaluated;
    distributions.push(answer.distribution);
    seen.set(path.join(','), reference ? reference.distributions[distributions.length - 1]! : answer.distribution);
  }
  return { ms: performance.now() - started, root: root.distribution, evaluated, distributions };
}

// ---- The keystroke path on a context with more sequences ---------------------------------------------------

/** One warm keystroke: the prompt's last token evaluated again and MAX_TOKENS generated, as completeFim does. */
async function keystroke(setup: Setup, sequence: LlamaContextSequence): Promise<number> {
  const { model, prompt } = setup;
  await eraseFrom(sequence, prompt.length - 1);
  const { ms } = await timed(() => greedy(model, sequence, prompt[prompt.length - 1]!));
  return ms;
}

// ---- Correctness --------------------------------------------------------------------------------------------

interface Check {
  name: string;
  maxDifference: number;
}

async function correctnessChecks(setup: Setup, context: LlamaContext, smallContext: LlamaContext): Promise<Check[]> {
  const { lensText } = setup;
  const [a, b] = [context.getSequence(), context.getSequence()];
  const checks: Check[] = [];
  try {
    // After KV reuse: a holds text + one branch, is re-aligned to another, and b is forked from it mid-way.
    const first = await distributionAfter(a, lensText.slice());
    const branch = [...first.keys()].slice(0, 3);
    await align(a, [...lensText, branch[0]!, branch[1]!]);
    await distributionAfter(a, [branch[0]!, branch[1]!]);
    const target = [...lensText, branch[0]!, branch[2]!];
    const reuse = await align(a, target);
    await fork(b, a, reuse);
    const forked = await distributionAfter(b, target.slice(reuse));
    const inPlace = await distributionAfter(a, target.slice(reuse));
    checks.push({ name: 'copy after alignSequence vs the same sequence re-aligned', maxDifference: maxDifference(forked, inPlace) });
    await b.clearHistory();
    const fresh = await distributionAfter(b, target.slice());
    checks.push({ name: 'copy after alignSequence vs the whole text evaluated afresh', maxDifference: maxDifference(forked, fresh) });

    // Checkpoints: a Llama model needs none (takeCheckpoint does nothing); the copy clones the (empty) list.
    await a.takeCheckpoint();
    await fork(b, a, a.nextTokenIndex - 1);
    const last = [a.contextTokens[a.nextTokenIndex - 1]!];
    const afterCheckpoint = await distributionAfter(b, last);
    await eraseFrom(a, a.nextTokenIndex - 1);
    checks.push({
      name: `copy after takeCheckpoint (needsCheckpoints: ${String(a.needsCheckpoints)})`,
      maxDifference: maxDifference(afterCheckpoint, await distributionAfter(a, last)),
    });
  } finally {
    a.dispose();
    b.dispose();
  }

  // A context shift: 256-token sequences fed 400 tokens, so node-llama-cpp erases their start and shifts the rest.
  const [s, t] = [smallContext.getSequence(), smallContext.getSequence()];
  try {
    await s.evaluateWithoutGeneratingNewTokens(lensText.slice(0, 200));
    await s.evaluateWithoutGeneratingNewTokens(lensText.slice(200, 400));
    const held = s.contextTokens.slice();
    const shifted = held.length < 400;
    await fork(t, s, held.length - 1);
    const tail = [held[held.length - 1]!];
    const forked = await distributionAfter(t, tail);
    await eraseFrom(s, held.length - 1);
    checks.push({
      name: `copy after a context shift (${shifted ? `kept ${held.length} of 400 tokens` : 'no shift happened'})`,
      maxDifference: maxDifference(forked, await distributionAfter(s, tail)),
    });
  } finally {
    s.dispose();
    t.dispose();
  }
  return checks;
}

// ---- Main ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const reps = Number(option('--reps', '5'));
  const out = option('--out', join(ROOT, 'bench-results', 'fork.json'));
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false, maxThreads: 0 });
  const model = await llama.loadModel({ modelPath: MODEL, gpuLayers: 0 });
  const threads = llama.cpuMathCores;
  const { prefix, suffix, middle } = model.tokens.infill;
  if (prefix === null || suffix === null || middle === null || model.tokens.bos === null) throw new Error('the model has no FIM tokens');
  const source = model.tokenize(SOURCES.map((file) => readFileSync(join(ROOT, file), 'utf8')).join('\n'), false, 'trimLeadingSpace');
  const setup: Setup = {
    model,
    threads,
    // SPM, as the engine builds it for CodeLlama's tokens: suffix first, then the prefix.
    prompt: [
      model.tokens.bos,
      prefix,
      suffix,
      ...source.slice(PREFIX_TOKENS, PREFIX_TOKENS + SUFFIX_TOKENS),
      middle,
      ...source.slice(0, PREFIX_TOKENS),
    ],
    lensText: [model.tokens.bos, ...source.slice(0, LENS_TEXT_TOKENS - 1)],
  };
  console.log(
    `TinyLlama shape, ${threads} threads, context ${CONTEXT_SIZE} per sequence; prompt ${setup.prompt.length} tokens, Lens text ${setup.lensText.length}`,
  );

  // Memory: what node-llama-cpp estimates, and what creating the context adds to this process's RSS.
  const memory: { sequences: number; estimateMiB: number; rssMiB: number }[] = [];
  const contexts = new Map<number, LlamaContext>();
  for (const sequences of [1, 2, 3]) {
    const estimate = await model.fileInsights.estimateContextResourceRequirementsV2({
      contextSize: CONTEXT_SIZE,
      modelGpuLayers: 0,
      sequences,
    });
    const before = rssMiB();
    contexts.set(sequences, await model.createContext({ contextSize: CONTEXT_SIZE, threads, sequences }));
    memory.push({ sequences, estimateMiB: estimate.cpuRam / 2 ** 20, rssMiB: rssMiB() - before });
  }
  const one = contexts.get(1)!;
  const three = contexts.get(3)!;
  await contexts.get(2)!.dispose();

  // The prompt is evaluated once into each context's first sequence, untimed: every case starts warm.
  const now = one.getSequence();
  const forked = [three.getSequence(), three.getSequence(), three.getSequence()];
  await now.evaluateWithoutGeneratingNewTokens(setup.prompt.slice(0, -1));
  await forked[0]!.evaluateWithoutGeneratingNewTokens(setup.prompt.slice(0, -1));

  // Each repetition runs on a quiet machine (see quietMachine), its strategies interleaved so that what noise is left
  // falls on all of them alike. Cores used by other processes during each accepted repetition are kept.
  const load: Record<string, number[]> = {};
  const rep = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const run = await quietly(work);
    (load[name] ??= []).push(run.otherCores);
    return run.value;
  };

  // The keystroke path: one sequence alone vs the first of three, while another holds the Lens's text.
  await forked[1]!.evaluateWithoutGeneratingNewTokens(setup.lensText);
  const keystrokes = { one: [] as number[], three: [] as number[] };
  await keystroke(setup, now);
  await keystroke(setup, forked[0]!);
  for (let index = 0; index < reps; index++) {
    const [one, three] = await rep('keystroke', async () => [await keystroke(setup, now), await keystroke(setup, forked[0]!)]);
    keystrokes.one.push(one!);
    keystrokes.three.push(three!);
  }

  // The copy alone: a prompt-sized state copied, then one token evaluated on the copy (the copy happens then).
  const copyMs: number[] = [];
  const decodeMs: number[] = [];
  const lastPromptToken = [setup.prompt[setup.prompt.length - 1]!];
  for (let index = 0; index < reps; index++) {
    const [copy, decode] = await rep('copy', async () => {
      await eraseFrom(forked[0]!, setup.prompt.length - 1);
      await eraseFrom(forked[1]!, 0);
      const copied = await timed(async () => {
        await fork(forked[1]!, forked[0]!, setup.prompt.length - 1);
        await forked[1]!.evaluateWithoutGeneratingNewTokens(lastPromptToken);
      });
      const plain = await timed(() => forked[0]!.evaluateWithoutGeneratingNewTokens(lastPromptToken));
      return [copied.ms, plain.ms];
    });
    copyMs.push(copy!);
    decodeMs.push(decode!);
  }

  // Alternatives.
  const alternatives = { now: [] as number[], serial: [] as number[], pair: [] as number[], parallel: [] as number[] };
  let sameTexts = true;
  for (let index = 0; index < reps; index++) {
    const runs = await rep('alternatives', async () => [
      await alternativesNow(setup, now),
      await alternativesForkedSerial(setup, forked),
      await alternativesForkedPair(setup, forked),
      await alternativesForkedParallel(setup, forked),
    ]);
    const [a, b, c, d] = runs as [AlternativesRun, AlternativesRun, AlternativesRun, AlternativesRun];
    alternatives.now.push(a.ms);
    alternatives.serial.push(b.ms);
    alternatives.pair.push(c.ms);
    alternatives.parallel.push(d.ms);
    sameTexts &&= [b, c, d].every((run) => JSON.stringify(run.texts) === JSON.stringify(a.texts));
  }

  // The token tree: the Lens's text in the first sequence of each context, then the walks.
  await eraseFrom(forked[2]!, 0);
  const tree: Record<Walk, { now: TreeRun[]; forked: TreeRun[]; maxDifference: number }> = {
    'depth first': { now: [], forked: [], maxDifference: 0 },
    'back and forth': { now: [], forked: [], maxDifference: 0 },
    'two branches': { now: [], forked: [], maxDifference: 0 },
  };
  for (let index = 0; index < reps; index++) {
    for (const walk of Object.keys(tree) as Walk[]) {
      const [reference, run] = await rep(`tree: ${walk}`, async () => {
        // Each walk starts with the text alone in the KV state: the first sequence of each, the second empty.
        await align(now, setup.lensText);
        await align(forked[0]!, setup.lensText);
        await eraseFrom(forked[1]!, 0);
        const first = await runWalk(walk, treeNow(setup, now));
        return [first, await runWalk(walk, treeForked(setup, forked.slice(0, 2)), first)];
      });
      tree[walk].now.push(reference!);
      tree[walk].forked.push(run!);
      tree[walk].maxDifference = Math.max(
        tree[walk].maxDifference,
        ...run!.distributions.map((d, i) => maxDifference(d, reference!.distributions[i]!)),
      );
    }
  }
  for (const sequence of [now, ...forked]) sequence.dispose();

  const small = await model.createContext({ contextSize: 256, threads, sequences: 2 });
  const checks = await correctnessChecks(setup, three, small);
  await small.dispose();
  await one.dispose();
  await three.dispose();
  await model.dispose();
  await llama.dispose();

  const ratio = (baseline: number[], other: number[]) => (median(baseline) / median(other)).toFixed(2);
  const ms = (values: number[]) => median(values).toFixed(0);
  console.log(`\nMemory of a context of ${CONTEXT_SIZE} tokens per sequence`);
  console.log(
    table([
      ['sequences', 'node-llama-cpp estimate', 'RSS added'],
      ...memory.map((m) => [String(m.sequences), `${m.estimateMiB.toFixed(0)} MiB`, `${m.rssMiB.toFixed(0)} MiB`]),
    ]),
  );
  console.log(`\nKeystroke (the prompt's last token evaluated again, ${MAX_TOKENS - 1} generated), medians of ${reps}`);
  console.log(
    table([
      ['context', 'ms', 'vs one sequence'],
      ['1 sequence', ms(keystrokes.one), '1.00'],
      [
        '3 sequences (first one; another holds the Lens text)',
        ms(keystrokes.three),
        (median(keystrokes.three) / median(keystrokes.one)).toFixed(2),
      ],
    ]),
  );
  console.log(
    `\nCopying a ${setup.prompt.length - 1}-token state + 1 token evaluated on the copy: ${ms(copyMs)} ms; 1 token evaluated without a copy: ${ms(decodeMs)} ms`,
  );
  console.log(
    `\nAlternatives (${ALTERNATIVES} x ${MAX_TOKENS} tokens after a ${setup.prompt.length}-token prompt), medians of ${reps}; same texts: ${String(sameTexts)}`,
  );
  console.log(
    table([
      ['strategy', 'ms', 'speed-up vs now'],
      ['now: one sequence, erase between alternatives', ms(alternatives.now), '1.00'],
      ['forked, one after another (2 sequences)', ms(alternatives.serial), ratio(alternatives.now, alternatives.serial)],
      [
        'forked, main + 1st alternative side by side, then the 2nd (2 sequences)',
        ms(alternatives.pair),
        ratio(alternatives.now, alternatives.pair),
      ],
      [
        `forked, side by side (${ALTERNATIVES} sequences, one batch per step)`,
        ms(alternatives.parallel),
        ratio(alternatives.now, alternatives.parallel),
      ],
    ]),
  );
  console.log(`\nToken tree below a ${setup.lensText.length}-token text, medians of ${reps}`);
  console.log(table([
    ['walk', 'paths', 'now ms', 'now tokens', 'forked ms', 'forked tokens', 'speed-up', 'ms saved per path', 'max |Δp|'],
    ...(Object.keys(tree) as Walk[]).map((walk) => {
      const { now: n, forked: f, maxDifference: d } = tree[walk];
      return [
        walk,
        String(n[0]!.distributions.length),
        ms(n.map((r) => r.ms)),
        String(n[0]!.evaluated),
        ms(f.map((r) => r.ms)),
        String(f[0]!.evaluated),
        ratio(
          n.map((r) => r.ms),
          f.map((r) => r.ms),
        ),
        ((median(n.map((r) => r.ms)) - median(f.map((r) => r.ms))) / (n[0]!.distributions.length + 1)).toFixed(0),
        d.toExponential(1),
      ];
    }),
  ]));
  console.log(
    `\nCores used by other processes during the accepted repetitions (median, max): ${Object.entries(load)
      .map(([name, values]) => `${name} ${median(values).toFixed(2)}, ${Math.max(...values).toFixed(2)}`)
      .join('; ')}`,
  );
  console.log('\nCorrectness of the copy (max |Δp| over the whole distribution; ≤ 1e-6 passes)');
  console.log(
    table([
      ['check', 'max |Δp|', ''],
      ...checks.map((c) => [c.name, c.maxDifference.toExponential(1), c.maxDifference <= 1e-6 ? 'ok' : 'FAIL']),
    ]),
  );

  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        model: MODEL,
        threads,
        contextSize: CONTEXT_SIZE,
        reps,
        otherCores: load,
        memory,
        keystrokes,
        copyMs,
        decodeMs,
        alternatives,
        sameTexts,
        tree: Object.fromEntries(
          Object.entries(tree).map(([walk, v]) => [
            walk,
            {
              nowMs: v.now.map((r) => r.ms),
              forkedMs: v.forked.map((r) => r.ms),
              nowTokens: v.now[0]?.evaluated,
              forkedTokens: v.forked[0]?.evaluated,
              maxDifference: v.maxDifference,
            },
          ]),
        ),
        checks,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
