// ESLint (flat config): typescript-eslint's recommended rules, the layering of docs/development.md ("Layers and lint")
// as import rules, and a line-length limit. `npm run lint`; part of `npm test`, after `npm run typecheck`, which checks
// types per layer. The rules are the syntactic ones: type-aware linting would build a second whole-program type check
// on every run, and tsc (strict) is the type gate already.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------------------------------
// Layers: which files may import what. One no-restricted-imports entry per layer, since a later config object that
// sets a rule replaces, not extends, an earlier one's options for the same file.
// Paths are matched on segments, never on depth: src/engine/**/*.ts covers files moved into src/engine/inference/ and
// the like, and a relative import crosses into another layer exactly when, after its run of "../", its first segment
// is that layer's folder (so do not name a folder inside a layer after a layer).

/** A pattern that matches a relative import of any file in one of `layers`, from anywhere in src/. */
function layerImports(layers, why) {
  // Case-sensitive: client/Engine.ts is not the engine layer.
  return { regex: `^(?:\\.\\./)+(?:src/)?(?:${layers.join('|')})(?:/|$)`, message: why, caseSensitive: true };
}

const VSCODE = { name: 'vscode', message: "Only src/extension imports 'vscode': the other layers run outside the extension host too." };
const LLAMA = {
  name: 'node-llama-cpp',
  message: 'Only src/engine imports node-llama-cpp: it runs in its own process, so that a native crash cannot take the host down.',
};
const LLAMA_NATIVES = {
  regex: '^@node-llama-cpp/',
  message: "Only src/engine loads node-llama-cpp's native packages.",
};
// Every Node built-in, pure ones (node:path, node:url) included: core is bundled into the browser webview, and its
// tsconfig has no Node types. Both spellings, `node:fs` and `fs`.
const NODE_BUILTINS_MESSAGE = 'core and protocol are pure TypeScript that also runs in the webview: no Node built-ins. '
  + 'Take what you need as a parameter (see the injected clock and engine client in core/completion).';
const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_')).map((name) => ({ name, message: NODE_BUILTINS_MESSAGE }));
const NODE_PREFIXED = { regex: '^node:', message: NODE_BUILTINS_MESSAGE };

// No layer imports the tooling (test/, scripts/): it is not shipped.
const TOOLING = { regex: '^(?:\\.\\./)+(?:test|scripts)(?:/|$)', message: 'src/ does not import test/ or scripts/: they are not shipped.' };

/** The rule options for one layer: @typescript-eslint's variant also sees `import x = require('…')`. */
function restrict({ paths = [], patterns = [] }) {
  return { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns: [...patterns, TOOLING] }] };
}

const layerRules = [
  {
    // The bottom layer: message types and their guards. Core imports protocol, so protocol does not import core.
    files: ['src/protocol/**/*.ts'],
    rules: restrict({
      paths: [VSCODE, LLAMA, ...NODE_BUILTINS],
      patterns: [LLAMA_NATIVES, NODE_PREFIXED, layerImports(['core', 'engine', 'client', 'extension', 'webview'],
        'protocol is the bottom layer: it imports only its own files.')],
    }),
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict({
      paths: [VSCODE, LLAMA, ...NODE_BUILTINS],
      patterns: [LLAMA_NATIVES, NODE_PREFIXED, layerImports(['engine', 'client', 'extension', 'webview'],
        'core imports only protocol and its own files: the layers above it are wired together in extension.')],
    }),
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: restrict({
      paths: [VSCODE],
      patterns: [layerImports(['client', 'extension', 'webview'],
        'engine runs in its own process: it imports core, protocol and its own files, and talks to the host over IPC.')],
    }),
  },
  {
    files: ['src/client/**/*.ts'],
    rules: restrict({
      paths: [VSCODE, LLAMA],
      patterns: [LLAMA_NATIVES, layerImports(['engine', 'extension', 'webview'],
        'client drives the engine process over IPC (protocol): it imports core, protocol and its own files.')],
    }),
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: restrict({
      paths: [LLAMA],
      patterns: [LLAMA_NATIVES, layerImports(['engine', 'webview'],
        'extension reaches the engine through client, and the webview through messages (protocol).')],
    }),
  },
  {
    // Browser code, bundled for a webview under a strict CSP: no packages at all, only relative paths.
    files: ['src/webview/**/*.ts'],
    rules: restrict({
      patterns: [
        { regex: '^(?!\\.\\.?/)', message: 'webview is browser code: it imports only its own files, ../../protocol and ../../core, '
          + "never 'vscode', node-llama-cpp, Node built-ins or other packages." },
        layerImports(['engine', 'client', 'extension'], 'webview imports only protocol, core and its own files.'),
      ],
    }),
  },
];

// no-restricted-imports sees static imports only, so src/ keeps to them: a dynamic import(), a require() or an
// import('…') type would slip past the layer rules.
const STATIC_ONLY = 'src/ uses static imports only (`import` / `import type`), so that the layer rules can check them.';
const staticImportsOnly = {
  files: ['src/**/*.ts'],
  rules: {
    'no-restricted-syntax': ['error',
      { selector: 'ImportExpression', message: STATIC_ONLY },
      { selector: 'TSImportType', message: STATIC_ONLY },
      { selector: "CallExpression[callee.name='require']", message: STATIC_ONLY },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------------------
// Line length. Comments count too. A line that is one string, template or regex literal (after at most a short lead
// such as `key: `, `? `, `return ` or `it(`) is exempt: user-facing messages stay whole so they can be grepped, and a
// regex cannot be split. max-len is deprecated in core ESLint (available until v11); @stylistic/max-len takes the same
// options when we move.
const q = String.raw`'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"`;
const template = '`' + String.raw`(?:[^` + '`' + String.raw`\\]|\\.)*` + '`';
const regexLiteral = String.raw`\/(?![*/])(?:[^/\\]|\\.)+\/[dgimsuy]*`;
const lead = String.raw`(?:[\w.]+: |\? |: |return |(?:const|let) \w+ = |it\(|throw new Error\()?`;
const tail = String.raw`[,;)]*(?: \+)?(?:, (?:async )?(?:function \(\) \{|\(\) => \{))?`;
const ONE_LITERAL_LINE = String.raw`^\s*` + lead + `(?:${q}|${template}|${regexLiteral})` + tail + '$';

export default defineConfig(
  globalIgnores(['out/', 'dist/', '.cache/', '.vscode-test/', 'test-results/', 'bench-results/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      'max-len': ['error', { code: 140, tabWidth: 2, ignorePattern: ONE_LITERAL_LINE }],
      // Matches tsc: noUnusedLocals is on, unused parameters are allowed (an interface's or a callback's shape), and
      // `const { dropped, ...rest } = value` is how the tree leaves a field out.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', ignoreRestSiblings: true }],
      // The tree folds a caught error's message into the one it throws: engine errors cross the IPC wire as
      // { code, message }, where a `cause` would be lost.
      'preserve-caught-error': 'off',
      // `let x; const y = make(() => x?.use()); x = …;` reads x in a closure before it is assigned: const would throw.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The integration runner loads its suites and mocha with require(): literal paths for esbuild to bundle, and a
    // path only known inside the extension host.
    files: ['test/integration/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...layerRules,
  staticImportsOnly,
);
