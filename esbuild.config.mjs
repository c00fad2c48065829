// Bundles the extension (CommonJS, as VS Code loads it), the engine child process (ESM, because
// node-llama-cpp is ESM-only and must stay external), and transpiles tests and scripts into out/.
// Type checking is not done here: `npm run typecheck` (tsc, per layer) is the gate.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// The VSIX build (scripts/package.ts): only what ships, leaving out/ (tests, scripts) as it is.
const distOnly = process.argv.includes('--dist-only');

/** Every file under `dir` whose name matches `pattern`. */
function findFiles(dir, pattern) {
  const found = [];
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findFiles(path, pattern));
    else if (pattern.test(name)) found.push(path);
  }
  return found;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

/**
 * Every `import * as vscode from 'vscode'` in a CommonJS bundle becomes its own `__toESM(require('vscode'))`, which
 * copies each of the API's hundreds of members onto a fresh object: 23 such copies were half of the extension's code
 * loading time (about 20 ms). Routing the imports through one ES module that re-exports 'vscode' makes a single copy.
 */
const shareVscodeImport = {
  name: 'share-vscode-import',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'shared-vscode' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'shared-vscode' });
    build.onLoad({ filter: /.*/, namespace: 'shared-vscode' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

/**
 * `llama-lens:binary-pins`: the CUDA packages the engine may install, each with the sha512 integrity that
 * package-lock.json records for it at node-llama-cpp's locked version. Compiled into the engine, so that a registry
 * says where to fetch them from, never what they are. A lock file without them fails the build: an engine without
 * pins would install nothing, and one that trusted the registry's hash would run whatever a mirror served.
 */
const pinBinaries = {
  name: 'binary-pins',
  setup(build) {
    build.onResolve({ filter: /^llama-lens:binary-pins$/ }, (args) => ({ path: args.path, namespace: 'binary-pins' }));
    build.onLoad({ filter: /.*/, namespace: 'binary-pins' }, () => ({
      contents: `export default ${JSON.stringify(lockedCudaPins())};`,
      loader: 'js',
    }));
  },
};

function lockedCudaPins() {
  const { packages } = JSON.parse(readFileSync('package-lock.json', 'utf8'));
  const version = packages['node_modules/node-llama-cpp']?.version;
  const cuda = Object.entries(packages)
    .filter(([path]) => /^node_modules\/@node-llama-cpp\/[a-z0-9-]+-cuda(-ext)?$/.test(path))
    .map(([path, entry]) => ({ name: path.slice('node_modules/'.length), version: entry.version, integrity: entry.integrity }));
  for (const pin of cuda) {
    if (pin.version !== version) throw new Error(`package-lock.json has ${pin.name}@${pin.version}, not node-llama-cpp's ${version}.`);
  }
  // An entry without integrity stands for a package node-llama-cpp names but never published (3.22.1's Windows
  // natives): npm ci needs the entry, and there is nothing to pin. Linux's must always be real.
  const pins = cuda.filter((pin) => pin.integrity !== undefined || pin.name.startsWith('@node-llama-cpp/linux-'));
  for (const pin of pins) {
    if (!/^sha512-[A-Za-z0-9+/]+=*$/.test(pin.integrity ?? '')) {
      throw new Error(`package-lock.json has no sha512 integrity for ${pin.name}.`);
    }
  }
  if (!pins.some((pin) => pin.name === '@node-llama-cpp/linux-x64-cuda')) {
    throw new Error('package-lock.json lists no @node-llama-cpp/linux-x64-cuda to pin.');
  }
  return pins;
}

const allBuilds = [
  // The extension host side. `vscode` is provided by the host; node-llama-cpp never enters this bundle.
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    format: 'cjs',
    external: ['node-llama-cpp'],
    plugins: [shareVscodeImport, pinBinaries],
  },
  // The engine child process: the only code that imports node-llama-cpp, which ships in node_modules.
  {
    ...common,
    entryPoints: ['src/engine/main.ts'],
    outfile: 'dist/engine.mjs',
    format: 'esm',
    external: ['node-llama-cpp'],
    plugins: [pinBinaries],
    banner: { js: "import { createRequire as __llCreateRequire } from 'node:module'; const require = __llCreateRequire(import.meta.url);" },
  },
  // The engine's resolve hook, registered by the engine when CUDA binaries were downloaded: its own module, loaded by
  // Node's hooks thread.
  { ...common, entryPoints: ['src/engine/binaries/binaryResolveHook.ts'], outfile: 'dist/binaryResolveHook.mjs', format: 'esm' },
  // The webviews (the Lens, the chat): browser code with no Node built-ins, loaded by a <script> tag under a strict CSP.
  ...['lens', 'chat'].map((name) => ({
    ...common,
    entryPoints: [`src/webview/${name}/main.ts`],
    outfile: `dist/webview/${name}.js`,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
  })),
  // Tests and scripts: one CommonJS file per entry; packages stay external and load from node_modules.
  {
    ...common,
    entryPoints: [
      ...findFiles('test', /(\.test|^index|^runnerExtension|^runElectron)\.ts$/),
      ...findFiles('scripts', /\.ts$/).filter((f) => !f.includes('/lib/')),
    ],
    outdir: 'out',
    outbase: '.',
    format: 'cjs',
    packages: 'external',
    plugins: [pinBinaries],
  },
];

const builds = distOnly ? allBuilds.filter((options) => options.outfile?.startsWith('dist/')) : allBuilds;

// A test deleted from test/ must not keep running from a stale out/ file.
if (!watch && !distOnly) rmSync('out', { recursive: true, force: true });

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
