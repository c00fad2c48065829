// No import circles in src/: a circle makes load order matter and hides which file is the lower layer. Type-only
// imports count too, since they tie the files' designs together just the same.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT, sourceFiles } from '../support/repoPaths';

const SRC = join(REPO_ROOT, 'src');

/** The files of src/ that `file` imports (for its types, its values or its side effects) or re-exports by a relative path. */
function localImports(file: string, text: string): string[] {
  const pattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*'(\.[^']+)'|(?:^|\n)\s*import\s*'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/g;
  const specifiers = [...text.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
  return specifiers.flatMap((specifier) => {
    const base = resolve(dirname(file), specifier.replace(/\.m?js$/, ''));
    const target = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
    return target ? [target] : [];
  });
}

/** Each circle found by a depth-first walk, as the files along it. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('imports in src/', () => {
  it('find a circle when there is one', () => {
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    assert.deepEqual(findCycles(graph), [['a', 'b', 'c', 'a']]);
    assert.deepEqual(findCycles(new Map([['a', ['b']], ['b', []], ['c', ['a', 'b']]])), []);
  });

  it('read relative imports, re-exports and type imports', () => {
    const file = join(SRC, 'engine', 'EngineServer.ts');
    const imports = localImports(file, readFileSync(file, 'utf8')).map((target) => relative(SRC, target).split('\\').join('/'));
    assert.ok(imports.includes('protocol/engineApi.ts') && imports.includes('engine/engineHandlers.ts'), imports.join(', '));
  });

  it('form no circles', () => {
    const files = sourceFiles('src').map((path) => join(REPO_ROOT, path));
    const graph = new Map(files.map((file) => [file, localImports(file, readFileSync(file, 'utf8'))] as const));
    const cycles = findCycles(graph).map((cycle) => cycle.map((file) => relative(SRC, file)).join(' → '));
    assert.deepEqual(cycles, []);
  });
});
