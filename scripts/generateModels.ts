// Generates the project's own GGUF test models into .cache/models/ (git-ignored). See DESIGN.md,
// "Models for tests and benchmarks".
//
//   node out/scripts/generateModels.js                  each oracle set's models + <set>.table.json (skipped when up to date)
//   node out/scripts/generateModels.js --shapes all     also the random-weight benchmark models (skipped when present)
//   node out/scripts/generateModels.js --shapes tinyllama-1.1b,codellama-7b --force
//
// Every file is written under a temporary name and renamed, so an interrupted run never leaves a half-written
// model under its final name.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { GgufWriter } from './lib/gguf/GgufWriter';
import {
  ORACLE_GENERATOR_VERSION, ORACLE_MODEL_SETS, type OracleExtraToken, type OracleModelSet, buildOracleGguf, buildOracleTable,
} from './lib/models/oracleModel';
import {
  SHAPE_GENERATOR_VERSION,
  SHAPE_MODELS,
  SHAPE_MODEL_NAMES,
  ShapeModelName,
  SpmVocab,
  buildShapeGguf,
  readSpmVocab,
} from './lib/models/shapeModels';
import {
  SPM_ORACLE_FILE, SPM_ORACLE_GENERATOR_VERSION, SPM_ORACLE_STATES, buildSpmOracleGguf, buildSpmOracleTable, codeLlamaVocab,
} from './lib/models/spmOracleModel';

const USAGE = `usage: generateModels [--shapes all|${SHAPE_MODEL_NAMES.join(',')}] [--force] [--out DIR]`;

interface Options {
  shapes: ShapeModelName[];
  force: boolean;
  outDir: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { shapes: [], force: false, outDir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--force') options.force = true;
    else if (arg === '--shapes' || arg === '--out') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      if (arg === '--out') options.outDir = value;
      else options.shapes = value === 'all' ? [...SHAPE_MODEL_NAMES] : value.split(',').map(checkShapeName);
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return options;
}

function checkShapeName(name: string): ShapeModelName {
  if (name in SHAPE_MODELS) return name as ShapeModelName;
  throw new Error(`unknown shape model "${name}"; known: ${SHAPE_MODEL_NAMES.join(', ')}`);
}

/** The repository root: the nearest folder above this script (out/scripts/) or the cwd with our package.json. */
function findRepoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const pkg = join(dir, 'package.json');
      if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'llama-lens') return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('cannot find the llama-lens repository root (package.json) above the script or the cwd');
}

/** Writes through a temporary file in the same folder, then renames it into place. */
function writeAtomically(path: string, write: (tempPath: string) => void): void {
  const tempPath = `${path}.tmp-${process.pid}`;
  try {
    write(tempPath);
    renameSync(tempPath, path);
  } catch (error) {
    rmSync(tempPath, { force: true });
    throw error;
  }
}

/** Removes temporary files left by runs that were killed (their process is gone). */
function removeStaleTempFiles(dir: string): void {
  for (const name of readdirSync(dir)) {
    const match = /\.tmp-(\d+)$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    let alive = pid === process.pid;
    try {
      if (!alive) process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive) rmSync(join(dir, name), { force: true });
  }
}

function describe(path: string, root: string, bytes: number, startedAt: number): string {
  const size =
    bytes >= 1 << 30 ? `${(bytes / (1 << 30)).toFixed(2)} GiB`
    : bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
  return `wrote ${relative(root, path)} (${size}) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
}

interface OracleStamp {
  generatorVersion: number;
  corpusSha256: string;
  files: string[];
  extraTokens?: readonly OracleExtraToken[];
}

/** Writes one set's models and table, unless its stamp says they were made from this corpus by this generator. */
function generateOracleSet(root: string, outDir: string, set: OracleModelSet, force: boolean): void {
  const corpus = readFileSync(join(root, set.corpus), 'utf8');
  const corpusSha256 = createHash('sha256').update(corpus).digest('hex');
  const tableFile = `${set.name}.table.json`;
  const files = [...set.models.map((m) => `${m.file}.gguf`), tableFile];
  const stampPath = join(outDir, `${set.name}.stamp.json`);
  // Sets without extra tokens keep the stamp they always had (JSON.stringify leaves out an undefined field).
  const wanted: OracleStamp = { generatorVersion: ORACLE_GENERATOR_VERSION, corpusSha256, files, extraTokens: set.extraTokens };
  if (!force && existsSync(stampPath) && files.every((f) => existsSync(join(outDir, f)))) {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as OracleStamp;
    if (JSON.stringify(stamp) === JSON.stringify(wanted)) {
      console.log(`${set.name} models are up to date in ${relative(root, outDir)} (corpus ${corpusSha256.slice(0, 12)})`);
      return;
    }
  }
  rmSync(stampPath, { force: true }); // until every file below is rewritten, the set is not up to date
  const table = buildOracleTable(corpus, corpusSha256, set.extraTokens);
  for (const { file, variant } of set.models) {
    const startedAt = Date.now();
    const path = join(outDir, `${file}.gguf`);
    let bytes = 0;
    writeAtomically(path, (temp) => (bytes = buildOracleGguf(table, variant).writeFile(temp)));
    console.log(describe(path, root, bytes, startedAt));
  }
  const tablePath = join(outDir, tableFile);
  const tableJson = JSON.stringify(table) + '\n';
  writeAtomically(tablePath, (temp) => writeFileSync(temp, tableJson));
  console.log(describe(tablePath, root, Buffer.byteLength(tableJson), Date.now()));
  writeAtomically(stampPath, (temp) => writeFileSync(temp, JSON.stringify(wanted, null, 2) + '\n'));
}

/** Beside each shape model: which generator version wrote it, and its size. */
interface ShapeStamp {
  generatorVersion: number;
  bytes: number;
}

async function generateShapes(root: string, outDir: string, names: ShapeModelName[], force: boolean): Promise<void> {
  let vocab: SpmVocab | undefined;
  for (const name of names) {
    const path = join(outDir, `${name}.gguf`);
    const stampPath = join(outDir, `${name}.stamp.json`);
    vocab ??= await readSpmVocab(join(root, VOCAB_FIXTURE));
    const writer: GgufWriter = buildShapeGguf(SHAPE_MODELS[name], vocab);
    const wanted: ShapeStamp = { generatorVersion: SHAPE_GENERATOR_VERSION, bytes: writer.fileSize() };
    const upToDate = existsSync(path) && existsSync(stampPath) && statSync(path).size === wanted.bytes
      && JSON.stringify(JSON.parse(readFileSync(stampPath, 'utf8'))) === JSON.stringify(wanted);
    if (!force && upToDate) {
      console.log(`${relative(root, path)} is up to date, skipped (--force rewrites it)`);
      continue;
    }
    rmSync(stampPath, { force: true });
    const startedAt = Date.now();
    let bytes = 0;
    writeAtomically(path, (temp) => (bytes = writer.writeFile(temp)));
    writeAtomically(stampPath, (temp) => writeFileSync(temp, JSON.stringify(wanted) + '\n'));
    console.log(describe(path, root, bytes, startedAt));
  }
}

const VOCAB_FIXTURE = join('test', 'fixtures', 'ggml-vocab-llama-spm.gguf');

/** The oracle over the real vocabulary (oracle-spm.gguf and its table), unless its stamp says it is up to date. */
async function generateSpmOracle(root: string, outDir: string, force: boolean): Promise<void> {
  const vocabSha256 = createHash('sha256').update(readFileSync(join(root, VOCAB_FIXTURE))).digest('hex');
  const files = [`${SPM_ORACLE_FILE}.gguf`, `${SPM_ORACLE_FILE}.table.json`];
  const stampPath = join(outDir, `${SPM_ORACLE_FILE}.stamp.json`);
  // The designed states are part of the stamp, so changing them regenerates the model.
  const statesSha256 = createHash('sha256').update(JSON.stringify(SPM_ORACLE_STATES)).digest('hex');
  const wanted = JSON.stringify({ generatorVersion: SPM_ORACLE_GENERATOR_VERSION, vocabSha256, statesSha256, files });
  if (!force && existsSync(stampPath) && files.every((f) => existsSync(join(outDir, f)))
    && JSON.stringify(JSON.parse(readFileSync(stampPath, 'utf8'))) === wanted) {
    console.log(`${SPM_ORACLE_FILE} model is up to date in ${relative(root, outDir)}`);
    return;
  }
  rmSync(stampPath, { force: true });
  const startedAt = Date.now();
  const vocab = codeLlamaVocab(await readSpmVocab(join(root, VOCAB_FIXTURE)));
  const table = buildSpmOracleTable(vocab);
  const path = join(outDir, files[0] ?? '');
  let bytes = 0;
  writeAtomically(path, (temp) => (bytes = buildSpmOracleGguf(vocab, table).writeFile(temp)));
  console.log(describe(path, root, bytes, startedAt));
  const tableJson = JSON.stringify(table, null, 1) + '\n';
  writeAtomically(join(outDir, files[1] ?? ''), (temp) => writeFileSync(temp, tableJson));
  writeAtomically(stampPath, (temp) => writeFileSync(temp, wanted + '\n'));
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = findRepoRoot();
  const outDir = options.outDir ?? join(root, '.cache', 'models');
  mkdirSync(outDir, { recursive: true });
  removeStaleTempFiles(outDir);
  for (const set of ORACLE_MODEL_SETS) generateOracleSet(root, outDir, set, options.force);
  await generateSpmOracle(root, outDir, options.force);
  if (options.shapes.length > 0) await generateShapes(root, outDir, options.shapes, options.force);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
